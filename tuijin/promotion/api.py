"""招商 over the REST API: /api/v1/leads/ (read, add, change), /api/v1/leads/{id}/advance/, /drop/, /visits/ and
/api/v1/capital/ (read, record). Every write goes through ``promotion.services`` with the values as sent, so the API
refuses exactly what the pages refuse."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from tuijin.core.api import ScopedModelViewSet
from tuijin.core.api import RawDecimalField, RawTextField
from tuijin.core.params import parse_id
from tuijin.org.models import Unit
from tuijin.projects.models import Project
from tuijin.promotion import services
from tuijin.promotion.filters import LeadFilter
from tuijin.promotion.models import STAGES, Capital, Lead, Visit


class LeadVisitSerializer(serializers.ModelSerializer):
    on = RawTextField(help_text="YYYY-MM-DD")
    summary = RawTextField()
    people = RawTextField(required=False)

    class Meta:
        model = Visit
        fields = ["id", "on", "kind", "people", "summary"]
        validators: list = []


class LeadSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)
    name = RawTextField(required=False)
    investor = RawTextField(required=False)
    brought_by = RawTextField(required=False)
    industry = RawTextField(required=False)
    note = RawTextField(required=False)
    source = RawTextField(required=False, help_text="referral 以商招商, resident 驻外招商, agency 中介招商, expo 展会招商, "
                                                    "chain 产业链招商, other 其他")
    currency = RawTextField(required=False, help_text="CNY (amount in 万元) or USD (amount in 万美元, with exchange_rate)")
    amount = RawDecimalField(required=False, allow_null=True)
    exchange_rate = RawDecimalField(required=False, allow_null=True, help_text="元 per US dollar")
    lead_on = RawTextField(required=False, help_text="YYYY-MM-DD")
    assess_by = RawTextField(required=False, help_text="YYYY-MM-DD: the first assessment is due")
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True,
                                              help_text="the bringing unit")
    serving_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True,
                                                      help_text="the serving unit (default: the bringing unit)")
    visits = LeadVisitSerializer(many=True, read_only=True)

    class Meta:
        model = Lead
        fields = ["id", "zone", "name", "source", "unit", "brought_by", "serving_unit", "investor", "industry",
                  "is_foreign", "currency", "amount", "exchange_rate", "intended_investment", "assess_by", "stage",
                  "lead_on", "talks_on", "signed_on", "registered_on", "capital_on", "started_on", "dropped_on",
                  "drop_reason", "project", "note", "visits"]
        read_only_fields = ["intended_investment", "stage", "talks_on", "signed_on", "registered_on", "capital_on",
                            "started_on", "dropped_on", "drop_reason", "project"]
        validators: list = []


class AdvanceSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=STAGES[1:])
    on = RawTextField(help_text="YYYY-MM-DD")
    project = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2_000_000_000,
                                       help_text="签约: link this ledger project instead of creating one")
    code = RawTextField(required=False, help_text="签约: the new project's code (default ZS<year>-<no.>)")


class DropSerializer(serializers.Serializer):
    on = RawTextField(help_text="YYYY-MM-DD")
    reason = RawTextField()


class LeadViewSet(ScopedModelViewSet):
    """Leads (招商线索). Filters: ``stage``, ``source``, ``unit`` (bringing or serving), ``year``, ``q``."""

    queryset = Lead.objects.select_related("zone").prefetch_related("visits")
    serializer_class = LeadSerializer
    filterset_class = LeadFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().order_by("zone__code", "-lead_on", "-id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        unit = data.get("unit")
        member = self.request.member
        zone = unit.zone if member.sees_all_zones and unit is not None else member.zone
        serializer.instance = services.lead_create(member=member, zone=zone, **data)

    def perform_update(self, serializer):
        serializer.instance = services.lead_update(member=self.request.member, lead=serializer.instance,
                                                   **serializer.validated_data)

    def _lead(self, pk):
        pk = parse_id(pk)  # the router passes any text ("²", "abc"): no id, no lead
        lead = Lead.objects.restrict(self.request.member, "change").filter(pk=pk).first() if pk else None
        if lead is None:
            raise NotFound(_("No such lead, or it is outside your data scope."))
        return lead

    @extend_schema(request=AdvanceSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        """Move the lead to its next stage (签约 creates or links the ledger project)."""
        lead = self._lead(pk)
        s = AdvanceSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        project = None
        if d.get("project"):
            project = Project.objects.restrict(request.member).filter(pk=d["project"], zone=lead.zone).first()
            if project is None:
                raise NotFound(_("No such project, or it is outside your data scope."))
        lead = services.lead_advance(member=request.member, lead=lead, stage=d["stage"], on=d["on"],
                                     project=project, code=d.get("code") or "")
        return Response(LeadSerializer(lead).data)

    @extend_schema(request=DropSerializer, responses=LeadSerializer)
    @action(detail=True, methods=["post"])
    def drop(self, request, pk=None):
        """Drop a lead not signed, with the reason."""
        lead = self._lead(pk)
        s = DropSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        lead = services.lead_drop(member=request.member, lead=lead, **s.validated_data)
        return Response(LeadSerializer(lead).data)

    @extend_schema(request=LeadVisitSerializer, responses=LeadVisitSerializer)
    @action(detail=True, methods=["post"])
    def visits(self, request, pk=None):
        """Log a visit or meeting."""
        lead = self._lead(pk)
        s = LeadVisitSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        visit = services.visit_log(member=request.member, lead=lead, **s.validated_data)
        return Response(LeadVisitSerializer(visit).data, status=201)


class CapitalSerializer(serializers.ModelSerializer):
    on = RawTextField(help_text="YYYY-MM-DD")
    currency = RawTextField(required=False, help_text="CNY or USD")
    amount = RawDecimalField(help_text="万元, or 万美元 for USD")
    exchange_rate = RawDecimalField(required=False, allow_null=True, help_text="元 per US dollar (USD only)")
    note = RawTextField(required=False)
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = Capital
        fields = ["id", "project", "kind", "on", "currency", "amount", "exchange_rate", "amount_cny", "amount_usd",
                  "note", "warnings"]
        read_only_fields = ["amount_cny", "amount_usd"]
        validators: list = []

    def get_warnings(self, obj) -> list[str]:
        return getattr(obj, "warnings", [])


class CapitalViewSet(ScopedModelViewSet):
    """Capital registered and received per ledger project. POST records one; received capital above registered
    capital is stored with a warning (``warnings``), not refused."""

    queryset = Capital.objects.select_related("project")
    serializer_class = CapitalSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().order_by("project_id", "on", "id")

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        project = Project.objects.restrict(self.request.member, "change").filter(pk=d.pop("project").pk).first()
        if project is None:
            raise NotFound(_("No such project, or it is outside your data scope."))
        record, warnings = services.capital_record(member=self.request.member, project=project, **d)
        record.warnings = warnings
        serializer.instance = record


def register(router):
    router.register("leads", LeadViewSet, basename="lead")
    router.register("capital", CapitalViewSet, basename="capital")
