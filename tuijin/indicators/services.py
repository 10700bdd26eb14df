"""Writes for the indicator catalogue, targets and the monthly filing loop (填报 → 审核 → 锁定)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from tuijin.core.context import current_actor
from tuijin.core.models import FilingPeriod, PeriodEvent
from tuijin.core.periods import check_period, check_year, ensure_open, period_get
from tuijin.core.params import parse_id
from tuijin.core.scope import SYSTEM, ensure_can_change, require_office, require_writer
from tuijin.core.validators import clean_name, to_amount
from tuijin.engine.numbers import format_fixed
from tuijin.indicators.models import Actual, DispatchRule, FilingException, Indicator, Target

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
    ("new_projects_100m", "新签约亿元以上项目数", "个", Decimal(1), True, 0, "ledger", False),
    ("new_projects_100m_investment", "新签约亿元以上项目计划总投资", "亿元", W, True, 2, "ledger", False),
    ("new_foreign_projects", "新签约外资项目数", "个", Decimal(1), True, 0, "ledger", False),
    ("new_foreign_projects_investment", "新签约外资项目计划总投资", "亿元", W, True, 2, "ledger", False),
    ("gdp", "地区生产总值", "亿元", W, True, 2, "sum", False),
    ("tertiary_value_added", "三产增加值", "亿元", W, True, 2, "sum", False),
    ("tertiary_share", "三产增加值占比", "%", Decimal(1), True, 2, "ratio", False),
    ("deposits", "金融机构存款余额", "亿元", W, True, 2, "sum", False),
]
RATIOS = {"tax_share": ("tax_revenue", "general_budget_revenue"), "tertiary_share": ("tertiary_value_added", "gdp")}
# Counts of the ledger (indicators/ledger.py): computed from the projects (and the capital received), never filed.
# 实际利用外资 is filed unless the zone records received capital and switches it (``indicator_set_source``).
LEDGER_MEASURES = {
    "new_projects_100m": Indicator.Measure.BIG_SIGNED,
    "new_projects_100m_investment": Indicator.Measure.BIG_SIGNED_INVESTMENT,
    "new_foreign_projects": Indicator.Measure.FOREIGN_SIGNED,
    "new_foreign_projects_investment": Indicator.Measure.FOREIGN_SIGNED_INVESTMENT,
}
CAN_COUNT_FROM_LEDGER = {**LEDGER_MEASURES, "utilized_fdi": Indicator.Measure.FDI_RECEIVED}


@transaction.atomic
def catalogue_install(*, zone) -> list[Indicator]:
    """Preload the seeds' indicators into a zone (idempotent)."""
    made = []
    for order, (code, name, unit, scale, hib, dec, rollup, main) in enumerate(SEED_CATALOGUE):
        ind, _created = Indicator.objects.get_or_create(
            zone=zone, code=code,
            defaults=dict(name=name, unit=unit, scale=scale, higher_is_better=hib, decimals=dec, rollup=rollup,
                          measure=LEDGER_MEASURES.get(code, ""), is_main=main, sort_order=order * 10))
        made.append(ind)
    by_code = {i.code: i for i in made}
    for code, (num, den) in RATIOS.items():
        ind = by_code[code]
        if ind.numerator_id is None:
            ind.numerator, ind.denominator = by_code[num], by_code[den]
            ind.save()
    DispatchRule.objects.get_or_create(zone=zone)
    return made


@transaction.atomic
def indicator_set_source(*, member, indicator: Indicator, source: str) -> Indicator:
    """Switch an indicator the ledger can count (CAN_COUNT_FROM_LEDGER) between "filed" and "ledger" — e.g.
    实际利用外资 once the zone records the capital received per project. The office only."""
    require_office(member)
    _ensure_zone(member, indicator.zone)
    ensure_can_change(member, indicator)
    if source not in ("filed", "ledger"):
        raise ValidationError({"source": _("Choose filed or counted from the ledger.")})
    measure = CAN_COUNT_FROM_LEDGER.get(indicator.code)
    if measure is None:
        raise ValidationError({"source": _("「%(name)s」 cannot be counted from the ledger.") % {"name": indicator.name}})
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    indicator.rollup, indicator.measure = (Indicator.Rollup.LEDGER, measure) if source == "ledger" else \
        (Indicator.Rollup.SUM, "")
    indicator.save()
    return indicator


