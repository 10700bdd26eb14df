"""招商引资: leads (线索) followed from first contact to a signed project of the ledger, and the capital registered
and received per project (docs/promotion.md)."""
from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuijin.core.models import ZonedModel
from tuijin.core.validators import amount_constraint

# The funnel, in order (线索 → 洽谈 → 签约 → 注册 → 到资 → 开工); a lead may be dropped before it is signed.
STAGES: list[tuple[str, str]] = [("lead", "线索"), ("talks", "洽谈"), ("signed", "签约"), ("registered", "注册"),
                                 ("capital", "到资"), ("started", "开工")]
STAGE_CODES = [c for c, _n in STAGES]
STAGE_NAMES = dict(STAGES)
ORDER = {c: i for i, c in enumerate(STAGE_CODES)}
DATE_FIELD = {c: f"{c}_on" for c in STAGE_CODES}  # lead_on, talks_on, signed_on, …
DROPPED = "dropped"


class Lead(ZonedModel):
    """A lead (招商线索): who brought it, the investor, the intended investment and how far it has come."""

    class Source(models.TextChoices):
        REFERRAL = "referral", "以商招商"
        RESIDENT = "resident", "驻外招商"
        AGENCY = "agency", "中介招商"
        EXPO = "expo", "展会招商"
        INDUSTRY_CHAIN = "chain", "产业链招商"
        OTHER = "other", "其他"

    class Currency(models.TextChoices):
        CNY = "CNY", "人民币(万元)"
        USD = "USD", "美元(万美元)"

    Stage = models.TextChoices("Stage", [(c.upper(), (c, n)) for c, n in STAGES] + [("DROPPED", (DROPPED, "已放弃"))])

    name = models.CharField(_("lead name"), max_length=200)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("bringing unit"))
    brought_by = models.CharField(_("brought by"), max_length=50, blank=True)
    serving_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("serving unit"))
    investor = models.CharField(_("investor"), max_length=200)
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    is_foreign = models.BooleanField(_("foreign-funded"), default=False)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    amount = models.DecimalField(_("intended investment (in its currency)"), max_digits=16, decimal_places=2)
    exchange_rate = models.DecimalField(_("exchange rate used (元 per US dollar)"), max_digits=8, decimal_places=4,
                                        null=True, blank=True)
    intended_investment = models.DecimalField(_("intended investment (万元)"), max_digits=16, decimal_places=2)
    assess_by = models.DateField(_("first assessment due"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default="lead")
    lead_on = models.DateField(_("lead received"))
    talks_on = models.DateField(_("talks started"), null=True, blank=True)
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    registered_on = models.DateField(_("registered"), null=True, blank=True)
    capital_on = models.DateField(_("capital in place"), null=True, blank=True)
    started_on = models.DateField(_("works started"), null=True, blank=True)
    dropped_on = models.DateField(_("dropped"), null=True, blank=True)
    drop_reason = models.CharField(_("reason dropped"), max_length=200, blank=True)
    project = models.OneToOneField("projects.Project", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="lead", verbose_name=_("project"))
    note = models.TextField(_("note"), blank=True)

    scope_unit_field = "unit"

    class Meta:
        ordering = ["zone", "-lead_on", "-id"]
        constraints = [
            amount_constraint("amount", "lead_amount_storable"),
            amount_constraint("intended_investment", "lead_intended_investment_storable"),
        ]
        indexes = [models.Index(fields=["zone", "stage"]), models.Index(fields=["zone", "unit"])]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")

    def __str__(self) -> str:
        return self.name

    @property
    def dropped(self) -> bool:
        return self.stage == DROPPED

    def stage_dates(self) -> list[tuple[str, str, object]]:
        return [(c, n, getattr(self, DATE_FIELD[c])) for c, n in STAGES]


class Visit(ZonedModel):
    """A visit or meeting logged on a lead (走访、洽谈、考察、会议)."""

    class Kind(models.TextChoices):
        VISIT = "visit", "走访"
        TALK = "talk", "洽谈"
        INSPECTION = "inspection", "实地考察"
        MEETING = "meeting", "会议"

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="visits", verbose_name=_("lead"))
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    people = models.CharField(_("who took part"), max_length=200, blank=True)
    summary = models.TextField(_("summary"))

    scope_unit_field = "lead__unit"

    class Meta:
        ordering = ["lead", "-on", "-id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()}"


class Capital(ZonedModel):
    """Capital of a ledger project: registered (注册资本) or received (到位资金), in 万元 and, for US dollars, in 万美元
    with the exchange rate used."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", "注册资本"
        RECEIVED = "received", "到位资金"

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="capital",
                                verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    on = models.DateField(_("date"))
    currency = models.CharField(_("currency"), max_length=3, choices=Lead.Currency.choices, default="CNY")
    amount = models.DecimalField(_("amount (in its currency)"), max_digits=16, decimal_places=2)
    exchange_rate = models.DecimalField(_("exchange rate used (元 per US dollar)"), max_digits=8, decimal_places=4,
                                        null=True, blank=True)
    amount_cny = models.DecimalField(_("amount (万元)"), max_digits=16, decimal_places=2)
    amount_usd = models.DecimalField(_("amount (万美元)"), max_digits=16, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope_unit_field = "project__unit"

    class Meta:
        ordering = ["project", "on", "id"]
        constraints = [
            amount_constraint("amount", "capital_amount_storable"),
            amount_constraint("amount_cny", "capital_amount_cny_storable"),
            amount_constraint("amount_usd", "capital_amount_usd_storable"),
        ]
        indexes = [models.Index(fields=["zone", "kind", "on"])]
        verbose_name = _("capital")
        verbose_name_plural = _("capital")

    def __str__(self) -> str:
        return f"{self.project} {self.get_kind_display()} {self.amount_cny}万元"


ZERO = Decimal(0)
