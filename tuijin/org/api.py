from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tuijin.core.api import ScopedModelViewSet
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


class UnitViewSet(ScopedModelViewSet):
    """Units of the zones you see (责任单位), a tree by ``parent``."""

    queryset = Unit.objects.select_related("zone").order_by("zone__code", "path")
    serializer_class = UnitSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        zone = self.request.query_params.get("zone")
        return qs.filter(zone__code=zone) if zone else qs

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

    class Meta:
        model = Member
        fields = ["id", "username", "zone", "unit", "role", "scope", "full_name", "title"]


class MemberViewSet(ScopedModelViewSet):
    """Members: a user's place in a unit, role and data scope."""

    queryset = Member.objects.select_related("user", "zone", "unit").order_by("zone__code", "id")
    serializer_class = MemberSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        unit = data.get("unit")
        if unit is not None and not Unit.objects.restrict(self.request.member).filter(pk=unit.pk).exists():
            raise serializers.ValidationError({"unit": _("No such unit, or it is outside your data scope.")})
        serializer.instance = services.member_update(member=self.request.member, target=serializer.instance, **data)


def register(router):
    router.register("units", UnitViewSet, basename="unit")
    router.register("members", MemberViewSet, basename="member")