@transaction.atomic
def target_set(*, member, zone, indicator: Indicator, year: int, value: Decimal, unit=None) -> Target:
    """Set an annual target (display units); ``unit`` None is the zone's own target."""
    require_office(member)
    _ensure_zone(member, zone)
    if indicator.zone_id != zone.pk or (unit is not None and unit.zone_id != zone.pk):
        raise ValidationError(_("The indicator or unit belongs to another zone."))
    if unit is not None:
        ensure_can_change(member, Target(zone=zone, unit=unit))
    if indicator.is_computed:
        raise ValidationError({"indicator": _("「%(name)s」 is computed from other indicators and takes no target of "
                                              "its own.") % {"name": indicator.name}})
    if value is None:
        raise ValidationError({"value": _("A target must be greater than zero.")})
    value = to_amount(value, field="value", label=indicator.name, scale=indicator.scale, unit=indicator.unit)
    if value <= 0:
        raise ValidationError({"value": _("A target must be greater than zero.")})
    check_year(year)
    target, _c = Target.objects.update_or_create(zone=zone, unit=unit, indicator=indicator, year=year,
                                                 defaults={"value": indicator.to_stored(value)})
    return target


@transaction.atomic
def targets_save(*, member, zone, indicator: Indicator, year: int, values: dict) -> int:
    """The targets page: one indicator's annual targets for the zone (``values`` key None) and its units, each
    through ``target_set``, all or nothing; an empty value leaves a target as it is. Every refusal names the unit
    (``unit_<id>`` / ``zone``). Returns how many were set."""
    errors, n = {}, 0
    for unit, raw in values.items():
        if raw is None or str(raw).strip() == "":
            continue
        key = "zone" if unit is None else f"unit_{unit.pk}"
        try:
            target_set(member=member, zone=zone, indicator=indicator, year=year, value=str(raw).strip(), unit=unit)
            n += 1
        except ValidationError as exc:
            errors[key] = [f"{unit.name if unit else _('the zone')}:{m}" for m in exc.messages]
    if errors:
        raise ValidationError(errors)
    return n


@transaction.atomic
def targets_copy_year(*, member, zone, year: int) -> int:
    """Copy last year's targets (zone and units, every indicator) into ``year`` as a starting point, through
    ``target_set``; a target ``year`` already has is kept. Returns how many were copied."""
    require_office(member)
    check_year(year)
    have = set(Target.objects.filter(zone=zone, year=year).values_list("unit_id", "indicator_id"))
    n = 0
    for t in Target.objects.filter(zone=zone, year=year - 1).select_related("indicator", "unit").order_by("id"):
        if (t.unit_id, t.indicator_id) in have or t.indicator.is_computed or (t.unit and not t.unit.is_active):
            continue
        target_set(member=member, zone=zone, indicator=t.indicator, year=year, value=t.indicator.to_display(t.value),
                   unit=t.unit)
        n += 1
    return n


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


def duties_separated(zone) -> bool:
    """The zone's setting (on unless the zone turned it off): who submits does not approve."""
    rule = DispatchRule.objects.filter(zone=zone).only("separate_duties").first()
    return True if rule is None else rule.separate_duties


def ensure_fileable(indicator: Indicator) -> None:
    """A computed indicator (a ratio of two others) and a count of the ledger are never filed."""
    if indicator.is_ledger:
        raise ValidationError({"indicator": _("「%(name)s」 is counted from the project ledger and is never filed.") % {
            "name": indicator.name}})
    if indicator.is_computed:
        raise ValidationError({"indicator": _("「%(name)s」 is computed (%(num)s ÷ %(den)s) and is never filed.") % {
            "name": indicator.name, "num": indicator.numerator, "den": indicator.denominator}})


