from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuijin.core.models import ZonedModel
from tuijin.core.validators import amount_constraint


class Indicator(ZonedModel):
    """An indicator of the zone's catalogue (指标). Values are stored in the base unit
    (万元 for 亿元 and 万元, 万美元 for 亿美元) and shown in ``unit``: shown = stored ÷ ``scale``."""

    class Rollup(models.TextChoices):
        SUM = "sum", _("sum over units")
        NONE = "none", _("not rolled up")
        RATIO = "ratio", _("ratio of two indicators")
        LEDGER = "ledger", _("counted from the project ledger")

    class Measure(models.TextChoices):
        """What a ledger indicator counts (indicators/ledger.py, docs/dispatch.md "Counted from the ledger")."""

        BIG_SIGNED = "big_signed", _("projects signed of 1亿元 or more")
        BIG_SIGNED_INVESTMENT = "big_signed_investment", _("their planned total investment")
        FOREIGN_SIGNED = "foreign_signed", _("foreign-funded projects signed")
        FOREIGN_SIGNED_INVESTMENT = "foreign_signed_investment", _("their planned total investment (foreign)")
        FDI_RECEIVED = "fdi_received", _("foreign capital received (万美元)")

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    unit = models.CharField(_("display unit"), max_length=10)
    scale = models.DecimalField(_("stored per displayed"), max_digits=12, decimal_places=4, default=Decimal(1))
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=2)
    rollup = models.CharField(_("roll-up"), max_length=8, choices=Rollup.choices, default=Rollup.SUM)
    numerator = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("numerator"))
    denominator = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("denominator"))
    measure = models.CharField(_("counted from the ledger as"), max_length=30, choices=Measure.choices, blank=True)
    is_main = models.BooleanField(_("main indicator"), default=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    scope_unit_field = None  # the catalogue is the zone's: all read it, the office keeps it

    class Meta:
        ordering = ["zone", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["zone", "code"], name="indicator_code_unique_in_zone")]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    @property
    def is_computed(self) -> bool:
        return self.rollup == self.Rollup.RATIO

    @property
    def is_ledger(self) -> bool:
        return self.rollup == self.Rollup.LEDGER

    @property
    def is_filed(self) -> bool:
        """Filed by the units (not computed from two others, not counted from the ledger)."""
        return self.rollup not in NOT_FILED

    @property
    def source(self) -> str:
        """Where its figures come from: "filed", "computed" (a ratio) or "ledger" (counted from the ledger)."""
        return {self.Rollup.RATIO: "computed", self.Rollup.LEDGER: "ledger"}.get(self.rollup, "filed")

    def to_display(self, stored: Decimal | None) -> Decimal | None:
        return None if stored is None else stored / self.scale

    def to_stored(self, shown: Decimal | None) -> Decimal | None:
        return None if shown is None else shown * self.scale


NOT_FILED = (Indicator.Rollup.RATIO, Indicator.Rollup.LEDGER)  # never filed: ``.exclude(rollup__in=NOT_FILED)``


class DispatchRule(ZonedModel):
    """The zone's warning thresholds and filing checks."""

    red_gap_pp = models.DecimalField(_("red when behind time progress by more than (pp)"), max_digits=5,
                                     decimal_places=1, default=Decimal("10"))
    yellow_gap_pp = models.DecimalField(_("yellow when behind time progress by more than (pp)"), max_digits=5,
                                        decimal_places=1, default=Decimal("0"))
    red_yoy_drop = models.DecimalField(_("red when falling year on year by more than (%)"), max_digits=5,
                                       decimal_places=1, default=Decimal("10"))
    jump_factor = models.DecimalField(_("ask when a value jumps by this factor"), max_digits=8, decimal_places=1,
                                      default=Decimal("1000"))
    separate_duties = models.BooleanField(
        _("separation of duties"), default=True,
        help_text=_("Whoever submits a unit's figures cannot approve them, and the office cannot store figures as "
                    "approved directly; turn off only where one person both files and reviews."))

    scope_unit_field = None

    class Meta:
        constraints = [models.UniqueConstraint(fields=["zone"], name="dispatch_rule_one_per_zone")]
        verbose_name = _("dispatch rule")
        verbose_name_plural = _("dispatch rules")

    def __str__(self) -> str:
        return f"{self.zone} 调度规则"


class Target(ZonedModel):
    """The annual target of a unit (or of the zone as a whole when ``unit`` is empty), in stored units."""

    unit = models.ForeignKey("org.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("unit"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets",
                                  verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), max_digits=18, decimal_places=4)

    class Meta:
        ordering = ["zone", "year", "indicator__sort_order", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "unit", "indicator", "year"], name="target_unique"),
            models.UniqueConstraint(fields=["zone", "indicator", "year"], condition=models.Q(unit__isnull=True),
                                    name="target_unique_zone_level"),
            models.CheckConstraint(condition=models.Q(year__gte=2000, year__lte=2100), name="target_year_sane"),
            amount_constraint("value", "target_value_storable"),
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.year} {self.unit or self.zone} {self.indicator}"


class MonthlyPlan(ZonedModel):
    """An optional plan: the cumulative share of the annual target due by each month (else month ÷ 12)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="plans",
                                  verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"))
    shares = models.JSONField(_("cumulative shares by month"))

    scope_unit_field = None

    class Meta:
        constraints = [models.UniqueConstraint(fields=["zone", "indicator", "year"], name="plan_unique")]
        verbose_name = _("monthly plan")
        verbose_name_plural = _("monthly plans")

    def __str__(self) -> str:
        return f"{self.year} {self.indicator} 月度计划"


class Actual(ZonedModel):
    """A unit's year-to-date (1—N月累计) value of an indicator, with last year's same period, in stored units."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="actuals",
                                  verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    ytd = models.DecimalField(_("year to date"), max_digits=18, decimal_places=4)
    last_year_ytd = models.DecimalField(_("same period last year"), max_digits=18, decimal_places=4, null=True,
                                        blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("submitted by"))
    return_reason = models.CharField(_("reason returned"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["zone", "year", "month", "indicator__sort_order", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "indicator", "year", "month"], name="actual_unique"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="actual_month_1_12"),
            models.CheckConstraint(condition=models.Q(year__gte=2000, year__lte=2100), name="actual_year_sane"),
            amount_constraint("ytd", "actual_ytd_storable"),
            amount_constraint("last_year_ytd", "actual_last_year_ytd_storable"),
        ]
        indexes = [models.Index(fields=["zone", "year", "month"])]
        verbose_name = _("actual")
        verbose_name_plural = _("actuals")

    def __str__(self) -> str:
        return f"{self.year}年1—{self.month}月 {self.unit} {self.indicator}"


class FilingException(ZonedModel):
    """A unit the office confirmed as 未报 (not reported) when it locked a month, with the reason it gave.

    Shown on the dispatch table and in the bulletin; removed when the month is reopened.
    """

    period = models.ForeignKey("core.FilingPeriod", on_delete=models.CASCADE, related_name="exceptions",
                               verbose_name=_("period"))
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    reason = models.CharField(_("reason"), max_length=200)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+", verbose_name=_("confirmed by"))

    scope_unit_field = "unit"

    class Meta:
        ordering = ["period", "unit__sort_order"]
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="filing_exception_unique")]
        verbose_name = _("unit not reported")
        verbose_name_plural = _("units not reported")

    def __str__(self) -> str:
        return f"{self.period} {self.unit} 未报"
