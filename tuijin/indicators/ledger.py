"""Indicators counted from the project ledger instead of filed (docs/dispatch.md, "Counted from the ledger").

新签约亿元以上项目数 and their planned total investment, 新签约外资项目数 and theirs, and — where the zone records the
capital received per project — 实际利用外资 are the ledger's own figures: filing them too would state one fact twice,
and the two disagreed. Each is counted per unit the way the ledger's performance facts count them
(``engine.performance``: a project signed in the year by the month's end, not withdrawn; ≥1亿元 by its planned total
investment; foreign-funded as marked), for the project's responsible unit (the unit that serves it), so the zone's
total counts each project once. Values are in the indicator's stored unit (个, 万元, 万美元).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from tuijin.core.periods import month_end
from tuijin.engine.performance import HUNDRED_MILLION
from tuijin.indicators.models import Indicator
from tuijin.projects.models import Project
from tuijin.promotion.selectors import received_fdi

M = Indicator.Measure


def _signed(zone, year: int, until: dt.date) -> dict[str, dict[int, Decimal]]:
    out: dict[str, dict[int, Decimal]] = {m: defaultdict(Decimal) for m in (
        M.BIG_SIGNED, M.BIG_SIGNED_INVESTMENT, M.FOREIGN_SIGNED, M.FOREIGN_SIGNED_INVESTMENT)}
    rows = Project.objects.filter(zone=zone, signed_actual__year=year, signed_actual__lte=until) \
        .exclude(status=Project.Status.WITHDRAWN).order_by() \
        .values_list("unit_id", "planned_investment", "is_foreign")
    for uid, amount, foreign in rows:
        if amount >= HUNDRED_MILLION:
            out[M.BIG_SIGNED][uid] += 1
            out[M.BIG_SIGNED_INVESTMENT][uid] += amount
        if foreign:
            out[M.FOREIGN_SIGNED][uid] += 1
            out[M.FOREIGN_SIGNED_INVESTMENT][uid] += amount
    return out


def measures(zone, year: int, month: int, wanted: set[str]) -> dict[str, dict[int, Decimal]]:
    """measure → unit id → value (stored unit) of the year to the end of ``month``."""
    until = month_end(year, month)
    out: dict[str, dict[int, Decimal]] = {}
    if wanted - {M.FDI_RECEIVED}:
        out.update(_signed(zone, year, until))
    if M.FDI_RECEIVED in wanted:
        out[M.FDI_RECEIVED] = received_fdi(zone, year, until)
    return out


def ledger_figures(zone, year: int, month: int, indicators) -> dict[tuple[int, int], tuple[Decimal, Decimal]]:
    """(unit id, indicator id) → (this year's value, the same period last year's) for the ledger indicators, for
    every unit with a value in either year."""
    ledger = [i for i in indicators if i.is_ledger and i.measure]
    if not ledger:
        return {}
    wanted = {i.measure for i in ledger}
    now, before = measures(zone, year, month, wanted), measures(zone, year - 1, month, wanted)
    out = {}
    for ind in ledger:
        this, last = now.get(ind.measure, {}), before.get(ind.measure, {})
        for uid in set(this) | set(last):
            out[(uid, ind.pk)] = (Decimal(this.get(uid, 0)), Decimal(last.get(uid, 0)))
    return out
