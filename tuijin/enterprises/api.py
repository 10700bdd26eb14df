"""The enterprise register over the REST API: /api/v1/enterprises/ (read, add, change) and
/api/v1/enterprises/{id}/years/ (store a year's figures). Every write goes through ``enterprises.services``: the
values are passed on as sent, so the API refuses exactly what the page and the import refuse."""
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from tuijin.core.api import ScopedModelViewSet
from tuijin.enterprises import selectors, services
from tuijin.enterprises.models import Enterprise, EnterpriseYear
from tuijin.org.models import Unit


# written back as a decimal string, so the schema says so (OpenApiTypes.DECIMAL would promise a JSON number)
@extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^-?\d{1,14}(\.\d{1,4})?$"})
class RawDecimalField(serializers.Field):
    """A number as sent (number or text), checked by the service; written back as a decimal string."""

    def to_internal_value(self, data):
        if data is None or isinstance(data, (str, int, float)) and not isinstance(data, bool):
            return data if not isinstance(data, str) else data[:100]
        raise serializers.ValidationError(_("Send a number (or its text)."))

    def to_representation(self, value):
        return None if value is None else str(value)


@extend_schema_field(OpenApiTypes.INT)
class RawIntegerField(RawDecimalField):
    """A whole number as sent, checked by the service; written back as a number."""

    def to_representation(self, value):
        return None if value is None else int(value)


@extend_schema_field(OpenApiTypes.STR)
class RawTextField(serializers.Field):
    """Text as sent, checked by the service (length, format, control characters)."""

    def to_internal_value(self, data):
        if data is None or isinstance(data, (str, int)) and not isinstance(data, bool):
            return "" if data is None else str(data)[:1000]
        raise serializers.ValidationError(_("Send text."))

    def to_representation(self, value):
        return value


class EnterpriseYearSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(help_text="2000—2100, not after the zone's current year.")
    revenue = RawDecimalField(required=False, allow_null=True, help_text="营业收入(万元)")
    tax = RawDecimalField(required=False, allow_null=True, help_text="税收(万元)")
    output = RawDecimalField(required=False, allow_null=True, help_text="工业总产值(万元)")
    value_added = RawDecimalField(required=False, allow_null=True, help_text="增加值(万元)")
    energy = RawDecimalField(required=False, allow_null=True, help_text="能耗(吨标煤)")
    rnd = RawDecimalField(required=False, allow_null=True, help_text="研发投入(万元)")
    employees = RawIntegerField(required=False, allow_null=True, help_text="从业人员(人)")
    above_scale = serializers.BooleanField(required=False, allow_null=True, help_text="规上 in that year")

    class Meta:
        model = EnterpriseYear
        fields = ["year", "revenue", "tax", "output", "value_added", "energy", "rnd", "employees", "above_scale"]


class EnterpriseSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # Required on create, but checked by the service (one message on every path), not by the serializer.
    credit_code = RawTextField(required=False,
                               help_text="统一社会信用代码: 18 characters with the GB 32100-2015 check character.")
    name = RawTextField(required=False)
    address = RawTextField(required=False)
    industry = RawTextField(required=False)
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True,
                                              help_text="The serving unit (a unit of the zone; required on create).")
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    land_area = RawDecimalField(required=False, allow_null=True, help_text="用地面积(亩)")
    years = EnterpriseYearSerializer(many=True, read_only=True)

    class Meta:
        model = Enterprise
        fields = ["id", "zone", "credit_code", "name", "address", "industry", "unit", "unit_name", "land_area",
                  "above_scale", "years", "created", "updated"]
        read_only_fields = ["created", "updated"]
        validators: list = []  # uniqueness is the service's rule (one message on every path)


class BoundedPagination(LimitOffsetPagination):
    """limit/offset within what a database can take (an offset of 10^25 would reach SQLite as an error)."""

    max_limit = 1000

    def get_offset(self, request):
        return min(super().get_offset(request), 10**9)


class EnterpriseViewSet(ScopedModelViewSet):
    """The enterprise register (一企一档). Filters: ``q`` (name or code), ``unit``, ``above_scale`` (true/false),
    ``year`` with ``min_revenue`` (万元, the year's operating revenue)."""

    queryset = Enterprise.objects.select_related("zone", "unit").prefetch_related("years")
    serializer_class = EnterpriseSerializer
    pagination_class = BoundedPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(parameters=[
        OpenApiParameter("q", str), OpenApiParameter("unit", int), OpenApiParameter("above_scale", bool),
        OpenApiParameter("year", int), OpenApiParameter("min_revenue", OpenApiTypes.DECIMAL)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action != "list":
            return qs
        p = self.request.query_params
        q = str(p.get("q") or "").replace("\x00", "").strip()[:100]
        if q:
            qs = qs.filter(name__icontains=q) | qs.filter(credit_code__icontains=q.upper())
        unit = str(p.get("unit") or "")
        if unit:
            qs = qs.filter(unit_id=int(unit)) if unit.isdigit() and len(unit) < 19 else qs.none()
        if p.get("above_scale") in ("true", "false", "1", "0"):
            qs = qs.filter(above_scale=p["above_scale"] in ("true", "1"))
        if p.get("min_revenue"):
            value = selectors._amount(p["min_revenue"])
            year = str(p.get("year") or "")
            if value is None or not (year.isdigit() and len(year) == 4):
                return qs.none()
            qs = qs.filter(years__year=int(year), years__revenue__gte=value)
        return qs.order_by("zone__code", "name")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        member = self.request.member
        unit = data.get("unit")
        zone = unit.zone if member.sees_all_zones and unit is not None else member.zone
        serializer.instance = services.enterprise_save(member=member, zone=zone, **data)

    def perform_update(self, serializer):
        serializer.instance = services.enterprise_save(member=self.request.member, zone=serializer.instance.zone,
                                                       enterprise=serializer.instance,
                                                       **serializer.validated_data)

    @extend_schema(request=EnterpriseYearSerializer, responses=EnterpriseYearSerializer)
    @action(detail=True, methods=["post"])
    def years(self, request, pk=None):
        """Store one year's figures (a figure left out is kept; null clears it)."""
        enterprise = self.get_object()
        data = EnterpriseYearSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        figures = dict(data.validated_data)
        year = figures.pop("year")
        row = services.enterprise_year_save(member=request.member, enterprise=enterprise, year=year, **figures)
        if row is None:
            return Response({"year": year, "stored": False})
        return Response(EnterpriseYearSerializer(row).data)


def register(router):
    router.register("enterprises", EnterpriseViewSet, basename="enterprise")
