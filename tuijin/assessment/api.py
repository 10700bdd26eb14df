from rest_framework import serializers

from tuijin.assessment.models import Run, Scheme
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


def register(router):
    router.register("assessment/schemes", SchemeViewSet, basename="assessment-scheme")
    router.register("assessment/runs", RunViewSet, basename="assessment-run")
