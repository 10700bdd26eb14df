from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from tuijin.core.api import ScopedModelViewSet
from tuijin.org.models import Unit
from tuijin.projects import services
from tuijin.projects.models import Project, ProjectProgress
from tuijin.projects.services import EDITABLE


class ProjectSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Project
        fields = ["id", "zone", "code", "name", "category", "is_foreign", "industry", "investor", "planned_investment",
                  "year_planned_investment", "unit", "unit_name", "sponsor", "owner", "stage", "status",
                  "status_reason", "longitude", "latitude", "above_scale", "tax_contribution", "campaign", "note",
                  *sorted(f for f in EDITABLE if f.endswith(("_planned", "_actual")))]
        read_only_fields = ["stage", "status", "status_reason"]


class ProjectViewSet(ScopedModelViewSet):
    """The project ledger; writes go through the same rules as the pages (stage order, scope)."""

    queryset = Project.objects.select_related("zone", "unit")
    serializer_class = ProjectSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        qs = super().get_queryset()
        f = self.request.query_params
        for key in ("stage", "category", "unit"):
            if f.get(key):
                qs = qs.filter(**{key if key != "unit" else "unit_id": f[key]})
        return qs.order_by("zone__code", "code")

    def _unit(self, data):
        unit = data.get("unit")
        if unit is not None and not Unit.objects.restrict(self.request.member, "change").filter(pk=unit.pk).exists():
            raise NotFound(_("No such unit, or it is outside your data scope."))

    def perform_create(self, serializer):
        self._unit(serializer.validated_data)
        zone = serializer.validated_data["unit"].zone
        serializer.instance = services.project_create(member=self.request.member, zone=zone,
                                                      **serializer.validated_data)

    def perform_update(self, serializer):
        self._unit(serializer.validated_data)
        serializer.instance = services.project_update(member=self.request.member, project=serializer.instance,
                                                      **serializer.validated_data)


class ProgressSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectProgress
        fields = ["id", "project", "year", "month", "invested_month", "invested_ytd", "physical_progress", "problems",
                  "state", "return_reason", "filed_on"]
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
            invested_month=d["invested_month"], physical_progress=d.get("physical_progress", ""),
            problems=d.get("problems", ""))


def register(router):
    router.register("projects", ProjectViewSet, basename="project")
    router.register("progress", ProgressViewSet, basename="progress")
