"""Reads for filing and review: the catalogue, what a unit files, who has filed what, the target split.

The dispatch table is in ``dispatch.py``, history, trends and the outlook in ``history.py``, the province view in
``province.py``; all of them read through the member's data scope.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from tuijin.core.cache import Rows, cached, table_version
from tuijin.core.models import FilingPeriod
from tuijin.engine.numbers import format_fixed
from tuijin.indicators.dispatch import COUNTED, FILING_KINDS, expected_figures, month_inputs
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


def filing_status(*, member, zone, year: int, month: int, unit=None, data_version: str | None = None,
                  inputs=None) -> list[UnitFiling]:
    """Every unit in the member's scope expected to file the month (or that filed it), with what it has filed
    and what is missing; only ``unit`` when given (the filing page reads one unit's).

    The whole zone's is kept in the cache with the dispatch table (it reads what the dispatch reads, so the same
    data version, ``data_version`` when the caller has just read it; ``inputs`` as for
    ``dispatch.compute_rows``) and cut to the member's units."""
    if unit is None:
        every = cached("filing-status", zone.pk, year, month,
                       version=data_version or dispatch_version(zone, year, month),
                       compute=lambda: _zone_filing_status(zone, year, month, inputs))
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
    _tally(out, actuals.values_list("unit_id", "indicator_id", "state", "return_reason"), expected, names, order)
    period = FilingPeriod.objects.filter(zone=zone, year=year, month=month).first()
    if period is not None:
        for uid, reason in FilingException.objects.filter(period=period).order_by().values_list("unit_id", "reason"):
            if uid in out:
                out[uid].not_reported = reason
    return [e for e in out.values() if e.expected or e.filed]


def _tally(out: dict, rows, expected: dict, names: dict, order: dict) -> None:
    """Count each unit's figures by state into its ``UnitFiling`` and list the expected ones it has not filed.
    ``rows``: (unit id, indicator id, state, return reason)."""
    filed: dict[int, set[int]] = {}
    for uid, iid, state, reason in rows:
        entry = out.get(uid)
        if entry is None:
            continue
        setattr(entry, state, getattr(entry, state) + 1)
        filed.setdefault(uid, set()).add(iid)
        if reason and not entry.return_reason:
            entry.return_reason = reason
    for uid, entry in out.items():
        entry.missing = [names[i] for i in sorted(expected.get(uid, set()) - filed.get(uid, set()), key=order.get)]


def _zone_filing_status(zone, year: int, month: int, inputs=None) -> list[UnitFiling]:
    """``_filing_status`` of the whole zone as the system sees it, from what the dispatch table reads
    (``month_inputs``: kept while only figures not counted yet change, those read now)."""
    reads, uncounted = inputs() if inputs is not None else month_inputs(zone, year, month)
    expected = reads.expected
    order = {i.pk: (i.sort_order, i.pk) for i in reads.indicators}
    names = {i.pk: i.name for i in reads.indicators}
    out = {u.pk: UnitFiling(unit=u, expected=len(expected.get(u.pk, ()))) for u in reads.units
           if u.kind in FILING_KINDS}
    _tally(out, ((uid, iid, state, reason) for uid, iid, _ytd, _last, state, reason in (*reads.counted, *uncounted)),
           expected, names, order)
    for uid, entry in out.items():
        entry.not_reported = reads.exceptions.get(uid, entry.not_reported)
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
    return filing_month(member=member, unit=unit, year=year, month=month).rows


