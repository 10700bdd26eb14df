from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from tuijin.core.api import ScopedModelViewSet
from tuijin.core.params import ParamFilterSet, TextFilter
from tuijin.org import services
from tuijin.org.models import Member, Unit


class UnitSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "zone", "parent", "name", "kind", "group", "sort_order", "is_active", "path"]
        read_only_fields = ["path"]

    def validate_parent(self, parent):
        request = self.context["request"]
        if parent is not None and not Unit.objects.restrict(request.member).filter(pk=parent.pk).exists():
            raise serializers.ValidationError(_("No such unit, or it is outside your data scope."))
        return parent


class UnitFilter(ParamFilterSet):
    zone = TextFilter(field_name="zone__code", help_text="the zone's code, e.g. huaian")

    class Meta:
        model = Unit
        fields: list = []


class UnitViewSet(ScopedModelViewSet):
    """Units of the zones you see (责任单位), a tree by ``parent``."""

    queryset = Unit.objects.select_related("zone").order_by("zone__code", "path")
    serializer_class = UnitSerializer
    filterset_class = UnitFilter

    def perform_create(self, serializer):
        member = self.request.member
        parent = serializer.validated_data.get("parent")
        zone = parent.zone if parent is not None else member.zone
        serializer.instance = services.unit_create(member=member, zone=zone, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.unit_update(
            member=self.request.member, unit=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.unit_update(member=self.request.member, unit=instance, is_active=False)


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)
    is_active = serializers.BooleanField(source="user.is_active", required=False)

    class Meta:
        model = Member
        fields = ["id", "username", "zone", "unit", "role", "scope", "full_name", "title", "is_active"]


class PasswordResetSerializer(serializers.Serializer):
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class MemberViewSet(ScopedModelViewSet):
    """Members: a user's place in a unit, role and data scope.

    Nobody grants a role or a scope above their own, and nobody changes, disables or resets the password of a
    member above their own (403).
    """

    queryset = Member.objects.select_related("user", "zone", "unit").order_by("zone__code", "id")
    serializer_class = MemberSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request, *args, **kwargs):
        from rest_framework.exceptions import MethodNotAllowed

        raise MethodNotAllowed(request.method)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        active = data.pop("user", {}).get("is_active")
        unit = data.get("unit")
        if unit is not None and not Unit.objects.restrict(self.request.member).filter(pk=unit.pk).exists():
            raise serializers.ValidationError({"unit": _("No such unit, or it is outside your data scope.")})
        target = services.member_change(member=self.request.member, target=serializer.instance, is_active=active,
                                        **data)
        serializer.instance = Member.objects.select_related("user", "zone", "unit").get(pk=target.pk)

    @extend_schema(request=PasswordResetSerializer, responses={204: None})
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request, pk=None):
        """Give the member a new initial password (they must change it at the next sign-in; tokens revoked)."""
        target = self.get_object()
        data = PasswordResetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.member_reset_password(member=request.member, target=target, password=data.validated_data["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router):
    router.register("units", UnitViewSet, basename="unit")
    router.register("members", MemberViewSet, basename="member")
