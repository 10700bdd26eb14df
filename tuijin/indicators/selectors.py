"""Reads for filing and review: the catalogue, what a unit files, who has filed what, the target split.

The dispatch table is in ``dispatch.py``, history, trends and the outlook in ``history.py``, the province view in
``province.py``; all of them read through the member's data scope.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from tuijin.core.cache import cached
from tuijin.core.models import FilingPeriod
from tuijin.core.scope import SYSTEM
from tuijin.engine.numbers import format_fixed
from tuijin.indicators.dispatch import FILING_KINDS, expected_figures
from tuijin.indicators.dispatch import version as dispatch_version
from tuijin.indicators.models import NOT_FILED, Actual, FilingException, Indicator, Target
from tuijin.org.models import Unit


def indicator_list(*, member, zone):
    return Indicator.objects.restrict(member).filter(zone=zone).select_related("numerator", "denominator")


@dataclass
class UnitFiling:
    """Where one unit stands with one month's figures."""

    unit: Unit
    expected: int = 0
    draft: int = 0
    submitted: int = 0
    approved: int = 0
    returned: int = 0
    missing: list[str] = field(default_factory=list)  # names of expected indicators not filed at all
    return_reason: str = ""
    not_reported: str = ""  # the office's reason when it locked the month without this unit

    @property
    def filed(self) -> int:
        return self.draft + self.submitted + self.approved + self.returned

    @property
    def complete(self) -> bool:
        """Every expected figure filed and approved."""
        return self.filed > 0 and not self.missing and self.approved == self.filed

    @property
    def state(self) -> str:
        if self.filed == 0:
            return "not_filed"
        if self.returned:
            return "returned"
        if self.draft:
            return "draft"
        if self.submitted:
            return "submitted"
        return "approved" if not self.missing else "partial"

    def shortfall(self) -> str:
        """What keeps the unit from being complete, in words."""
        parts = []
        if self.filed == 0:
            return "未填报"
        if self.missing:
            parts.append(f"{len(self.missing)}项未填报({'、'.join(self.missing[:5])}{'等' if len(self.missing) > 5 else ''})")
        if self.draft:
            parts.append(f"{self.draft}项草稿未报送")
        if self.returned:
            parts.append(f"{self.returned}项已退回待重报")
        if self.submitted:
            parts.append(f"{self.submitted}项待审核")
        return "、".join(parts)


def filing_status(*, member, zone, year: int, month: int, unit=None) -> list[UnitFiling]:
    """Every unit in the member's scope expected to file the month (or that filed it), with what it has filed
    and what is missing; only ``unit`` when given (the filing page reads one unit's).

    The whole zone's is kept in the cache with the dispatch table (it reads what the dispatch reads, so the same
    data version) and cut to the member's units."""
    if unit is None:
        every = cached("filing-status", zone.pk, year, month, version=dispatch_version(zone, year, month),
                       compute=lambda: _filing_status(SYSTEM, zone, year, month, None))
        visible = set(Unit.objects.restrict(member).filter(zone=zone).order_by().values_list("pk", flat=True))
        return [e for e in every if e.unit.pk in visible]
    return _filing_status(member, zone, year, month, unit)


def _filing_status(member, zone, year: int, month: int, unit) -> list[UnitFiling]:
    expected = expected_figures(zone, year, month, unit=unit)
    names, order = {}, {}
    for pk, name, sort_order in Indicator.objects.filter(zone=zone).order_by().values_list("pk", "name", "sort_order"):
        names[pk], order[pk] = name, (sort_order, pk)
    units = Unit.objects.filter(zone=zone, is_active=True, kind__in=FILING_KINDS).order_by("sort_order", "id")
    units = units.filter(pk__in=Unit.objects.restrict(member).values("pk"))
    actuals = Actual.objects.filter(zone=zone, year=year, month=month).exclude(indicator__rollup__in=NOT_FILED) \
        .order_by()  # figures once filed for an indicator now counted from the ledger are not read
    if unit is not None:
        units, actuals = units.filter(pk=unit.pk), actuals.filter(unit=unit)
    out = {u.pk: UnitFiling(unit=u, expected=len(expected.get(u.pk, ()))) for u in units}
    filed: dict[int, set[int]] = {}
    for uid, iid, state, reason in actuals.values_list("unit_id", "indicator_id", "state", "return_reason"):
        entry = out.get(uid)
        if entry is None:
            continue
        setattr(entry, state, getattr(entry, state) + 1)
        filed.setdefault(uid, set()).add(iid)
        if reason and not entry.return_reason:
            entry.return_reason = reason
    for uid, entry in out.items():
        entry.missing = [names[i] for i in sorted(expected.get(uid, set()) - filed.get(uid, set()), key=order.get)]
    period = FilingPeriod.objects.filter(zone=zone, year=year, month=month).first()
    if period is not None:
        for uid, reason in FilingException.objects.filter(period=period).order_by().values_list("unit_id", "reason"):
            if uid in out:
                out[uid].not_reported = reason
    return [e for e in out.values() if e.expected or e.filed]


def unfiled_units(*, member, zone, year: int, month: int) -> list[Unit]:
    """Units (in the member's scope) whose month is not complete: something missing or not yet approved."""
    return [s.unit for s in filing_status(zone=zone, year=year, month=month, member=member) if not s.complete]


