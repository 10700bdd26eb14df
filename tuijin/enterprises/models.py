"""一企一档: the enterprise register of a zone, each enterprise's yearly figures, and the office's 培大育强 list."""
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuijin.core.models import ZonedModel
from tuijin.core.validators import STORABLE_AMOUNT, amount_constraint

# The database's belt on what the register stores (the services refuse far earlier: docs/enterprises.md, "Limits").
LAND_STORABLE = Decimal("9999999999")


class Enterprise(ZonedModel):
    """An enterprise of the zone, known by its unified social credit code (统一社会信用代码), served by one unit."""

    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    name = models.CharField(_("enterprise name"), max_length=200)
    address = models.CharField(_("address"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="enterprises",
                             verbose_name=_("serving unit"))
    land_area = models.DecimalField(_("land area (亩)"), max_digits=12, decimal_places=2, null=True, blank=True)
    above_scale = models.BooleanField(_("above-scale status"), default=False)
    # 服务专员: the member who serves a key enterprise (工业服务年), set by the office.
    liaison = models.ForeignKey("org.Member", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="served_enterprises", verbose_name=_("service liaison"))

    class Meta:
        ordering = ["zone", "name"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "credit_code"], name="enterprise_code_unique_in_zone"),
            models.UniqueConstraint(fields=["zone", "name"], name="enterprise_name_unique_in_zone"),
            amount_constraint("land_area", "enterprise_land_area_storable", LAND_STORABLE),
        ]
        indexes = [models.Index(fields=["zone", "unit"])]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name


class EnterpriseYear(ZonedModel):
    """One year's figures of an enterprise (empty: not reported)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="years",
                                   verbose_name=_("enterprise"))
    year = models.PositiveSmallIntegerField(_("year"))
    revenue = models.DecimalField(_("operating revenue (万元)"), max_digits=16, decimal_places=2, null=True,
                                  blank=True)
    tax = models.DecimalField(_("tax paid (万元)"), max_digits=16, decimal_places=2, null=True, blank=True)
    output = models.DecimalField(_("industrial output (万元)"), max_digits=16, decimal_places=2, null=True,
                                 blank=True)
    value_added = models.DecimalField(_("value added (万元)"), max_digits=16, decimal_places=2, null=True,
                                      blank=True)
    energy = models.DecimalField(_("energy use (吨标煤)"), max_digits=16, decimal_places=2, null=True, blank=True)
    rnd = models.DecimalField(_("R&D spending (万元)"), max_digits=16, decimal_places=2, null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    above_scale = models.BooleanField(_("above-scale status"), default=False)

    scope_unit_field = "enterprise__unit"

    class Meta:
        ordering = ["enterprise", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="enterprise_year_unique"),
            models.CheckConstraint(condition=models.Q(year__gte=2000, year__lte=2100),
                                   name="enterprise_year_sane"),
            *(amount_constraint(f, f"enterprise_year_{f}_storable", STORABLE_AMOUNT)
              for f in ("revenue", "tax", "output", "value_added", "energy", "rnd")),
        ]
        indexes = [models.Index(fields=["zone", "year"])]
        verbose_name = _("enterprise year")
        verbose_name_plural = _("enterprise years")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class KeptEnterprise(ZonedModel):
    """An enterprise the office keeps on its 培大育强 list for a year, with the revenue it is to reach."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="kept",
                                   verbose_name=_("enterprise"))
    year = models.PositiveSmallIntegerField(_("year"))
    target_revenue = models.DecimalField(_("target revenue (万元)"), max_digits=16, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope_unit_field = "enterprise__unit"

    class Meta:
        ordering = ["zone", "-year", "-target_revenue"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="kept_enterprise_once_a_year"),
            models.CheckConstraint(condition=models.Q(year__gte=2000, year__lte=2100), name="kept_year_sane"),
            amount_constraint("target_revenue", "kept_target_storable", STORABLE_AMOUNT),
        ]
        verbose_name = _("培大育强 enterprise")
        verbose_name_plural = _("培大育强 list")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class EnterpriseVisit(ZonedModel):
    """A service visit (走访) to an enterprise: when, by whom, what was found; a request raised from it is a ticket."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="visits",
                                   verbose_name=_("enterprise"))
    visited_on = models.DateField(_("visited on"))
    visitor = models.ForeignKey("org.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("visited by"))
    visitor_name = models.CharField(_("visited by"), max_length=150, blank=True)
    findings = models.TextField(_("findings"))
    ticket = models.ForeignKey("tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("request raised"))

    scope_unit_field = "enterprise__unit"

    class Meta:
        ordering = ["enterprise", "-visited_on", "-id"]
        indexes = [models.Index(fields=["zone", "visited_on"])]
        verbose_name = _("service visit")
        verbose_name_plural = _("service visits")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.visited_on}"
