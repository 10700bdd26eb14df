"""Writes for the indicator catalogue, targets and the monthly filing loop (填报 → 审核 → 锁定)."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.core.context import current_actor
from tuijin.core.scope import ensure_can_change, require_office
from tuijin.engine.numbers import format_fixed
from tuijin.indicators.models import Actual, DispatchRule, Indicator, Target
from tuijin.core.models import FilingPeriod, PeriodEvent

W = Decimal(10000)

# The seeds' indicators: (code, name, unit, scale, higher_is_better, decimals, rollup, main)
SEED_CATALOGUE = [
    ("general_budget_revenue", "一般公共预算收入", "亿元", W, True, 2, "sum", True),
    ("tax_revenue", "税收收入", "亿元", W, True, 2, "sum", False),
    ("tax_share", "税占比", "%", Decimal(1), True, 2, "ratio", True),
    ("trade_total", "进出口总额", "亿元", W, True, 2, "sum", True),
    ("exports", "出口", "亿元", W, True, 2, "sum", True),
    ("utilized_fdi", "实际利用外资", "亿美元", W, True, 2, "sum", True),
    ("industrial_output", "工业总产值", "亿元", W, True, 2, "sum", True),
    ("above_scale_value_added", "规上工业增加值", "亿元", W, True, 2, "sum", False),
    ("fixed_asset_investment", "固定资产投资", "亿元", W, True, 2, "sum", True),
    ("new_projects_100m", "新签约亿元以上项目数", "个", Decimal(1), True, 0, "sum", False),
    ("new_projects_100m_investment", "新签约亿元以上项目计划总投资", "亿元", W, True, 2, "sum", False),
    ("new_foreign_projects", "新签约外资项目数", "个", Decimal(1), True, 0, "sum", False),
    ("new_foreign_projects_investment", "新签约外资项目计划总投资", "亿元", W, True, 2, "sum", False),
]
RATIOS = {"tax_share": ("tax_revenue", "general_budget_revenue")}


@transaction.atomic
def catalogue_install(*, zone) -> list[Indicator]:
    """Preload the seeds' indicators into a zone (idempotent)."""
    made = []
    for order, (code, name, unit, scale, hib, dec, rollup, main) in enumerate(SEED_CATALOGUE):
        ind, _created = Indicator.objects.get_or_create(
            zone=zone, code=code,
            defaults=dict(name=name, unit=unit, scale=scale, higher_is_better=hib, decimals=dec, rollup=rollup,
                          is_main=main, sort_order=order * 10))
        made.append(ind)
    by_code = {i.code: i for i in made}
    for code, (num, den) in RATIOS.items():
        ind = by_code[code]
        if ind.numerator_id is None:
            ind.numerator, ind.denominator = by_code[num], by_code[den]
            ind.save()
    DispatchRule.objects.get_or_create(zone=zone)
    return made


def _period(zone, year: int, month: int, *, create: bool = True) -> FilingPeriod | None:
    if not 1 <= month <= 12:
        raise ValidationError({"month": _("The month must be between 1 and 12, not %(m)s.") % {"m": month}})
    if create:
        return FilingPeriod.objects.get_or_create(zone=zone, year=year, month=month)[0]
    return FilingPeriod.objects.filter(zone=zone, year=year, month=month).first()


def _check_not_locked(zone, year: int, month: int) -> None:
    period = _period(zone, year, month, create=False)
    if period is not None and period.locked:
        raise ValidationError(_("%(y)s年%(m)s月 is locked; the office must reopen it (with a reason) before "
                                "figures change.") % {"y": year, "m": month})


@transaction.atomic
def target_set(*, member, zone, indicator: Indicator, year: int, value: Decimal, unit=None) -> Target:
    """Set an annual target (display units); ``unit`` None is the zone's own target."""
    require_office(member)
    if indicator.zone_id != zone.pk or (unit is not None and unit.zone_id != zone.pk):
        raise ValidationError(_("The indicator or unit belongs to another zone."))
    if indicator.is_computed:
        raise ValidationError({"indicator": _("「%(name)s」 is computed from other indicators and takes no target of "
                                              "its own.") % {"name": indicator.name}})
    if value is None or value <= 0:
        raise ValidationError({"value": _("A target must be greater than zero.")})
    target, _c = Target.objects.update_or_create(zone=zone, unit=unit, indicator=indicator, year=year,
                                                 defaults={"value": indicator.to_stored(value)})
    return target


def check_value(*, indicator: Indicator, ytd: Decimal, previous: Decimal | None, last_year: Decimal | None,
                jump_factor: Decimal) -> list[str]:
    """Warnings a filer must confirm (display units): a fall in a year-to-date value, a 10,000× jump."""
    warnings = []

    def fmt(x):
        return format_fixed(x, indicator.decimals)

    if previous is not None and ytd < previous:
        warnings.append(_("The year-to-date value %(v)s is below last month's %(p)s (a refund?); confirm to keep "
                          "it.") % {"v": fmt(ytd), "p": fmt(previous)})
    for ref, label in ((previous, _("last month")), (last_year, _("the same period last year"))):
        if ref is not None and ref > 0 and ytd > 0:
            ratio = ytd / ref
            if ratio >= jump_factor or ratio <= 1 / jump_factor:
                warnings.append(_("The value %(v)s is %(r)s times %(label)s (%(ref)s %(unit)s): was it entered in "
                                  "the wrong unit (万元 for 亿元)? Confirm to keep it.") % {
                    "v": fmt(ytd), "r": f"{ratio:.0f}" if ratio >= 1 else f"1/{1 / ratio:.0f}", "label": label,
                    "ref": fmt(ref), "unit": indicator.unit})
                break
    return warnings


