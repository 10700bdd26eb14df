"""Dispatch of many zones at once (a province or a city): one read of the figures, the engine's one definition.

The zone table (``dispatch.py``) and this view call the same ``engine.dispatch``: completion, pace gap, year on
year, warnings, and ranks within (zone, indicator, assessment group) among counted figures only. Only the
reading differs: here one joined query over every zone (binary transfer on PostgreSQL) feeds NumPy arrays.
"""
from __future__ import annotations

import numpy as np
from django.db import connection

from tuijin.core.models import Zone
from tuijin.engine import dispatch as eng
from tuijin.indicators.models import Actual, DispatchRule, Indicator, MonthlyPlan, Target
from tuijin.org.models import Unit



def _fetch(sql: str, params: list, width: int) -> np.ndarray:
    """Rows straight from the cursor: hundreds of thousands of figures skip the ORM's per-row machinery."""
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


def _lookup(pairs, size: int, fill, dtype) -> np.ndarray:
    out = np.full(size, fill, dtype=dtype)
    for k, v in pairs:
        out[k] = v
    return out


def province_dispatch(*, member, zones, year: int, month: int) -> dict:
    """Arrays over every (unit, filed indicator) row of the zones the member sees — zone, unit, indicator, actual
    (display units), target, last year, completion, pace gap, yoy, rank, warning, counted — and the zone totals
    per indicator over counted figures. Ratio indicators are left to the per-zone table."""
    zone_ids = list(Zone.objects.restrict(member).filter(pk__in=[z.pk for z in zones]).values_list("pk", flat=True))
    indicators = list(Indicator.objects.filter(zone_id__in=zone_ids).values_list("pk", "higher_is_better", "scale",
                                                                                 "rollup"))
    span = max((r[0] for r in indicators), default=0) + 1
    scale_of = _lookup(((pk, float(scale)) for pk, _h, scale, _r in indicators), span, 1.0, float)
    hib_of = _lookup(((pk, hib) for pk, hib, _s, _r in indicators), span, True, bool)
    ratio_of = _lookup(((pk, r == Indicator.Rollup.RATIO) for pk, _h, _s, r in indicators), span, False, bool)
    units = list(Unit.objects.filter(zone_id__in=zone_ids).values_list("pk", "group", "zone_id"))
    n_units = max((u for u, _g, _z in units), default=0) + 1
    group_names = sorted({g for _u, g, _z in units})
    group_of = _lookup(((u, group_names.index(g)) for u, g, _z in units), n_units, 0, np.int64)
    zone_of = _lookup(((u, z) for u, _g, z in units), n_units, 0, np.int64)
    visible = np.zeros(n_units, dtype=bool)
    visible[list(Unit.objects.restrict(member).filter(zone_id__in=zone_ids).values_list("pk", flat=True))] = True

    # one read joins each figure with last year's and its target; the zone follows from the unit
    act, tgt = Actual._meta.db_table, Target._meta.db_table
    marks = ", ".join(["%s"] * len(zone_ids)) or "NULL"
    sql = (f"SELECT a.unit_id, a.indicator_id, CAST(a.ytd AS DOUBLE PRECISION), "
           f"CAST(COALESCE(a.last_year_ytd, l.ytd) AS DOUBLE PRECISION), CAST(t.value AS DOUBLE PRECISION), "
           f"CASE WHEN a.state IN ('submitted', 'approved') THEN 1 ELSE 0 END "
           f"FROM {act} a "
           f"LEFT JOIN {act} l ON l.unit_id = a.unit_id AND l.indicator_id = a.indicator_id AND l.year = %s "
           f"AND l.month = %s "
           f"LEFT JOIN {tgt} t ON t.unit_id = a.unit_id AND t.indicator_id = a.indicator_id AND t.year = %s "
           f"WHERE a.zone_id IN ({marks}) AND a.year = %s AND a.month = %s")
    data = _fetch(sql, [year - 1, month, year, *zone_ids, year, month], 6)
    unit_i, ind_i = data[:, 0].astype(np.int64), data[:, 1].astype(np.int64)
    keep = visible[unit_i] & ~ratio_of[ind_i]
    data, unit_i, ind_i = data[keep], unit_i[keep], ind_i[keep]
    counted = data[:, 5] == 1
    zone_i, groups = zone_of[unit_i], group_of[unit_i]

    tp = np.full(len(data), eng.time_progress(month))
    for iid, shares in MonthlyPlan.objects.filter(zone_id__in=zone_ids, year=year).values_list("indicator_id", "shares"):
        tp[ind_i == iid] = eng.time_progress(month, shares)
    # rows ranked together: counted figures of one indicator within one group of one zone (no group: not ranked)
    segment = (zone_i * span + ind_i) * (len(group_names) + 1) + groups
    no_group = groups == group_names.index("") if "" in group_names else np.zeros(len(data), dtype=bool)
    segment = np.where(counted & ~no_group, segment, -1)
    scale = scale_of[ind_i]
    inp = eng.DispatchInput(actual=data[:, 2] / scale, target=data[:, 4] / scale, last_year=data[:, 3] / scale,
                            higher_is_better=hib_of[ind_i], time_progress=tp, segment=segment)
    res = eng.dispatch(inp, _rule_per_row(zone_ids, zone_i))

    zkey = zone_i[counted] * span + ind_i[counted]
    uniq, inv = np.unique(zkey, return_inverse=True)
    totals = np.zeros(len(uniq))
    np.add.at(totals, inv, inp.actual[counted])
    return {"zone": zone_i, "unit": unit_i, "indicator": ind_i, "actual": inp.actual, "target": inp.target,
            "last_year": inp.last_year, "completion": res.completion, "pace_gap_pp": res.pace_gap_pp,
            "yoy_growth": res.yoy_growth, "rank": res.rank, "warning": res.warning, "counted": counted,
            "zone_totals": {(int(k // span), int(k % span)): float(t) for k, t in zip(uniq, totals)}}


def _rule_per_row(zone_ids: list[int], zone_i: np.ndarray) -> eng.WarningRule:
    """Each zone's own warning thresholds, row by row (the engine's comparisons broadcast)."""
    default = eng.WarningRule()
    size = max(zone_ids, default=0) + 1
    table = np.tile([default.red_gap_pp, default.yellow_gap_pp, default.red_yoy_drop], (size, 1))
    for z, red, yellow, drop in DispatchRule.objects.filter(zone_id__in=zone_ids).values_list(
            "zone_id", "red_gap_pp", "yellow_gap_pp", "red_yoy_drop"):
        table[z] = (float(red), float(yellow), float(drop) / 100)
    per_row = table[zone_i]
    return eng.WarningRule(per_row[:, 0], per_row[:, 1], per_row[:, 2])