def clean_figure(indicator: Indicator, ytd, last_year_ytd=None) -> tuple[Decimal, Decimal | None]:
    """A figure's year-to-date and last-year values (display units), each a finite number within range;
    ValidationError on ``ytd`` / ``last_year_ytd`` otherwise (the same message the filing page gives)."""
    if ytd is None:
        raise ValidationError({"ytd": _("Give the year-to-date value.")})
    ytd = to_amount(ytd, field="ytd", label=indicator.name, scale=indicator.scale, unit=indicator.unit)
    if last_year_ytd is not None:
        last_year_ytd = to_amount(last_year_ytd, field="last_year_ytd", label=_("%(name)s (same period last year)") % {
            "name": indicator.name}, scale=indicator.scale, unit=indicator.unit)
    return ytd, last_year_ytd


def actual_warnings(*, unit, indicator: Indicator, year: int, month: int, ytd: Decimal,
                    last_year_ytd: Decimal | None = None) -> list[str]:
    """What a person must confirm before a figure is stored (display units): the checks ``actual_save`` makes.
    A value out of range is refused first (ValidationError), never compared nor formatted: a warning about 1e308
    would overflow the rounding of its own message."""
    ytd, last_year_ytd = clean_figure(indicator, ytd, last_year_ytd)
    # the latest figure filed before this month and the same month's last year, in one read
    prev, prev_month, last = None, 0, None
    for y, m, value in Actual.objects.filter(unit=unit, indicator=indicator).filter(
            Q(year=year, month__lt=month) | Q(year=year - 1, month=month)).order_by().values_list(
            "year", "month", "ytd"):
        if y != year:
            last = value
        elif m > prev_month:
            prev, prev_month = value, m
    if last_year_ytd is None:
        last_year_ytd = indicator.to_display(last)
    jump_factor = DispatchRule.objects.filter(zone=unit.zone_id).values_list("jump_factor", flat=True).first()
    return check_value(indicator=indicator, ytd=ytd, previous=indicator.to_display(prev), last_year=last_year_ytd,
                       jump_factor=Decimal(1000) if jump_factor is None else jump_factor)


STATE_WORDS = {Actual.State.DRAFT: "草稿", Actual.State.SUBMITTED: "待审核", Actual.State.APPROVED: "已审核",
               Actual.State.RETURNED: "已退回"}


def _confirm_only(exc: ValidationError) -> bool:
    return all(getattr(e, "code", None) == "confirm" for e in exc.error_list) if hasattr(exc, "error_list") \
        else False


