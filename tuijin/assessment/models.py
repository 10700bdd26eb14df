from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuijin.core.models import ZonedModel
from tuijin.core.scope import VIEW, ScopedQuerySet, member_zones_above


class Scheme(ZonedModel):
    """One version of an assessment scheme (a YAML document); editing makes a new version."""

    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)
    yaml = models.TextField(_("scheme (YAML)"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))

    scope_unit_field = None

    class Meta:
        ordering = ["zone", "code", "-version"]
        constraints = [models.UniqueConstraint(fields=["zone", "code", "version"], name="scheme_version_unique")]
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class RunQuerySet(ScopedQuerySet):
    def restrict(self, member, action="view"):
        """Members who see one unit (or a subtree) see published runs only; a draft run is the office's."""
        qs = super().restrict(member, action)
        if member is not None and member.scope in (member.Scope.UNIT, member.Scope.SUBTREE):
            qs = qs.filter(published=True)
        elif action == VIEW and member is not None and member.is_active and member.scope == member.Scope.ZONE \
                and (above := member_zones_above(member)):
            # published down: a city's (or district's) published runs are read by the zones below it, each seeing
            # its own line in full and the others' rank and tier (selectors.visible_units)
            qs = qs | self.filter(zone_id__in=above, published=True)
        return qs


class Run(ZonedModel):
    """An assessment run: the scheme version and a snapshot of its inputs, so a published result never changes."""

    class Source(models.TextChoices):
        FILE = "file", _("data file")
        DISPATCH = "dispatch", _("stored targets and actuals")

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="runs", verbose_name=_("scheme"))
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.FILE)
    scheme_yaml = models.TextField(_("scheme as run"))
    inputs = models.JSONField(_("inputs"))
    results = models.JSONField(_("results"))
    robustness = models.JSONField(_("robustness"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))

    scope_unit_field = None  # members outside the office see only their own unit's lines (selectors)

    objects = RunQuerySet.as_manager()

    class Meta:
        ordering = ["zone", "-created"]
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")

    def __str__(self) -> str:
        return self.title


class Commendation(ZonedModel):
    """A commendation list (表彰名单): advanced units per group from a run, named awards, advanced individuals."""

    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="commendations",
                            verbose_name=_("assessment run"))

    scope_unit_field = None

    class Meta:
        ordering = ["zone", "-year", "-id"]
        verbose_name = _("commendation list")
        verbose_name_plural = _("commendation lists")

    def __str__(self) -> str:
        return self.title


class CommendationEntry(ZonedModel):
    class Kind(models.TextChoices):
        UNIT = "unit", _("advanced unit")
        AWARD = "award", _("named award")
        INDIVIDUAL = "individual", _("advanced individual")

    commendation = models.ForeignKey(Commendation, on_delete=models.CASCADE, related_name="entries",
                                     verbose_name=_("commendation list"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    award = models.CharField(_("award"), max_length=60, blank=True)
    group = models.CharField(_("group"), max_length=50, blank=True)
    unit_name = models.CharField(_("unit"), max_length=100, blank=True)
    person = models.CharField(_("person"), max_length=50, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    seq = models.PositiveSmallIntegerField(_("order"), default=0)

    scope_unit_field = None

    class Meta:
        ordering = ["commendation", "kind", "seq", "id"]
        verbose_name = _("commendation entry")
        verbose_name_plural = _("commendation entries")

    def __str__(self) -> str:
        return self.person or self.unit_name


class Claim(ZonedModel):
    """A bonus claim (加分项申报): a unit claims an item (夺金点, 向上争取 …) with evidence; the office verifies it
    (with the points granted) or rejects it with a reason. Only verified claims enter a run."""

    class Kind(models.TextChoices):
        GOLD = "gold", _("gold point (夺金点)")
        FUNDS = "funds", _("funds won from above (争资金)")
        PROJECTS = "projects", _("projects won from above (争项目)")
        PILOTS = "pilots", _("pilots won (争试点)")
        HONOURS = "honours", _("honours won (争荣誉)")
        OTHER = "other", _("other bonus item")

    class State(models.TextChoices):
        CLAIMED = "claimed", _("claimed")
        VERIFIED = "verified", _("verified")
        REJECTED = "rejected", _("rejected")

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("item"), max_length=200)
    points = models.DecimalField(_("points claimed"), max_digits=7, decimal_places=2)
    granted = models.DecimalField(_("points granted"), max_digits=7, decimal_places=2, null=True, blank=True)
    evidence = models.FileField(_("evidence"), upload_to="assessment/claims/%Y/%m/", blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.CLAIMED)
    reason = models.CharField(_("reason rejected"), max_length=200, blank=True)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("claimed by"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))

    scope_unit_field = "unit"

    class Meta:
        ordering = ["zone", "-year", "unit__sort_order", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(year__gte=2000, year__lte=2100),
                                              name="claim_year_sane")]
        verbose_name = _("bonus claim")
        verbose_name_plural = _("bonus claims")

    def __str__(self) -> str:
        return self.title


class Incident(ZonedModel):
    """A safety or stability incident of a unit (安全生产事故, 环保督察问题, 信访), recorded by the office; a scheme
    maps each kind to a deduction or the veto."""

    class Kind(models.TextChoices):
        SAFETY_MAJOR = "safety_major", _("serious or worse safety accident (重大及以上)")
        SAFETY_LARGER = "safety_larger", _("larger safety accident (较大)")
        SAFETY_GENERAL = "safety_general", _("general safety accident (一般)")
        ENV_CENTRAL = "env_central", _("central environmental inspection issue")
        ENV_PROVINCIAL = "env_prov", _("provincial environmental inspection issue")
        PETITION = "petition", _("petition (信访) escalated")

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    occurred_on = models.DateField(_("date"))
    title = models.CharField(_("description"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("recorded by"))

    scope_unit_field = "unit"

    class Meta:
        ordering = ["zone", "-occurred_on", "id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return self.title
