from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuijin.core.models import ZonedModel
from tuijin.core.validators import STORABLE_AMOUNT, amount_constraint
from tuijin.projects import lifecycle

# The database's belt on what a project stores (the services refuse far earlier: docs/security.md, "Limits"):
# amounts within what their columns read back (16 digits: 14 before the point; 14 digits: 12), coordinates on Earth.
SMALL_AMOUNT = Decimal("999999999999")


class Project(ZonedModel):
    """A key project of the ledger (项目台账): content, schedule and a responsible unit and person."""

    class Category(models.TextChoices):
        INDUSTRY = "industry", "产业项目"
        INFRASTRUCTURE = "infrastructure", "基础设施项目"
        SOCIAL = "social", "社会民生项目"
        SERVICE = "service", "现代服务业项目"
        LEAD = "lead", "招商线索"

    # 谋划 and the lifecycle's stages (projects/lifecycle.py), in order.
    Stage = models.TextChoices("Stage", [(code.upper(), (code, name)) for code, name in lifecycle.CHOICES])

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        WITHDRAWN = "withdrawn", _("withdrawn")

    campaign = models.ForeignKey("campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="projects", verbose_name=_("campaign"))
    code = models.CharField(_("project code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    is_foreign = models.BooleanField(_("foreign-funded"), default=False)
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    investor = models.CharField(_("investor"), max_length=200, blank=True)
    planned_investment = models.DecimalField(_("planned total investment (万元)"), max_digits=16, decimal_places=2,
                                             default=Decimal(0))
    year_planned_investment = models.DecimalField(_("planned investment this year (万元)"), max_digits=16,
                                                  decimal_places=2, default=Decimal(0))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="projects",
                             verbose_name=_("responsible unit"))
    sponsor = models.CharField(_("sponsor leader"), max_length=50, blank=True)
    # the sponsor leader (包挂领导) as a member of the zone; ``sponsor`` keeps the name (or the text where no member
    # matches)
    sponsor_member = models.ForeignKey("org.Member", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="sponsored_projects", verbose_name=_("sponsor leader (member)"))
    owner = models.CharField(_("owner"), max_length=50, blank=True)
    stage = models.CharField(_("current stage"), max_length=12, choices=Stage.choices, default=Stage.PLANNED)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    above_scale = models.BooleanField(_("above scale (规上)"), default=False)
    tax_contribution = models.DecimalField(_("tax contribution (万元)"), max_digits=14, decimal_places=2,
                                           default=Decimal(0))
    note = models.TextField(_("note"), blank=True)
    last_progress = models.DateField(_("last progress filed"), null=True, blank=True)

    class Meta:
        ordering = ["zone", "code"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "code"], name="project_code_unique_in_zone"),
            amount_constraint("planned_investment", "project_planned_investment_storable", STORABLE_AMOUNT),
            amount_constraint("year_planned_investment", "project_year_planned_storable", STORABLE_AMOUNT),
            amount_constraint("tax_contribution", "project_tax_contribution_storable", SMALL_AMOUNT),
            models.CheckConstraint(condition=models.Q(longitude__gte=-180, longitude__lte=180),
                                   name="project_longitude_on_earth"),
            models.CheckConstraint(condition=models.Q(latitude__gte=-90, latitude__lte=90),
                                   name="project_latitude_on_earth"),
        ]
        indexes = [models.Index(fields=["zone", "unit"]), models.Index(fields=["zone", "stage"]),
                   models.Index(fields=["zone", "category"])]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def stage_dates(self) -> list[tuple[str, str, object, object]]:
        """(code, 中文, planned, actual) of every lifecycle stage, in order."""
        return [(s.code, s.name, getattr(self, s.planned_field), getattr(self, s.actual_field))
                for s in lifecycle.STAGES]


# A planned and an actual date for every lifecycle stage (columns signed_planned, signed_actual, …).
for _stage in lifecycle.STAGES:
    Project.add_to_class(_stage.planned_field, models.DateField(_stage.planned_label, null=True, blank=True))
    Project.add_to_class(_stage.actual_field, models.DateField(_stage.actual_label, null=True, blank=True))
del _stage


class NodePlanTemplate(ZonedModel):
    """A zone's node plan for a category of project (e.g. 11 nodes for a project under construction)."""

    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=16, choices=Project.Category.choices)

    scope_unit_field = None

    class Meta:
        verbose_name = _("node plan template")
        verbose_name_plural = _("node plan templates")

    def __str__(self) -> str:
        return self.name


class TemplateNode(ZonedModel):
    """A node of a template; it starts when ``after`` ends (series), or at the project start when ``after`` is
    empty. Nodes sharing the same ``after`` run in parallel."""

    template = models.ForeignKey(NodePlanTemplate, on_delete=models.CASCADE, related_name="nodes",
                                 verbose_name=_("template"))
    seq = models.PositiveSmallIntegerField(_("no."))
    name = models.CharField(_("name"), max_length=60)
    duration_days = models.PositiveIntegerField(_("planned duration (days)"))
    after = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("after"))

    scope_unit_field = None

    class Meta:
        ordering = ["template", "seq"]
        verbose_name = _("template node")
        verbose_name_plural = _("template nodes")

    def __str__(self) -> str:
        return self.name


class ProjectNode(ZonedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="nodes", verbose_name=_("project"))
    seq = models.PositiveSmallIntegerField(_("no."))
    name = models.CharField(_("name"), max_length=60)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_date = models.DateField(_("planned finish"), null=True, blank=True)
    actual_date = models.DateField(_("finished"), null=True, blank=True)

    scope_unit_field = "project__unit"

    class Meta:
        ordering = ["project", "seq"]
        verbose_name = _("project node")
        verbose_name_plural = _("project nodes")

    def __str__(self) -> str:
        return self.name


class ProjectProgress(ZonedModel):
    """Monthly progress filing of a project, with the same filing/review/lock rules as the indicators."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress",
                                verbose_name=_("project"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    invested_month = models.DecimalField(_("invested this month (万元)"), max_digits=14, decimal_places=2,
                                         default=Decimal(0))
    invested_ytd = models.DecimalField(_("invested this year (万元)"), max_digits=16, decimal_places=2,
                                       default=Decimal(0))
    physical_progress = models.TextField(_("physical progress"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    return_reason = models.CharField(_("reason returned"), max_length=200, blank=True)
    filed_on = models.DateField(_("filed on"))

    scope_unit_field = "project__unit"

    class Meta:
        ordering = ["project", "-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="progress_unique"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="progress_month_1_12"),
            models.CheckConstraint(condition=models.Q(year__gte=2000, year__lte=2100), name="progress_year_sane"),
            amount_constraint("invested_month", "progress_invested_month_storable", SMALL_AMOUNT),
            amount_constraint("invested_ytd", "progress_invested_ytd_storable", STORABLE_AMOUNT),
        ]
        verbose_name = _("project progress")
        verbose_name_plural = _("project progress")

    def __str__(self) -> str:
        return f"{self.project.code} {self.year}年{self.month}月"


class LagRuleSetting(ZonedModel):
    """A zone's thresholds for lag warnings."""

    due_soon_days = models.PositiveIntegerField(_("yellow when due within (days)"), default=15)
    stale_days = models.PositiveIntegerField(_("red when no progress filed for (days)"), default=45)

    scope_unit_field = None

    class Meta:
        constraints = [models.UniqueConstraint(fields=["zone"], name="lag_rule_one_per_zone")]
        verbose_name = _("lag rule")
        verbose_name_plural = _("lag rules")

    def __str__(self) -> str:
        return f"{self.zone} {self._meta.verbose_name}"