@transaction.atomic
def actual_save(*, member, unit, indicator: Indicator, year: int, month: int, ytd: Decimal,
                last_year_ytd: Decimal | None = None, confirmed: bool = False, approved: bool = False,
                note: str = "") -> Actual:
    """File (or correct) a unit's year-to-date figure, in display units: the one write of a figure.

    Refuses a locked month, a computed indicator, a value out of range, a figure already submitted (the unit
    withdraws it first) or approved (the office returns it first); asks for confirmation (a ValidationError with
    code "confirm") for a fall below last month or a 1,000× jump. ``approved`` (the office filing for a unit)
    stores it approved directly. Holds the month's period row until it commits, so a lock waits for it.
    """
    check_period(year, month)
    ensure_fileable(indicator)
    if indicator.zone_id != unit.zone_id:
        raise ValidationError({"indicator": _("The indicator or unit belongs to another zone.")})
    ytd, last_year_ytd = clean_figure(indicator, ytd, last_year_ytd)
    note = clean_name(note, field="note", label=_("note"), max_length=200, required=False)
    ensure_can_change(member, Actual(zone=unit.zone, unit=unit))
    if approved:
        require_office(member)
        if duties_separated(unit.zone) and not getattr(member, "is_system", False):
            raise ValidationError(_("This zone separates duties: figures are submitted by their unit and approved "
                                    "by a reviewer, never stored as approved directly."), code="duties")
    ensure_open(unit.zone, year, month)
    # one row (unique): by id, not the default ordering's joins of the zone, indicator and unit
    existing = Actual.objects.select_for_update().filter(unit=unit, indicator=indicator, year=year, month=month) \
        .order_by("pk").first()
    if existing is not None and not member.is_office:
        if existing.state == Actual.State.SUBMITTED:
            raise ValidationError(_("「%(name)s」 has been submitted and waits for review; withdraw it (撤回) before "
                                    "changing it.") % {"name": indicator.name}, code="submitted")
        if existing.state == Actual.State.APPROVED:
            raise ValidationError(_("「%(name)s」 has been approved; ask the office to return it before changing "
                                    "it.") % {"name": indicator.name}, code="approved")
    state = Actual.State.APPROVED if approved else Actual.State.DRAFT
    stored_ytd = indicator.to_stored(ytd)
    stored_last = indicator.to_stored(last_year_ytd) if last_year_ytd is not None else None
    if existing is not None and existing.ytd == stored_ytd and existing.state == state and existing.note == note \
            and (stored_last is None or existing.last_year_ytd == stored_last):
        return existing  # nothing changes: no write, no history entry
    if not confirmed:
        warnings = actual_warnings(unit=unit, indicator=indicator, year=year, month=month, ytd=ytd,
                                   last_year_ytd=last_year_ytd)
        if warnings:
            raise ValidationError([ValidationError(w, code="confirm") for w in warnings])
    values = {"ytd": stored_ytd, "note": note, "state": state}
    if approved:
        values["return_reason"] = ""
    if stored_last is not None:
        values["last_year_ytd"] = stored_last
    if existing is None:
        return Actual.objects.create(zone=unit.zone, unit=unit, indicator=indicator, year=year, month=month, **values)
    for k, v in values.items():
        setattr(existing, k, v)
    existing.unit, existing.indicator = unit, indicator  # the same rows: the history's label reads these, not again
    existing.save()
    return existing


@dataclass
class FileResult:
    saved: int
    submitted: int