@transaction.atomic
def actual_save(*, member, unit, indicator: Indicator, year: int, month: int, ytd: Decimal,
                last_year_ytd: Decimal | None = None, confirmed: bool = False, approved: bool = False,
                note: str = "") -> Actual:
    """File (or correct) a unit's year-to-date figure, in display units.

    Refuses a locked month, a computed indicator, a month outside 1—12; asks for confirmation (raises a
    ValidationError with code "confirm") for a fall below last month or a 10,000× jump. ``approved``
    (office imports) stores it approved directly.
    """
    if not 1 <= month <= 12:
        raise ValidationError({"month": _("The month must be between 1 and 12, not %(m)s.") % {"m": month}})
    if indicator.is_computed:
        raise ValidationError({"indicator": _("「%(name)s」 is computed (%(num)s ÷ %(den)s) and is never filed.") % {
            "name": indicator.name, "num": indicator.numerator, "den": indicator.denominator}})
    if indicator.zone_id != unit.zone_id:
        raise ValidationError(_("The indicator or unit belongs to another zone."))
    if ytd is None:
        raise ValidationError({"ytd": _("Give the year-to-date value.")})
    ensure_can_change(member, Actual(zone=unit.zone, unit=unit))
    if approved and not member.is_office:
        raise PermissionDenied(_("Only the office may do this."))

    _check_not_locked(unit.zone, year, month)
    existing = Actual.objects.select_for_update().filter(unit=unit, indicator=indicator, year=year, month=month).first()
    if existing is not None and existing.state == Actual.State.APPROVED and not approved and not member.is_office:
        raise ValidationError(_("This figure has been approved; ask the office to return it before changing it."))
    if not confirmed:
        prev = Actual.objects.filter(unit=unit, indicator=indicator, year=year, month__lt=month).order_by(
            "-month").values_list("ytd", flat=True).first()
        rule = DispatchRule.objects.filter(zone=unit.zone).first()
        warnings = check_value(indicator=indicator, ytd=ytd, previous=indicator.to_display(prev),
                               last_year=last_year_ytd, jump_factor=rule.jump_factor if rule else Decimal(1000))
        if warnings:
            raise ValidationError([ValidationError(w, code="confirm") for w in warnings])
    values = {"ytd": indicator.to_stored(ytd), "note": note,
              "state": Actual.State.APPROVED if approved else Actual.State.DRAFT, "return_reason": ""}
    if last_year_ytd is not None:
        values["last_year_ytd"] = indicator.to_stored(last_year_ytd)
    _period(unit.zone, year, month)
    if existing is None:
        return Actual.objects.create(zone=unit.zone, unit=unit, indicator=indicator, year=year, month=month, **values)
    for k, v in values.items():
        setattr(existing, k, v)
    existing.save()
    return existing


def _actuals_for(member, zone, year, month, unit=None):
    qs = Actual.objects.restrict(member, "change").filter(zone=zone, year=year, month=month)
    return qs.filter(unit=unit) if unit is not None else qs


@transaction.atomic
def actual_submit(*, member, unit, year: int, month: int) -> int:
    """Submit a unit's drafts (and returned figures) of a month for review."""
    _check_not_locked(unit.zone, year, month)
    qs = _actuals_for(member, unit.zone, year, month, unit).filter(
        state__in=[Actual.State.DRAFT, Actual.State.RETURNED])
    n = 0
    for a in qs.select_for_update():
        a.state = Actual.State.SUBMITTED
        a.save()
        n += 1
    if n == 0:
        raise ValidationError(_("Nothing to submit: no draft figures for this month."))
    return n


@transaction.atomic
def actual_review(*, member, actuals, approve: bool, reason: str = "") -> int:
    """Approve submitted figures, or return them with a reason."""
    require_office(member)
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("Say why the figures are returned.")})
    n = 0
    for a in actuals.select_for_update():
        ensure_can_change(member, a)
        _check_not_locked(a.zone, a.year, a.month)
        if a.state != Actual.State.SUBMITTED:
            continue
        a.state = Actual.State.APPROVED if approve else Actual.State.RETURNED
        a.return_reason = "" if approve else reason.strip()
        a.save()
        n += 1
    return n


@transaction.atomic
def period_lock(*, member, zone, year: int, month: int) -> FilingPeriod:
    """Lock an approved month: every figure filed for it must be approved."""
    require_office(member)
    period = _period(zone, year, month)
    pending = Actual.objects.filter(zone=zone, year=year, month=month).exclude(state=Actual.State.APPROVED)
    if pending.exists():
        names = sorted(set(pending.values_list("unit__name", flat=True)))
        raise ValidationError(_("Not every figure of %(y)s年%(m)s月 is approved (%(units)s); approve or return them "
                                "first.") % {"y": year, "m": month, "units": "、".join(names[:10])})
    period.locked = True
    period.save()
    PeriodEvent.objects.create(zone=zone, period=period, action=PeriodEvent.Action.LOCK, by_id=current_actor().user_id)
    return period


@transaction.atomic
def period_reopen(*, member, zone, year: int, month: int, reason: str) -> FilingPeriod:
    """Reopen a locked month; the reason is kept."""
    require_office(member)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the month is reopened.")})
    period = _period(zone, year, month)
    if not period.locked:
        raise ValidationError(_("%(y)s年%(m)s月 is not locked.") % {"y": year, "m": month})
    period.locked = False
    period.save()
    PeriodEvent.objects.create(zone=zone, period=period, action=PeriodEvent.Action.REOPEN, reason=reason.strip(),
                               by_id=current_actor().user_id)
    return period
