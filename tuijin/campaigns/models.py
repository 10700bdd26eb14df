from django.db import models
from django.utils.translation import gettext_lazy as _

from tuijin.core.models import ZonedModel


class Campaign(ZonedModel):
    """The year's campaign (年度活动), e.g. 项目落地年, with its headline goal."""

    year = models.PositiveSmallIntegerField(_("year"))
    theme = models.CharField(_("theme"), max_length=60)
    headline_goal = models.CharField(_("headline goal"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)

    scope_unit_field = None

    class Meta:
        ordering = ["zone", "-year", "id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return f"{self.year} {self.theme}"


class StageGoal(ZonedModel):
    """A stage goal of the campaign: 开门红, 双过半, 季季红, 全年红."""

    class Kind(models.TextChoices):
        STRONG_START = "strong_start", _("strong start (开门红)")
        DOUBLE_HALF = "double_half", _("double half (双过半)")
        EVERY_QUARTER = "every_quarter", _("every quarter (季季红)")
        HALF_YEAR = "half_year", _("half year (半年红)")
        FULL_YEAR = "full_year", _("full year (全年红)")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="stage_goals",
                                 verbose_name=_("campaign"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    due = models.DateField(_("due"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    # the indicators the goal covers, by code (the catalogue lives above this app); empty = the zone's main
    # indicators that have a target
    indicator_codes = models.JSONField(_("indicators"), default=list, blank=True)

    scope_unit_field = None

    class Meta:
        ordering = ["campaign", "due"]
        verbose_name = _("stage goal")
        verbose_name_plural = _("stage goals")

    def __str__(self) -> str:
        return self.get_kind_display()


class KeyTask(ZonedModel):
    """A key task of the campaign (重点任务, e.g. one of the 八个着力), led by a unit."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        LAGGING = "lagging", _("lagging")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="key_tasks",
                                 verbose_name=_("campaign"))
    seq = models.PositiveSmallIntegerField(_("no."), default=1)
    title = models.CharField(_("title"), max_length=200)
    lead_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("lead unit"))
    units = models.ManyToManyField("org.Unit", blank=True, related_name="+", verbose_name=_("supporting units"))
    # the responsible leader (包挂领导) is a member of the zone; the responsible person (责任人) a name
    sponsor = models.ForeignKey("org.Member", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="sponsored_key_tasks", verbose_name=_("responsible leader"))
    owner = models.CharField(_("responsible person"), max_length=50, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    note = models.TextField(_("note"), blank=True)

    scope_unit_field = "lead_unit"

    class Meta:
        ordering = ["campaign", "seq"]
        constraints = [models.CheckConstraint(condition=models.Q(progress__lte=100), name="key_task_progress_0_100")]
        verbose_name = _("key task")
        verbose_name_plural = _("key tasks")

    def __str__(self) -> str:
        return self.title


class Milestone(ZonedModel):
    """A dated milestone of a key task (节点): late without completion, the task lags like a project does."""

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="milestones",
                             verbose_name=_("key task"))
    seq = models.PositiveSmallIntegerField(_("no."), default=1)
    name = models.CharField(_("milestone"), max_length=60)
    due = models.DateField(_("milestone date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    scope_unit_field = "task__lead_unit"

    class Meta:
        ordering = ["task", "due", "seq"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.name