@transaction.atomic
def actual_file(*, member, unit, year: int, month: int, entries: list[tuple[Indicator, Decimal, Decimal | None]],
                confirmed: bool = False, submit: bool = False) -> FileResult:
    """Save a unit's month as one whole (the filing form): every figure or none, then submit if asked.

    Errors are collected for every figure and raised together, keyed ``ytd_<indicator id>`` /
    ``last_<indicator id>``; values to confirm are raised with code "confirm". Nothing is stored unless all
    figures pass.
    """
    errors: dict[str, list] = {}
    to_confirm: list[ValidationError] = []
    saved = 0
    for ind, ytd, last in entries:
        try:
            actual_save(member=member, unit=unit, indicator=ind, year=year, month=month, ytd=ytd,
                        last_year_ytd=last, confirmed=confirmed)
            saved += 1
        except ValidationError as exc:
            if _confirm_only(exc):
                to_confirm += [ValidationError(f"{ind.name}: {m}", code="confirm") for m in exc.messages]
                continue
            if hasattr(exc, "error_dict"):
                for field, errs in exc.message_dict.items():
                    key = {"ytd": f"ytd_{ind.pk}", "last_year_ytd": f"last_{ind.pk}", "indicator": f"ytd_{ind.pk}"}.get(
                        field, NON_FIELD_ERRORS)  # the month, the unit: said once for the whole form
                    errors.setdefault(key, [])
                    errors[key] += [e for e in errs if e not in errors[key]]
            else:
                errors.setdefault(f"ytd_{ind.pk}", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    if to_confirm:
        raise ValidationError(to_confirm)
    submitted = actual_submit(member=member, unit=unit, year=year, month=month) if submit else 0
    return FileResult(saved=saved, submitted=submitted)


@transaction.atomic
def actual_submit(*, member, unit, year: int, month: int) -> int:
    """Send a unit's drafts (and corrected returned figures) of a month for review."""
    require_writer(member)
    ensure_can_change(member, Actual(zone=unit.zone, unit=unit))
    ensure_open(unit.zone, year, month)
    n = _move(Actual.objects.filter(unit=unit, year=year, month=month,
                                    state__in=[Actual.State.DRAFT, Actual.State.RETURNED]),
              state=Actual.State.SUBMITTED, return_reason="", submitted_by_id=current_actor().user_id)
    if n == 0:
        raise ValidationError(_("Nothing to submit: %(unit)s has no draft figures for %(y)s年%(m)s月.") % {
            "unit": unit.name, "y": year, "m": month}, code="nothing")
    return n


@transaction.atomic
def actual_withdraw(*, member, unit, year: int, month: int) -> int:
    """Take a unit's submitted figures back to draft (撤回), as long as the office has not reviewed them."""
    require_writer(member)
    ensure_can_change(member, Actual(zone=unit.zone, unit=unit))
    ensure_open(unit.zone, year, month)
    n = _move(Actual.objects.filter(unit=unit, year=year, month=month, state=Actual.State.SUBMITTED),
              state=Actual.State.DRAFT)
    if n == 0:
        raise ValidationError(_("Nothing to withdraw: %(unit)s has no figures waiting for review (approved figures "
                                "are returned by the office).") % {"unit": unit.name}, code="nothing")
    return n


@dataclass
class ReviewResult:
    unit: str
    approved: int = 0
    returned: int = 0

    def text(self) -> str:
        if self.approved:
            return _("%(unit)s: %(n)s figures approved.") % {"unit": self.unit, "n": self.approved}
        return _("%(unit)s: %(n)s figures returned for correction.") % {"unit": self.unit, "n": self.returned}


@transaction.atomic
def actual_review(*, member, unit, year: int, month: int, approve: bool, reason: str = "") -> ReviewResult:
    """Approve a unit's submitted figures of a month, or return its figures (submitted or approved) with one
    reason for the unit. Says exactly what happened; a unit with nothing to review is refused, naming its state."""
    require_office(member)
    ensure_can_change(member, Actual(zone=unit.zone, unit=unit))
    reason = clean_name(reason, field="reason", label=_("reason"), max_length=200, required=False)
    if not approve and not reason:
        raise ValidationError({"reason": _("Say why the figures of %(unit)s are returned.") % {"unit": unit.name}})
    if len(reason) > 200:
        raise ValidationError({"reason": _("The reason is longer than 200 characters.")})
    ensure_open(unit.zone, year, month)
    me = current_actor().user_id
    if approve and me is not None and duties_separated(unit.zone) and Actual.objects.filter(
            unit=unit, year=year, month=month, state=Actual.State.SUBMITTED, submitted_by_id=me).exists():
        raise ValidationError(_("%(unit)s: you submitted these figures yourself; this zone separates duties, so "
                                "another reviewer approves them.") % {"unit": unit.name}, code="duties")
    states = [Actual.State.SUBMITTED] if approve else [Actual.State.SUBMITTED, Actual.State.APPROVED]
    n = _move(Actual.objects.filter(unit=unit, year=year, month=month, state__in=states),
              state=Actual.State.APPROVED if approve else Actual.State.RETURNED,
              return_reason="" if approve else reason)
    if n == 0:
        counts = dict(Actual.objects.filter(unit=unit, year=year, month=month).values_list("state")
                      .annotate(n=Count("id")).values_list("state", "n"))
        held = "、".join(f"{STATE_WORDS[s]}{c}项" for s, c in counts.items()) or _("nothing filed")
        raise ValidationError(_("%(unit)s has no figures waiting for review (%(held)s).") % {
            "unit": unit.name, "held": held}, code="nothing")
    return ReviewResult(unit=unit.name, approved=n if approve else 0, returned=0 if approve else n)


def _ensure_zone(member, zone) -> None:
    from tuijin.org.services import ensure_zone

    ensure_zone(member, zone)


def _move(qs, **values) -> int:
    """Change the state of a unit's figures one by one, so each change is in the history with before/after."""
    n = 0
    for a in qs.select_for_update():
        for k, v in values.items():
            setattr(a, k, v)
        a.save()
        n += 1
    return n


@dataclass
class LockResult:
    period: FilingPeriod
    not_reported: list[str]


@transaction.atomic
def period_lock(*, member, zone, year: int, month: int, exceptions: dict[int, str] | None = None) -> LockResult:
    """Lock a month once every expected figure is approved; units still short are locked as 未报 only when
    the office gives a reason for each (kept, and shown on the dispatch table and in the bulletin)."""
    from tuijin.indicators.selectors import filing_status

    require_office(member)
    _ensure_zone(member, zone)
    check_period(year, month)
    period = period_get(zone, year, month, create=True, for_update=True)
    if period.locked:
        raise ValidationError(_("%(y)s年%(m)s月 is already locked.") % {"y": year, "m": month}, code="locked")
    status = filing_status(member=SYSTEM, zone=zone, year=year, month=month)  # the whole zone, whoever locks
    waiting = [s for s in status if s.submitted]
    if waiting:
        raise ValidationError(_("Review the figures waiting first: %(units)s.") % {
            "units": "、".join(f"{s.unit.name}{s.submitted}项" for s in waiting)}, code="waiting")
    exceptions = {pk: (v or "").strip() for k, v in (exceptions or {}).items() if (pk := parse_id(k)) is not None}
    short = [s for s in status if not s.complete]
    problems = []
    for s in short:
        reason = exceptions.get(s.unit.pk, "")
        try:
            reason = exceptions[s.unit.pk] = clean_name(reason, field="reason", label=s.unit.name, max_length=10 ** 6,
                                                        required=False)
        except ValidationError as exc:
            problems += [ValidationError(m, code="incomplete") for m in exc.messages]
            continue
        if not reason:
            problems.append(ValidationError(f"{s.unit.name}: {s.shortfall()}", code="incomplete"))
        elif len(reason) > 200:
            problems.append(ValidationError(_("%(unit)s: the reason is longer than 200 characters.") % {
                "unit": s.unit.name}, code="incomplete"))
    if problems:
        raise ValidationError(problems)
    for s in short:
        FilingException.objects.create(zone=zone, period=period, unit=s.unit, reason=exceptions[s.unit.pk],
                                       by_id=current_actor().user_id)
    period.locked = True
    period.save()
    note = ("未报:" + "、".join(s.unit.name for s in short)) if short else ""
    PeriodEvent.objects.create(zone=zone, period=period, action=PeriodEvent.Action.LOCK, reason=note[:200],
                               by_id=current_actor().user_id)
    return LockResult(period=period, not_reported=[s.unit.name for s in short])


@transaction.atomic
def period_reopen(*, member, zone, year: int, month: int, reason: str) -> FilingPeriod:
    """Reopen a locked month (the only way back); the reason is kept, the 未报 confirmations are dropped."""
    require_office(member)
    _ensure_zone(member, zone)
    reason = clean_name(reason, field="reason", label=_("reason"), max_length=200, required=False)
    if not reason:
        raise ValidationError({"reason": _("Say why the month is reopened.")})
    period = period_get(zone, year, month, create=True, for_update=True)
    if not period.locked:
        raise ValidationError(_("%(y)s年%(m)s月 is not locked.") % {"y": year, "m": month})
    for exc in FilingException.objects.filter(period=period):
        exc.delete()
    period.locked = False
    period.save()
    PeriodEvent.objects.create(zone=zone, period=period, action=PeriodEvent.Action.REOPEN, reason=reason[:200],
                               by_id=current_actor().user_id)
    return period