class FilingMonth:
    """One unit's month as the filing page needs it, from one read of its figures: the rows of the form
    (``filing_rows``), what the unit is expected to report (``expected_figures`` for one unit) and its status
    (``filing_status`` for one unit)."""

    def __init__(self, *, member, unit, year: int, month: int):
        self.unit, self.year, self.month = unit, year, month
        zone = unit.zone_id  # the id: the unit's zone is not read for it
        # The catalogue's order without the default ordering's join of the zone (one zone: the same order); filed
        # indicators have no parts to join (``indicator_list``'s numerator and denominator).
        indicators = list(Indicator.objects.restrict(member).filter(zone=zone).exclude(rollup__in=NOT_FILED)
                          .order_by("sort_order", "id"))
        filed_ids = {i.pk for i in indicators}
        current, prev, last, earlier = {}, {}, {}, set()
        # This month, the months before it this year and the same month last year, in one read.
        for iid, y, m, ytd, last_ytd, state, reason in Actual.objects.restrict(member).filter(unit=unit).filter(
                Q(year=year, month__lte=month) | Q(year=year - 1, month=month)).order_by().values_list(
                "indicator_id", "year", "month", "ytd", "last_year_ytd", "state", "return_reason"):
            if y != year:
                last[iid] = ytd
                continue
            if m == month:
                current[iid] = (ytd, last_ytd, state, reason)
                continue
            if m == month - 1:
                prev[iid] = ytd
            if state in COUNTED:
                earlier.add(iid)
        targets = dict(Target.objects.filter(unit=unit, year=year).order_by().values_list("indicator_id", "value"))
        # expected_figures(zone, year, month, unit=unit), from the rows read above
        if unit.is_active and unit.kind in FILING_KINDS:
            self.expected = (set(targets) | earlier | set(last)) & filed_ids
        else:
            self.expected = set()
        rows = []
        for ind in indicators:
            a = current.get(ind.pk)
            rows.append({
                "indicator": ind, "state": a[2] if a else "",
                "ytd": ind.to_display(a[0]) if a else None,
                "last_year_ytd": ind.to_display(a[1] if a and a[1] is not None else last.get(ind.pk)),
                "last_year_known": ind.pk in last,
                "previous": ind.to_display(prev.get(ind.pk)), "target": ind.to_display(targets.get(ind.pk)),
                "expected": ind.pk in self.expected or a is not None,
            })
        self.rows = sorted(rows, key=lambda r: not r["expected"])  # stable: the catalogue's order within each part
        self._indicators, self._current = indicators, current

    def status(self, period: FilingPeriod | None) -> UnitFiling | None:
        """``filing_status(..., unit=unit)``'s entry for the unit (None when it neither files nor is expected to);
        ``period`` is the month's ``period_state``."""
        entry = UnitFiling(unit=self.unit, expected=len(self.expected))
        filed_ids = {i.pk for i in self._indicators}
        for iid, (_ytd, _last, state, reason) in self._current.items():
            if iid not in filed_ids:
                continue  # figures once filed for an indicator now counted from the ledger are not counted
            setattr(entry, state, getattr(entry, state) + 1)
            if reason and not entry.return_reason:
                entry.return_reason = reason
        entry.missing = [i.name for i in self._indicators if i.pk in self.expected and i.pk not in self._current]
        if period is not None:
            entry.not_reported = FilingException.objects.filter(period=period, unit=self.unit).order_by() \
                .values_list("reason", flat=True).first() or ""
        return entry if entry.expected or entry.filed else None


def _member_key(member) -> str:
    """What of a web member a kept read varies on: the member, whose last change covers role, scope and unit."""
    return f"{member.pk}:{member.updated}:{member.role}:{member.scope}:{member.unit_id}:{member.zone_id}"


def filing_units(*, member, zone) -> list[Unit]:
    """The active units ``member`` may file for in ``zone``, in the zone's order: the filing page's choice (and its
    check of the unit asked for). Kept per member and version of the zone's units (their paths are the scope)."""
    units = cached("filing-units", zone.pk, _member_key(member), member.is_active,
                   version=table_version(Rows(Unit, zone=zone.pk)),
                   compute=lambda: list(Unit.objects.restrict(member, "change").filter(
                       zone=zone, is_active=True, kind__in=FILING_KINDS).order_by("sort_order", "id")))
    zone_field = Unit._meta.get_field("zone")
    for u in units:  # the zone given (the filter's): a filing's checks read it, not the database
        zone_field.set_cached_value(u, zone)
    return units


def filing_month(*, member, unit, year: int, month: int, version: str | None = None) -> FilingMonth:
    """``FilingMonth``; with ``version`` (``filing_version``, just read by the caller), kept in the cache per member
    and version: the save that follows a page view reads it from there."""
    if version is None:
        return FilingMonth(member=member, unit=unit, year=year, month=month)
    sheet = cached("filing-month", unit.pk, year, month, _member_key(member), version=version,
                   compute=lambda: FilingMonth(member=member, unit=unit, year=year, month=month))
    sheet.unit = unit  # the caller's, not the copy kept with it
    return sheet


def filing_version(*, unit, year: int, month: int) -> str:
    """Changes whenever anything the filing page of ``unit``'s month shows changes, whoever changed it: the unit's
    figures read by ``filing_month`` (this year to the month, the same month last year), its targets, the zone's
    catalogue and units (names in the unit picker, a unit's kind or path) and the month's period row (locked) with
    its 未报 confirmations. One query (``table_version``); who looks is the fragment key's part."""
    z, u = unit.zone_id, unit.pk
    period = Rows(FilingPeriod, zone=z, year=year, month=month)
    return table_version(
        Rows(Actual, unit=u, year=year, month=tuple(range(1, month + 1))),
        Rows(Actual, unit=u, year=year - 1, month=month),
        Rows(Target, unit=u, year=year),
        Rows(Indicator, zone=z),
        Rows(Unit, zone=z),
        period,
        Rows(FilingException, zone=z, period=period),
    )


def period_state(*, zone, year: int, month: int) -> FilingPeriod | None:
    # one row per zone and month: by id, not the default ordering (which joins the zone)
    return FilingPeriod.objects.filter(zone=zone, year=year, month=month).order_by("pk").first()
