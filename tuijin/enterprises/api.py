"""The enterprise register over the REST API: /api/v1/enterprises/ (read, add, change) and
/api/v1/enterprises/{id}/years/ (store a year's figures). Every write goes through ``enterprises.services``: the
values are passed on as sent, so the API refuses exactly what the page and the import refuse."""
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from tuijin.core.api import RawDecimalField, RawIntegerField, RawTextField, ScopedModelViewSet
from tuijin.core.params import ID_SCHEMA, YEAR_SCHEMA, IdField, YearField, api_params
from tuijin.enterprises import selectors, services
from tuijin.enterprises.models import Enterprise, EnterpriseVisit, EnterpriseYear
from tuijin.org.models import Unit


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
                  "above_scale", "liaison", "years", "created", "updated"]
        read_only_fields = ["liaison", "created", "updated"]  # the liaison: named by the office on the page
        validators: list = []  # uniqueness is the service's rule (one message on every path)


class EnterpriseVisitSerializer(serializers.ModelSerializer):
    """A service visit; with ``request_title`` the enterprise's request is raised as a ticket (工业服务年)."""

    visited_on = RawTextField(help_text="走访日期, 2023-05-01")
    findings = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False,
                                     help_text="走访情况 (at most 5000 characters, checked by the service)")
    request_title = RawTextField(required=False, write_only=True, help_text="企业诉求 (empty: none)")
    request_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True,
                                                      write_only=True, help_text="诉求交办单位 (default: serving unit)")
    request_deadline = RawTextField(required=False, write_only=True, help_text="诉求办结期限")

    class Meta:
        model = EnterpriseVisit
        fields = ["id", "visited_on", "visitor_name", "findings", "ticket", "request_title", "request_unit",
                  "request_deadline"]
        read_only_fields = ["visitor_name", "ticket"]


class BoundedPagination(LimitOffsetPagination):
    """limit/offset within what a database can take (an offset of 10^25 would reach SQLite as an error)."""

    max_limit = 1000

    def get_offset(self, request):
        return min(super().get_offset(request), 10**9)


class _ListParams(forms.Form):
    unit = IdField()
    year = YearField()


class EnterpriseViewSet(ScopedModelViewSet):
    """The enterprise register (一企一档). Filters: ``q`` (name or code), ``unit``, ``above_scale`` (true/false),
    ``year`` with ``min_revenue`` (万元, the year's operating revenue)."""

    queryset = Enterprise.objects.select_related("zone", "unit").prefetch_related("years")
    serializer_class = EnterpriseSerializer
    pagination_class = BoundedPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(parameters=[
        OpenApiParameter("q", str), OpenApiParameter("unit", ID_SCHEMA),
        OpenApiParameter("above_scale", bool),
        OpenApiParameter("year", YEAR_SCHEMA),
        OpenApiParameter("min_revenue", OpenApiTypes.DECIMAL)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action != "list":
            return qs
        p, params = self.request.query_params, api_params(self.request, _ListParams)  # a bad unit or year: 400
        q = str(p.get("q") or "").replace("\x00", "").strip()[:100]
        if q:
            qs = qs.filter(name__icontains=q) | qs.filter(credit_code__icontains=q.upper())
        if params["unit"] is not None:
            qs = qs.filter(unit_id=params["unit"])
        if p.get("above_scale") in ("true", "false", "1", "0"):
            qs = qs.filter(above_scale=p["above_scale"] in ("true", "1"))
        if p.get("min_revenue"):
            value = selectors._amount(p["min_revenue"])
            if value is None or params["year"] is None:
                return qs.none()
            qs = qs.filter(years__year=params["year"], years__revenue__gte=value)
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

    @extend_schema(request=EnterpriseVisitSerializer, responses=EnterpriseVisitSerializer)
    @action(detail=True, methods=["post"])
    def visits(self, request, pk=None):
        """Log a service visit (and the enterprise's request, raised through the ticket loop)."""
        enterprise = self.get_object()
        data = EnterpriseVisitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visit = services.visit_log(member=request.member, enterprise=enterprise, **data.validated_data)
        return Response(EnterpriseVisitSerializer(visit).data, status=201)


def register(router):
    router.register("enterprises", EnterpriseViewSet, basename="enterprise")
