from rest_framework import serializers

from tuijin.assessment.models import Claim, Incident, Run, Scheme
from tuijin.assessment.selectors import visible_robustness, visible_units
from tuijin.core.api import ScopedReadOnlyViewSet


class SchemeSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Scheme
        fields = ["id", "zone", "code", "name", "version", "yaml", "created"]


class SchemeViewSet(ScopedReadOnlyViewSet):
    """Assessment schemes, every version."""

    queryset = Scheme.objects.select_related("zone")
    serializer_class = SchemeSerializer


class RunSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)
    results = serializers.SerializerMethodField()
    robustness = serializers.SerializerMethodField()

    class Meta:
        model = Run
        fields = ["id", "zone", "scheme", "title", "year", "source", "published", "created", "results", "robustness"]

    def get_results(self, run) -> list[dict]:
        """Per unit: score, rank, tier, group, scores of every node and the breakdown (own unit only for staff)."""
        return visible_units(self.context["request"].member, run)

    def get_robustness(self, run) -> dict | None:
        """Median rank, 5–95% band and tier chances per unit (own unit only for staff), and the sensitivity."""
        return visible_robustness(self.context["request"].member, run)


class RunViewSet(ScopedReadOnlyViewSet):
    """Assessment runs with their results."""

    queryset = Run.objects.select_related("zone")
    serializer_class = RunSerializer


class ClaimSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="name", read_only=True)
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = ["id", "zone", "unit", "year", "kind", "title", "points", "granted", "state", "reason",
                  "has_evidence", "created"]

    def get_has_evidence(self, claim) -> bool:
        return bool(claim.evidence)


class ClaimViewSet(ScopedReadOnlyViewSet):
    """Bonus claims (加分申报): a unit's staff see their own unit's."""

    queryset = Claim.objects.select_related("zone", "unit")
    serializer_class = ClaimSerializer


class IncidentSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = Incident
        fields = ["id", "zone", "unit", "kind", "occurred_on", "title", "created"]


class IncidentViewSet(ScopedReadOnlyViewSet):
    """Safety and stability incidents (安全稳定事件) per unit."""

    queryset = Incident.objects.select_related("zone", "unit")
    serializer_class = IncidentSerializer


def register(router):
    router.register("assessment/schemes", SchemeViewSet, basename="assessment-scheme")
    router.register("assessment/runs", RunViewSet, basename="assessment-run")
    router.register("assessment/claims", ClaimViewSet, basename="assessment-claim")
    router.register("assessment/incidents", IncidentViewSet, basename="assessment-incident")
