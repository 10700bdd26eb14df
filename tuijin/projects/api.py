from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from tuijin.campaigns.models import Campaign
from tuijin.core.api import ScopedModelViewSet
from tuijin.org.models import Member, Unit
from tuijin.projects import lifecycle, services
from tuijin.projects.filters import ProjectApiFilter
from tuijin.projects.models import Project, ProjectProgress


class ProjectSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    stage = serializers.ChoiceField(
        choices=Project.Stage.choices, required=False, allow_blank=True,
        help_text="Optional when writing: a stated stage must agree with the actual dates (it is derived from them).")

    class Meta:
        model = Project
        fields = ["id", "zone", "code", "name", "category", "is_foreign", "industry", "investor", "planned_investment",
                  "year_planned_investment", "unit", "unit_name", "sponsor", "sponsor_member", "owner", "stage", "status",
                  "status_reason", "longitude", "latitude", "above_scale", "tax_contribution", "campaign", "note",
                  *lifecycle.DATE_FIELDS]
        read_only_fields = ["status", "status_reason"]
        # The project code's uniqueness is the service's rule (one message on every path).
        validators: list = []

    def get_fields(self):
        fields = super().get_fields()
        member = getattr(self.context.get("request"), "member", None)
        if member is not None and not member.sees_all_zones:  # units and campaigns of the member's own zone
            fields["unit"].queryset = Unit.objects.filter(zone_id=member.zone_id)
            fields["campaign"].queryset = Campaign.objects.filter(zone_id=member.zone_id)
            fields["sponsor_member"].queryset = Member.objects.filter(zone_id=member.zone_id)
        return fields


class ProjectViewSet(ScopedModelViewSet):
    """The project ledger; writes go through the same rules as the pages and the Excel import (stage order,
    stated stage, scope)."""

    queryset = Project.objects.select_related("zone", "unit")
    serializer_class = ProjectSerializer
    filterset_class = ProjectApiFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().order_by("zone__code", "code")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        stage = data.pop("stage", None) or None
        zone = data["unit"].zone if data.get("unit") is not None else self.request.member.zone
        serializer.instance = services.project_create(member=self.request.member, zone=zone, stage=stage, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        stage = data.pop("stage", None) or None
        serializer.instance = services.project_update(member=self.request.member, project=serializer.instance,
                                                      stage=stage, **data)


class ProgressSerializer(serializers.ModelSerializer):
    raise_ticket = serializers.BooleanField(write_only=True, required=False, default=False,
                                            help_text="Raise a ticket for the problems.")
    assignee_unit = serializers.PrimaryKeyRelatedField(
        write_only=True, required=False, allow_null=True, queryset=Unit.objects.all(),
        help_text="Whom the ticket goes to; by default the department the problems name, else the project's unit.")

    class Meta:
        model = ProjectProgress
        fields = ["id", "project", "year", "month", "invested_month", "invested_ytd", "physical_progress", "problems",
                  "state", "return_reason", "filed_on", "raise_ticket", "assignee_unit"]
        read_only_fields = ["invested_ytd", "state", "return_reason", "filed_on"]
        validators: list = []


class ProgressViewSet(ScopedModelViewSet):
    """Monthly project progress with its filing state; POST files a draft."""

    queryset = ProjectProgress.objects.select_related("project")
    serializer_class = ProgressSerializer
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        d = serializer.validated_data
        project = Project.objects.restrict(self.request.member, "change").filter(pk=d["project"].pk).first()
        if project is None:
            raise NotFound(_("No such project, or it is outside your data scope."))
        serializer.instance = services.progress_save(
            member=self.request.member, project=project, year=d["year"], month=d["month"],
            invested_month=d.get("invested_month"), physical_progress=d.get("physical_progress", ""),
            problems=d.get("problems", ""), raise_ticket=d.get("raise_ticket", False),
            assignee_unit=d.get("assignee_unit"))


def register(router):
    router.register("projects", ProjectViewSet, basename="project")
    router.register("progress", ProgressViewSet, basename="progress")