def split_check(*, member, zone, year: int) -> list[dict]:
    """Per indicator: the zone's target against the sum of its units' targets (shown, never silently fixed)."""
    out = []
    for ind in indicator_list(member=member, zone=zone).exclude(rollup=Indicator.Rollup.RATIO):
        targets = Target.objects.filter(zone=zone, year=year, indicator=ind)
        zone_t = targets.filter(unit__isnull=True).values_list("value", flat=True).first()
        unit_sum = sum(targets.filter(unit__isnull=False).values_list("value", flat=True), Decimal(0))
        if zone_t is None and not unit_sum:
            continue
        zt, us = ind.to_display(zone_t), ind.to_display(unit_sum)
        diff = None if zt is None else us - zt
        out.append({"indicator": ind, "zone_target": zt, "unit_sum": us, "difference": diff,
                    "status": "missing" if zt is None else ("ok" if diff == 0 else ("over" if diff > 0 else "short"))})
    return out


def split_words(check: dict) -> str:
    """A split check in words, the difference named: "各单位目标之和比全区目标多1.20亿元"."""
    ind = check["indicator"]

    def fmt(x):
        return f"{format_fixed(abs(x), ind.decimals)}{ind.unit}"

    if check["status"] == "missing":
        return _("No zone target: the units' targets add up to %(sum)s.") % {"sum": fmt(check["unit_sum"])}
    if check["status"] == "over":
        return _("The units' targets add up to %(sum)s, %(diff)s more than the zone's target of %(zone)s.") % {
            "sum": fmt(check["unit_sum"]), "diff": fmt(check["difference"]), "zone": fmt(check["zone_target"])}
    if check["status"] == "short":
        return _("The units' targets add up to %(sum)s, %(diff)s short of the zone's target of %(zone)s.") % {
            "sum": fmt(check["unit_sum"]), "diff": fmt(check["difference"]), "zone": fmt(check["zone_target"])}
    return _("The units' targets add up to the zone's target.")


def target_units(*, member, zone):
    """The units the targets page lists: the zone's active units the member sees."""
    return list(Unit.objects.restrict(member).filter(zone=zone, is_active=True))


def target_grid(*, member, zone, indicator: Indicator, year: int, typed=None, errors=None) -> dict:
    """One indicator's targets for the page: the zone and each unit, this year's (or what was typed) beside last
    year's, with the split check."""
    stored = {(t.unit_id, t.year): t.value for t in Target.objects.filter(zone=zone, indicator=indicator,
                                                                         year__in=(year, year - 1))}
    errors = errors or {}

    def row(key, label, unit_id):
        value = indicator.to_display(stored.get((unit_id, year)))
        return {"key": key, "label": label, "last": indicator.to_display(stored.get((unit_id, year - 1))),
                "value": typed.get(key, "") if typed is not None else
                ("" if value is None else format_fixed(value, indicator.decimals)),
                "errors": errors.get(key, [])}

    rows = [row("zone", _("the zone"), None)] + [row(f"unit_{u.pk}", u.name, u.pk)
                                                 for u in target_units(member=member, zone=zone)]
    check = next((c for c in split_check(member=member, zone=zone, year=year) if c["indicator"].pk == indicator.pk),
                 None)
    if check is not None:
        check["words"] = split_words(check)
    return {"rows": rows, "check": check, "has_last_year": any((u, year - 1) in stored for u, _y in stored)}


def filing_rows(*, member, unit, year: int, month: int) -> list[dict]:
    """What a unit files for a month: every filable indicator with its target, last month and state; the ones the
    unit is expected to report (``expected_figures``: a target, an earlier month, last year) first, the others marked
    not required (a zone-wide catalogue holds indicators that only one department reports)."""
    zone = unit.zone_id  # the id: the unit's zone is not read for it
    expected = expected_figures(zone, year, month, unit=unit).get(unit.pk, set())
    actuals = {a.indicator_id: a for a in Actual.objects.restrict(member).filter(unit=unit, year=year, month=month)
               .order_by()}
    prev = dict(Actual.objects.filter(unit=unit, year=year, month=month - 1).order_by()
                .values_list("indicator_id", "ytd")) if month > 1 else {}
    last = dict(Actual.objects.filter(unit=unit, year=year - 1, month=month).order_by()
                .values_list("indicator_id", "ytd"))
    targets = dict(Target.objects.filter(unit=unit, year=year).order_by().values_list("indicator_id", "value"))
    rows = []
    for ind in indicator_list(member=member, zone=zone).exclude(rollup__in=NOT_FILED):
        a = actuals.get(ind.pk)
        rows.append({
            "indicator": ind, "actual": a, "state": a.state if a else "",
            "ytd": ind.to_display(a.ytd) if a else None,
            "last_year_ytd": ind.to_display(a.last_year_ytd if a and a.last_year_ytd is not None else last.get(ind.pk)),
            "last_year_known": ind.pk in last,
            "previous": ind.to_display(prev.get(ind.pk)), "target": ind.to_display(targets.get(ind.pk)),
            "expected": ind.pk in expected or a is not None,
        })
    return sorted(rows, key=lambda r: not r["expected"])  # stable: the catalogue's order within each part


def period_state(*, zone, year: int, month: int) -> FilingPeriod | None:
    return FilingPeriod.objects.filter(zone=zone, year=year, month=month).first()
