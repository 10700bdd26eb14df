"""The campaign's API: campaigns, stage goals, key tasks and their milestones. Writes call the same services as the
pages (one write path); ids are plain numbers the services check against the zone and the caller's scope."""
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from tuijin.campaigns import services
from tuijin.campaigns.models import Campaign, KeyTask, Milestone, StageGoal
from tuijin.core.api import ScopedModelViewSet
from tuijin.core.scope import CHANGE
from tuijin.org.models import Unit

ID = {"min_value": 1, "max_value": 2_147_483_647}
WRITES = ["get", "post", "patch", "head", "options"]


def _in_scope(model, member, pk, action=CHANGE):
    obj = model.objects.restrict(member, action).filter(pk=pk).first()
    if obj is None:
        raise NotFound(_("No such record, or it is outside your data scope."))
    return obj


class StageGoalSerializer(serializers.ModelSerializer):
    campaign = serializers.IntegerField(source="campaign_id", **ID)
    due = serializers.CharField(max_length=40, help_text="YYYY-MM-DD, within the campaign's year")
    indicator_codes = serializers.ListField(child=serializers.CharField(max_length=100), required=False,
                                            max_length=100, help_text="indicator codes; empty: the main indicators")

    class Meta:
        model = StageGoal
        fields = ["id", "campaign", "kind", "due", "description", "indicator_codes"]


class CampaignSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="code", read_only=True)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    stage_goals = StageGoalSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "zone", "year", "theme", "headline_goal", "description", "stage_goals"]


class CampaignViewSet(ScopedModelViewSet):
    """Annual campaigns (年度活动) and their stage goals; the office creates and edits them."""

    queryset = Campaign.objects.select_related("zone").prefetch_related("stage_goals")
    serializer_class = CampaignSerializer
    http_method_names = WRITES

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.campaign_create(
            member=self.request.member, zone=self.request.member.zone, year=d["year"], theme=d["theme"],
            headline_goal=d.get("headline_goal", ""), description=d.get("description", ""))

    def perform_update(self, serializer):
        c, d = serializer.instance, serializer.validated_data
        serializer.instance = services.campaign_update(
            member=self.request.member, campaign=c, year=d.get("year", c.year), theme=d.get("theme", c.theme),
            headline_goal=d.get("headline_goal", c.headline_goal), description=d.get("description", c.description))


class StageGoalViewSet(ScopedModelViewSet):
    """Stage goals (开门红 = Q1, 双过半 = June, 季季红, 半年红, 全年红) and the indicators they cover."""

    queryset = StageGoal.objects.all()
    serializer_class = StageGoalSerializer
    http_method_names = [*WRITES, "delete"]

    def perform_create(self, serializer):
        d = serializer.validated_data
        campaign = _in_scope(Campaign, self.request.member, d["campaign_id"])
        serializer.instance = services.stage_goal_add(
            member=self.request.member, campaign=campaign, kind=d["kind"], due=d["due"],
            description=d.get("description", ""), indicator_codes=d.get("indicator_codes"))

    def perform_update(self, serializer):
        g, d = serializer.instance, serializer.validated_data
        serializer.instance = services.stage_goal_update(
            member=self.request.member, goal=g, kind=d.get("kind", g.kind), due=d.get("due", g.due),
            description=d.get("description", g.description), indicator_codes=d.get("indicator_codes",
                                                                                    g.indicator_codes))

    def perform_destroy(self, instance):
        services.stage_goal_delete(member=self.request.member, goal=instance)


class MilestoneSerializer(serializers.ModelSerializer):
    task = serializers.IntegerField(source="task_id", **ID)
    due = serializers.CharField(max_length=40, help_text="YYYY-MM-DD, within the campaign's year")
    done_on = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True,
                                    help_text="YYYY-MM-DD when done; empty: not done")

    class Meta:
        model = Milestone
        fields = ["id", "task", "seq", "name", "due", "done_on"]
        read_only_fields = ["seq"]


class MilestoneInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    due = serializers.CharField(max_length=40)


