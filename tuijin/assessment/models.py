from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuijin.core.models import ZonedModel
from tuijin.core.scope import ScopedQuerySet


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
