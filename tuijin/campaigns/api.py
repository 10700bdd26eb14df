from rest_framework import serializers

from tuijin.campaigns.models import Campaign, KeyTask, StageGoal
from tuijin.core.api import ScopedReadOnlyViewSet


class StageGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = StageGoal
        fields = ["kind", "due", "description"]


class CampaignSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)
    stage_goals = StageGoalSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "zone", "year", "theme", "headline_goal", "description", "stage_goals"]


class CampaignViewSet(ScopedReadOnlyViewSet):
    """Annual campaigns (年度活动) and their stage goals."""

    queryset = Campaign.objects.select_related("zone").prefetch_related("stage_goals")
    serializer_class = CampaignSerializer


class KeyTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyTask
        fields = ["id", "campaign", "seq", "title", "lead_unit", "units", "deadline", "progress", "status", "note"]


class KeyTaskViewSet(ScopedReadOnlyViewSet):
    """Key tasks (重点任务) of the campaigns, seen by their lead unit and the office."""

    queryset = KeyTask.objects.select_related("lead_unit").prefetch_related("units")
    serializer_class = KeyTaskSerializer


def register(router):
    router.register("campaigns", CampaignViewSet, basename="campaign")
    router.register("key-tasks", KeyTaskViewSet, basename="key-task")