class KeyTaskSerializer(serializers.ModelSerializer):
    campaign = serializers.IntegerField(source="campaign_id", **ID)
    lead_unit = serializers.IntegerField(source="lead_unit_id", **ID)
    units = serializers.ListField(child=serializers.IntegerField(**ID), required=False, max_length=200,
                                  write_only=True, help_text="cooperating units (ids)")
    cooperating_units = serializers.SerializerMethodField()
    sponsor = serializers.IntegerField(source="sponsor_id", required=False, allow_null=True,
                                       help_text="responsible leader: a leader member of the zone (id)", **ID)
    seq = serializers.IntegerField(required=False, min_value=1, max_value=32767)
    deadline = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True)
    milestones = MilestoneInSerializer(many=True, required=False, write_only=True, max_length=50,
                                       help_text="on creation: [{name, due}]")
    milestone_list = MilestoneSerializer(source="milestones", many=True, read_only=True)

    class Meta:
        model = KeyTask
        fields = ["id", "campaign", "seq", "title", "lead_unit", "units", "cooperating_units", "sponsor", "owner", "deadline", "progress",
                  "status", "note", "milestones", "milestone_list"]
        read_only_fields = ["progress", "status"]

    def get_cooperating_units(self, instance) -> list[int]:
        return [u.pk for u in instance.units.all()]


def _task_fields(d, task=None) -> dict:
    units = d["units"] if "units" in d else ([u.pk for u in task.units.all()] if task else [])
    lead = d["lead_unit_id"] if "lead_unit_id" in d else task.lead_unit_id
    return {"title": d.get("title", task.title if task else ""),
            "lead_unit": Unit.objects.filter(pk=lead).first(),
            "units": [Unit.objects.filter(pk=u).first() for u in units],
            "sponsor": d.get("sponsor_id", task.sponsor_id if task else None),
            "owner": d.get("owner", task.owner if task else ""),
            "deadline": d.get("deadline", task.deadline if task else None),
            "seq": d.get("seq", task.seq if task else None),
            "note": d.get("note", task.note if task else "")}


class KeyTaskViewSet(ScopedModelViewSet):
    """Key tasks (重点任务): lead and cooperating units, responsible leader (a member) and person, milestones. The
    office creates and edits them; each is seen by its lead unit and the office."""

    queryset = KeyTask.objects.select_related("lead_unit").prefetch_related("units", "milestones")
    serializer_class = KeyTaskSerializer
    http_method_names = WRITES

    def perform_create(self, serializer):
        d = serializer.validated_data
        campaign = _in_scope(Campaign, self.request.member, d["campaign_id"])
        fields = _task_fields(d)
        serializer.instance = services.key_task_create(
            member=self.request.member, campaign=campaign,
            milestones=[(m["name"], m["due"]) for m in d.get("milestones", [])], **fields)

    def perform_update(self, serializer):
        fields = _task_fields(serializer.validated_data, serializer.instance)
        serializer.instance = services.key_task_edit(member=self.request.member, task=serializer.instance, **fields)


class MilestoneViewSet(ScopedModelViewSet):
    """Milestones of key tasks: the office adds them; the lead unit records them done (``done_on``)."""

    queryset = Milestone.objects.all()
    serializer_class = MilestoneSerializer
    http_method_names = WRITES

    def perform_create(self, serializer):
        d = serializer.validated_data
        task = _in_scope(KeyTask, self.request.member, d["task_id"])
        serializer.instance = services.milestone_add(member=self.request.member, task=task, name=d["name"],
                                                     due=d["due"])

    def perform_update(self, serializer):
        m, d = serializer.instance, serializer.validated_data
        serializer.instance = services.milestone_update(
            member=self.request.member, milestone=m, due=d.get("due") if "due" in d and d["due"] != str(m.due) else None,
            done_on=d.get("done_on", m.done_on))


def register(router):
    router.register("campaigns", CampaignViewSet, basename="campaign")
    router.register("stage-goals", StageGoalViewSet, basename="stage-goal")
    router.register("key-tasks", KeyTaskViewSet, basename="key-task")
    router.register("milestones", MilestoneViewSet, basename="milestone")
