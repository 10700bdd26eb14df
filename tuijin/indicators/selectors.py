"""Reads for dispatch: the table, trends, who has not filed; always through the data scope.

The bulletin and the cockpit read these same functions, so all three always agree.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from tuijin.engine import dispatch as eng
from tuijin.engine.outlook import outlook
from tuijin.indicators.models import Actual, DispatchRule, Indicator, MonthlyPlan, Target
from tuijin.core.models import FilingPeriod
from tuijin.org.models import Unit

NAN = float("nan")


def indicator_list(*, member, zone):
    return Indicator.objects.restrict(member).filter(zone=zone).select_related("numerator", "denominator")


def _f(d: Decimal | None) -> float:
    return NAN if d is None else float(d)


@dataclass
class _Cell:
    ytd: Decimal | None = None
    last: Decimal | None = None
    state: str = ""


def _load(zone, year: int, month: int, units: list[Unit], indicators: list[Indicator]):
    """Stored values for the period: cells[(unit_id, ind_id)], targets[(unit_id|None, ind_id)]."""
    unit_ids = [u.pk for u in units]
    cells: dict[tuple, _Cell] = defaultdict(_Cell)
    for uid, iid, ytd, last, state in Actual.objects.filter(zone=zone, year=year, month=month).values_list(
            "unit_id", "indicator_id", "ytd", "last_year_ytd", "state"):
        c = cells[(uid, iid)]
        c.ytd, c.last, c.state = ytd, last, state
    # Last year's filings fill in a missing "same period last year".
    for uid, iid, ytd in Actual.objects.filter(zone=zone, year=year - 1, month=month).values_list(
            "unit_id", "indicator_id", "ytd"):
        c = cells.get((uid, iid))
        if c is not None and c.last is None:
            c.last = ytd
        elif c is None:
            cells[(uid, iid)] = _Cell(None, ytd, "")
    targets = {(uid, iid): v for uid, iid, v in Target.objects.filter(zone=zone, year=year).values_list(
        "unit_id", "indicator_id", "value")}
    plans = {iid: shares for iid, shares in MonthlyPlan.objects.filter(zone=zone, year=year).values_list(
        "indicator_id", "shares")}
    return unit_ids, cells, targets, plans


def _ratio(num: Decimal | None, den: Decimal | None) -> Decimal | None:
    if num is None or den in (None, 0):
        return None
    return num / den * 100


def _data_version(zone, year: int, month: int) -> str:
    """Changes whenever anything the dispatch of this zone and month depends on changes."""
    from django.db.models import Count, Max

    parts = [
        Actual.objects.filter(zone=zone, year__in=(year, year - 1), month=month).aggregate(m=Max("updated"), n=Count("id")),
        Target.objects.filter(zone=zone, year=year).aggregate(m=Max("updated"), n=Count("id")),
        Indicator.objects.filter(zone=zone).aggregate(m=Max("updated"), n=Count("id")),
        Unit.objects.filter(zone=zone).aggregate(m=Max("updated"), n=Count("id")),
        DispatchRule.objects.filter(zone=zone).aggregate(m=Max("updated"), n=Count("id")),
        MonthlyPlan.objects.filter(zone=zone, year=year).aggregate(m=Max("updated"), n=Count("id")),
    ]
    import hashlib

    return hashlib.sha1("|".join(f"{p['m']}/{p['n']}" for p in parts).encode()).hexdigest()


def dispatch_table(*, member, zone, year: int, month: int, include_zone_row: bool | None = None) -> list[dict]:
    """The dispatch table as ``member`` may see it (see ``_dispatch_rows``).

    The whole zone is computed once per version of its data and kept in the cache; each member then gets the
    rows of their scope, ranked among all units of their group (not only the ones they see).
    """
    from django.core.cache import cache

    if include_zone_row is None:
        include_zone_row = member.scope in (member.Scope.ZONE, member.Scope.ALL)
    key = f"tuijin:dispatch:{zone.pk}:{year}:{month}:{_data_version(zone, year, month)}"
    rows = cache.get(key)
    if rows is None:
        from tuijin.core.scope import SYSTEM

        rows = _dispatch_rows(member=SYSTEM, zone=zone, year=year, month=month, include_zone_row=True)
        cache.set(key, rows, timeout=3600)
    if not Indicator.objects.restrict(member).filter(zone=zone).exists():
        return []
    visible = None if member.scope == member.Scope.ALL or member.scope == member.Scope.ZONE else \
        set(Unit.objects.restrict(member).filter(zone=zone).values_list("pk", flat=True))
    return [r for r in rows if (r["is_zone"] and include_zone_row) or
            (not r["is_zone"] and (visible is None or r["unit_id"] in visible))]


def _dispatch_rows(*, member, zone, year: int, month: int, include_zone_row: bool | None = None) -> list[dict]:
    """One row per (unit, indicator) the member may see, plus the zone's own row per indicator.

    Values are in each indicator's display unit as exact Decimals (``actual_ytd``, ``target``,
    ``last_year_ytd``); ratios are floats (fractions), pace gaps in percentage points; None where a value
    cannot be computed. The zone row (``is_zone``) sums every unit of the zone and is shown to members who
    see the whole zone.
    """
    indicators = list(indicator_list(member=member, zone=zone))
    all_units = list(Unit.objects.filter(zone=zone, is_active=True).order_by("sort_order", "id"))
    visible = set(Unit.objects.restrict(member).filter(zone=zone).values_list("pk", flat=True))
    if include_zone_row is None:
        include_zone_row = member.scope in (member.Scope.ZONE, member.Scope.ALL)
    unit_ids, cells, targets, plans = _load(zone, year, month, all_units, indicators)
    rule = DispatchRule.objects.filter(zone=zone).first()
    warn = eng.WarningRule(float(rule.red_gap_pp), float(rule.yellow_gap_pp), float(rule.red_yoy_drop) / 100) \
        if rule else eng.WarningRule()

    # Zone totals (stored units): sums over units, then ratios.
    totals: dict[int, tuple[Decimal | None, Decimal | None]] = {}
    for ind in indicators:
        if ind.rollup == Indicator.Rollup.SUM:
            ytds = [cells[(u, ind.pk)].ytd for u in unit_ids if (u, ind.pk) in cells]
            lasts = [cells[(u, ind.pk)].last for u in unit_ids if (u, ind.pk) in cells]
            ytds = [v for v in ytds if v is not None]
            lasts = [v for v in lasts if v is not None]
            totals[ind.pk] = (sum(ytds, Decimal(0)) if ytds else None, sum(lasts, Decimal(0)) if lasts else None)
    rows_meta = []  # (unit or None, indicator, ytd_display, target_display, last_display, state)
    for ind in indicators:
        for u in all_units:
            if u.pk not in visible:
                continue
            if ind.is_computed:
                num, den = cells.get((u.pk, ind.numerator_id)), cells.get((u.pk, ind.denominator_id))
                if num is None or den is None:
                    continue
                ytd = _ratio(num.ytd, den.ytd)
                last = _ratio(num.last, den.last)
                state = min(num.state, den.state) if num.state and den.state else ""
                tgt = None
            else:
                cell = cells.get((u.pk, ind.pk))
                tgt = targets.get((u.pk, ind.pk))
                if cell is None and tgt is None:
                    continue
                cell = cell or _Cell()
                ytd, last, state = ind.to_display(cell.ytd), ind.to_display(cell.last), cell.state
                tgt = ind.to_display(tgt)
            rows_meta.append((u, ind, ytd, tgt, last, state))
        if include_zone_row:
            if ind.is_computed:
                n, d = totals.get(ind.numerator_id, (None, None)), totals.get(ind.denominator_id, (None, None))
                ytd, last, tgt = _ratio(n[0], d[0]), _ratio(n[1], d[1]), None
            else:
                ytd_s, last_s = totals.get(ind.pk, (None, None))
                ytd, last = ind.to_display(ytd_s), ind.to_display(last_s)
                tgt = ind.to_display(targets.get((None, ind.pk)))
            if ytd is not None or tgt is not None:
                rows_meta.append((None, ind, ytd, tgt, last, ""))

    n = len(rows_meta)
    tp = np.array([eng.time_progress(month, plans.get(m[1].pk)) for m in rows_meta]) if n else np.zeros(0)
    inp = eng.DispatchInput(
        units=[m[0].name if m[0] else zone.name for m in rows_meta],
        indicators=[m[1].code for m in rows_meta],
        groups=[(m[0].group if m[0] else "") for m in rows_meta],
        actual=np.array([_f(m[2]) for m in rows_meta]),
        target=np.array([_f(m[3]) for m in rows_meta]),
        last_year=np.array([NAN if m[1].is_computed else _f(m[4]) for m in rows_meta]),
        higher_is_better=np.array([m[1].higher_is_better for m in rows_meta], dtype=bool),
        time_progress=tp,
        rankable=np.array([m[0] is not None for m in rows_meta], dtype=bool),
    )
    res = eng.dispatch(inp, warn)
    rows = []
    for i, (u, ind, ytd, tgt, last, state) in enumerate(rows_meta):
        comp, gap, yoy = (eng.to_plain(x[i]) for x in (res.completion, res.pace_gap_pp, res.yoy_growth))
        level = str(res.warning[i])
        rows.append({
            "zone": zone.code, "unit": u.name if u else zone.name, "unit_id": u.pk if u else None,
            "group": u.group if u else "", "is_zone": u is None,
            "indicator": ind.name, "indicator_code": ind.code, "indicator_id": ind.pk,
            "display_unit": ind.unit, "decimals": ind.decimals,
            "actual_ytd": ytd, "target": tgt, "last_year_ytd": last,
            "completion": comp, "time_progress": float(tp[i]),
            "pace_gap_pp": gap, "yoy_growth": yoy, "rank": res.rank[i],
            "warning": level,
            "warning_reason": "" if ind.is_computed else eng.warning_reason(level, gap, yoy, ind.higher_is_better),
            "state": state, "computed": ind.is_computed, "main": ind.is_main,
        })
    return rows


def zone_row(rows: list[dict], code: str) -> dict | None:
    return next((r for r in rows if r["is_zone"] and r["indicator_code"] == code), None)


def indicator_trend(*, member, zone, indicator_code: str, year: int, unit=None) -> dict:
    """This year against last year, month by month (display units), for the zone or one unit."""
    ind = indicator_list(member=member, zone=zone).filter(code=indicator_code).first()
    if unit is not None and not Unit.objects.restrict(member).filter(pk=unit.pk).exists():
        ind = None
    if ind is None:
        return {"indicator": None, "months": list(range(1, 13)), "this_year": [], "last_year": []}
    years = [year - 1, year]
    if ind.is_computed:
        num = monthly_history(zone=zone, indicator=ind.numerator, years=years, unit=unit)
        den = monthly_history(zone=zone, indicator=ind.denominator, years=years, unit=unit)
        hist = {y: [None if a is None or not b else a / b * 100 for a, b in zip(num[y], den[y])] for y in years}
    else:
        hist = monthly_history(zone=zone, indicator=ind, years=years, unit=unit)
    return {"indicator": ind, "months": list(range(1, 13)), "this_year": hist[year], "last_year": hist[year - 1]}


def monthly_history(*, zone, indicator: Indicator, years: list[int], unit=None) -> dict[int, list]:
    """Year → 12 ytd values (display units) of the zone total or one unit, from stored filings."""
    # Approved figures only: a month still being filed would show as a false drop.
    qs = Actual.objects.filter(zone=zone, indicator=indicator, year__in=years, state=Actual.State.APPROVED)
    if unit is not None:
        qs = qs.filter(unit=unit)
    sums: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for y, m, v in qs.values_list("year", "month", "ytd"):
        sums[(y, m)] += v
    return {y: [float(indicator.to_display(sums[(y, m)])) if (y, m) in sums else None for m in range(1, 13)]
            for y in years}


def outlook_for(*, zone, indicator: Indicator, year: int, month: int, ytd: Decimal | None,
                target: Decimal | None, unit=None):
    years = list(range(year - 5, year))
    history = monthly_history(zone=zone, indicator=indicator, years=years, unit=unit)
    return outlook(None if ytd is None else float(ytd), month, history, None if target is None else float(target))


def unfiled_units(*, member, zone, year: int, month: int) -> list[Unit]:
    """Units with targets this year that have no approved figure for the month."""
    expected = set(Target.objects.filter(zone=zone, year=year, unit__isnull=False).values_list("unit_id", flat=True))
    filed = set(Actual.objects.filter(zone=zone, year=year, month=month, state=Actual.State.APPROVED)
                .values_list("unit_id", flat=True))
    return list(Unit.objects.restrict(member).filter(pk__in=expected - filed).order_by("sort_order"))


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


def filing_rows(*, member, unit, year: int, month: int) -> list[dict]:
    """What a unit files for a month: every filable indicator with its target, last month and state."""
    zone = unit.zone
    actuals = {a.indicator_id: a for a in Actual.objects.restrict(member).filter(unit=unit, year=year, month=month)}
    prev = dict(Actual.objects.filter(unit=unit, year=year, month=month - 1).values_list("indicator_id", "ytd")) \
        if month > 1 else {}
    last = dict(Actual.objects.filter(unit=unit, year=year - 1, month=month).values_list("indicator_id", "ytd"))
    targets = dict(Target.objects.filter(unit=unit, year=year).values_list("indicator_id", "value"))
    rows = []
    for ind in indicator_list(member=member, zone=zone).exclude(rollup=Indicator.Rollup.RATIO):
        a = actuals.get(ind.pk)
        rows.append({
            "indicator": ind, "actual": a,
            "ytd": ind.to_display(a.ytd) if a else None,
            "last_year_ytd": ind.to_display(a.last_year_ytd if a and a.last_year_ytd is not None else last.get(ind.pk)),
            "last_year_known": ind.pk in last,
            "previous": ind.to_display(prev.get(ind.pk)), "target": ind.to_display(targets.get(ind.pk)),
        })
    return rows


def period_state(*, zone, year: int, month: int) -> FilingPeriod | None:
    return FilingPeriod.objects.filter(zone=zone, year=year, month=month).first()


def latest_period(*, zone) -> tuple[int, int] | None:
    """The newest month with any filed figure."""
    found = Actual.objects.filter(zone=zone).order_by("-year", "-month").values_list("year", "month").first()
    return tuple(found) if found else None


def province_dispatch(*, member, zones, year: int, month: int) -> dict:
    """Dispatch of many zones at once (a province): one query per table and NumPy throughout.

    Returns arrays over every (unit, filed indicator) row of the zones the member sees — zone, unit,
    indicator, actual (display units), target, completion, pace gap, yoy, rank within zone × indicator ×
    group, warning — and the zone totals per indicator. Ratio indicators are left to the per-zone table.
    """
    from tuijin.engine.ranking import segment_ranks
    from tuijin.core.models import Zone

    zone_ids = list(Zone.objects.restrict(member).filter(pk__in=[z.pk for z in zones]).values_list("pk", flat=True))
    ind_rows = list(Indicator.objects.filter(zone_id__in=zone_ids).values_list("pk", "higher_is_better", "scale",
                                                                               "rollup"))
    span = max((r[0] for r in ind_rows), default=0) + 1
    scale_of = np.ones(span)
    hib_of = np.ones(span, dtype=bool)
    ratio_of = np.zeros(span, dtype=bool)
    for pk, hib, scale, rollup in ind_rows:
        scale_of[pk], hib_of[pk], ratio_of[pk] = float(scale), hib, rollup == Indicator.Rollup.RATIO
    unit_rows = list(Unit.objects.filter(zone_id__in=zone_ids).values_list("pk", "group"))
    n_units = max((u for u, _g in unit_rows), default=0) + 1
    group_names = sorted({g for _u, g in unit_rows})
    group_of = np.zeros(n_units, dtype=np.int64)
    for u, g in unit_rows:
        group_of[u] = group_names.index(g)
    visible_of = np.zeros(n_units, dtype=bool)
    visible_of[list(Unit.objects.restrict(member).filter(zone_id__in=zone_ids).values_list("pk", flat=True))] = True

    def fetch_sql(sql, params, width):
        # Straight from the cursor: hundreds of thousands of rows skip the ORM's per-row machinery.
        from django.db import connection

        connection.ensure_connection()
        if connection.vendor == "postgresql":  # binary transfer: no number formatting and parsing per value
            import psycopg

            with psycopg.Cursor(connection.connection) as cursor:
                cursor.execute(sql, params, binary=True)
                data = cursor.fetchall()
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                data = cursor.fetchall()
        return np.array(data, dtype=float).reshape(-1, width)

    # one read joins each figure with last year's and its target; the zone follows from the unit
    act, tgt = Actual._meta.db_table, Target._meta.db_table
    marks = ", ".join(["%s"] * len(zone_ids)) or "NULL"
    sql = (f"SELECT a.unit_id, a.indicator_id, CAST(a.ytd AS DOUBLE PRECISION), "
           f"CAST(COALESCE(a.last_year_ytd, l.ytd) AS DOUBLE PRECISION), CAST(t.value AS DOUBLE PRECISION) "
           f"FROM {act} a "
           f"LEFT JOIN {act} l ON l.unit_id = a.unit_id AND l.indicator_id = a.indicator_id AND l.year = %s "
           f"AND l.month = %s "
           f"LEFT JOIN {tgt} t ON t.unit_id = a.unit_id AND t.indicator_id = a.indicator_id AND t.year = %s "
           f"WHERE a.zone_id IN ({marks}) AND a.year = %s AND a.month = %s")
    this = fetch_sql(sql, [year - 1, month, year, *zone_ids, year, month], 5)
    zone_of = np.zeros(n_units, dtype=np.int64)
    for u, z in Unit.objects.filter(zone_id__in=zone_ids).values_list("pk", "zone_id"):
        zone_of[u] = z
    units_i, inds_i = this[:, 0].astype(np.int64), this[:, 1].astype(np.int64)
    keep = visible_of[units_i] & ~ratio_of[inds_i]
    this, units_i, inds_i = this[keep], units_i[keep], inds_i[keep]
    scale = scale_of[inds_i]
    hib = hib_of[inds_i]
    actual = this[:, 2] / scale
    last_year = this[:, 3] / scale
    target = this[:, 4] / scale
    plans = dict(MonthlyPlan.objects.filter(zone_id__in=zone_ids, year=year).values_list("indicator_id", "shares"))
    tp = np.full(len(this), eng.time_progress(month))
    for iid, shares in plans.items():
        tp[inds_i == iid] = eng.time_progress(month, shares)
    comp = eng.completion(actual, target)
    gap = eng.pace_gap_pp(comp, tp)
    yoy = eng.yoy_growth(actual, last_year)
    rules = {z: (float(r), float(y), float(d) / 100) for z, r, y, d in DispatchRule.objects.filter(
        zone_id__in=zone_ids).values_list("zone_id", "red_gap_pp", "yellow_gap_pp", "red_yoy_drop")}
    default = eng.WarningRule()
    zmax = max(zone_ids, default=0) + 1
    rule_of = np.tile([default.red_gap_pp, default.yellow_gap_pp, default.red_yoy_drop], (zmax, 1))
    for z, r in rules.items():
        rule_of[z] = r
    zone_i = zone_of[units_i]
    per_row = rule_of[zone_i]
    # each zone's own thresholds, row by row (the comparisons broadcast)
    warning = eng.warning_levels(comp, gap, yoy, hib, eng.WarningRule(per_row[:, 0], per_row[:, 1], per_row[:, 2]))
    groups = group_of[units_i]
    segment = (zone_i * span + inds_i) * (len(group_names) + 1) + groups
    rank = segment_ranks(segment, np.where(np.isnan(comp), yoy, comp), higher_is_better=hib)
    if "" in group_names:
        rank[groups == group_names.index("")] = np.nan
    zkey = zone_i * span + inds_i
    uniq, inv = np.unique(zkey, return_inverse=True)
    totals = np.zeros(len(uniq))
    np.add.at(totals, inv, actual)
    return {"zone": zone_i, "unit": units_i, "indicator": inds_i, "actual": actual, "target": target,
            "last_year": last_year, "completion": comp, "pace_gap_pp": gap, "yoy_growth": yoy, "rank": rank,
            "warning": warning, "zone_totals": {(int(k // span), int(k % span)): float(t) for k, t in zip(uniq, totals)}}
