from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from tuijin.core.api import ScopedModelViewSet, ScopedReadOnlyViewSet
from tuijin.core.permissions import member_of
from tuijin.core.params import api_errors
from tuijin.indicators import services
from tuijin.indicators.dispatch import dispatch_table
from tuijin.indicators.exports import dispatch_json
from tuijin.indicators.filters import ActualFilter, DispatchParams, TargetFilter
from tuijin.indicators.models import Actual, Indicator, Target
from tuijin.org.models import Unit
from tuijin.core.models import Zone


class IndicatorSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "zone", "code", "name", "unit", "scale", "higher_is_better", "decimals", "rollup", "measure", "is_main"]


class IndicatorViewSet(ScopedReadOnlyViewSet):
    """The indicator catalogue of the zones you see."""

    queryset = Indicator.objects.select_related("zone")
    serializer_class = IndicatorSerializer


class TargetSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    value_display = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = ["id", "zone", "unit", "indicator", "indicator_code", "year", "value", "value_display"]

    def get_value_display(self, obj) -> str:
        return str(obj.indicator.to_display(obj.value))


class TargetViewSet(ScopedReadOnlyViewSet):
    """Annual targets (stored units in ``value``; the indicator's display unit in ``value_display``)."""

    queryset = Target.objects.select_related("zone", "indicator")
    serializer_class = TargetSerializer
    filterset_class = TargetFilter


class ActualSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    # numbers as text: the service reads them, so the API refuses exactly what the form and the import refuse
    ytd_display = serializers.CharField(write_only=True, required=True, max_length=40,
                                        help_text="year to date in the indicator's display unit, e.g. \"18.56\"")
    last_year_ytd_display = serializers.CharField(write_only=True, required=False, allow_null=True, allow_blank=True,
                                                  max_length=40)
    confirmed = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = Actual
        fields = ["id", "zone", "unit", "indicator", "indicator_code", "year", "month", "ytd", "last_year_ytd",
                  "state", "return_reason", "ytd_display", "last_year_ytd_display", "confirmed"]
        read_only_fields = ["ytd", "last_year_ytd", "state", "return_reason"]
        validators: list = []


class ActualViewSet(ScopedModelViewSet):
    """Filed year-to-date figures with their filing state; POST files (or corrects) a draft."""

    queryset = Actual.objects.select_related("zone", "indicator", "unit")
    serializer_class = ActualSerializer
    filterset_class = ActualFilter
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        d = serializer.validated_data
        member = self.request.member
        unit = Unit.objects.restrict(member, "change").filter(pk=d["unit"].pk).first()
        if unit is None:
            raise NotFound(_("No such unit, or it is outside your data scope."))
        serializer.instance = services.actual_save(
            member=member, unit=unit, indicator=d["indicator"], year=d["year"], month=d["month"],
            ytd=d["ytd_display"], last_year_ytd=d.get("last_year_ytd_display") or None,
            confirmed=d.get("confirmed", False))


class DispatchView(APIView):
    """The dispatch table of a zone and month, as `tuijin dispatch --format json` gives it."""

    @extend_schema(parameters=[OpenApiParameter("zone", str, required=True, description="the zone's code"),
                               OpenApiParameter("period", str, required=True, description="YYYY-MM",
                                                pattern=r"^\d{4}-\d{1,2}$")],
                   responses={200: dict})
    def get(self, request):
        member = member_of(request)
        params = DispatchParams(request.query_params)
        if not params.is_valid():
            raise ValidationError(api_errors(params.errors))
        zone = Zone.objects.restrict(member).filter(code=params.cleaned_data["zone"]).first()
        if zone is None:
            raise NotFound(_("No such zone, or it is outside your data scope."))
        year, month = params.cleaned_data["period"]
        rows = dispatch_table(member=member, zone=zone, year=year, month=month)
        return Response(dispatch_json(rows, zone=zone, year=year, month=month))


def register(router):
    router.register("indicators", IndicatorViewSet, basename="indicator")
    router.register("targets", TargetViewSet, basename="target")
    router.register("actuals", ActualViewSet, basename="actual")
