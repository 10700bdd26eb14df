"""Month-by-month history of an indicator (the trend lines) and the year-end outlook.

A zone's month counts only when its total is complete (every unit expected to report it has submitted or been
approved), by the same rule as the dispatch table (``dispatch.py``): a month still being filed has no point on
the line instead of a false drop.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from tuijin.core.cache import Rows, cached, table_version
from tuijin.engine.outlook import Outlook, outlook
from tuijin.core.periods import as_of_date, month_end
from tuijin.indicators.dispatch import COUNTED, FILING_KINDS
from tuijin.indicators.ledger import measures
from tuijin.indicators.models import Actual, Indicator, Target
from tuijin.org.models import Unit


def monthly_history(*, zone, indicator: Indicator, years: list[int], unit=None) -> dict[int, list[float | None]]:
    """Year → 12 year-to-date values (display units) of the zone total or of one unit; None for a month whose
    total is not complete (or, for a unit, not yet submitted)."""
    # read into sets and dicts: without the models' default ordering (which joins units and indicators to sort)
    rows = list(Actual.objects.filter(zone=zone, indicator=indicator, year__in=[*years, min(years) - 1])
                .order_by().values_list("unit_id", "year", "month", "ytd", "state"))
    counted: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    filed_any: dict[tuple[int, int], set[int]] = defaultdict(set)
    for uid, y, m, ytd, state in rows:
        filed_any[(y, m)].add(uid)
        if state in COUNTED:
            counted[(y, m)][uid] = ytd
    from_ledger = _ledger_months(zone, indicator, years, counted) if indicator.is_ledger else set()
    if unit is not None:
        return {y: [_display(indicator, counted[(y, m)].get(unit.pk)) for m in range(1, 13)] for y in years}
    active = set(Unit.objects.filter(zone=zone, is_active=True, kind__in=FILING_KINDS).order_by()
                 .values_list("pk", flat=True))
    with_target = defaultdict(set)
    for uid, y in Target.objects.filter(zone=zone, indicator=indicator, year__in=years, unit__isnull=False) \
            .order_by().values_list("unit_id", "year"):
        with_target[y].add(uid)
    out = {}
    for y in years:
        values, seen = [], set()
        for m in range(1, 13):
            here = counted[(y, m)]
            # expected: a target this year, counted earlier this year, or filed the same month last year
            expected = (with_target[y] | seen | filed_any[(y - 1, m)]) & active
            values.append(_display(indicator, sum(here.values(), Decimal(0)))
                          if (y, m) in from_ledger or (here and expected <= here.keys()) else None)
            seen |= here.keys()
        out[y] = values
    return out


def cached_history(*, zone, indicator: Indicator, years: list[int], unit=None) -> dict[int, list[float | None]]:
    """``monthly_history`` kept in the cache until what it reads changes: the indicator's submitted and approved
    figures of these years (a draft or returned figure is never counted, so a draft save leaves it alone), every
    figure of the years before them (``filed_any``: filed the same month last year makes a unit expected), its
    targets, the zone's units and catalogue, and for a ledger indicator the ledger and the zone's today."""
    z, before = zone.pk, tuple(sorted({y - 1 for y in years}))
    parts = [Rows(Actual, zone=z, indicator=indicator.pk, year=tuple(sorted({*years, *before})),
                  state=tuple(str(s) for s in COUNTED)),
             Rows(Actual, zone=z, indicator=indicator.pk, year=before),
             Rows(Target, zone=z, indicator=indicator.pk, year=tuple(years)),
             Rows(Unit, zone=z), Rows(Indicator, zone=z)]
    today = ""
    if indicator.is_ledger:
        from tuijin.projects.models import Project
        from tuijin.promotion.models import Capital

        parts += [Rows(Project, zone=z), Rows(Capital, zone=z)]
        today = as_of_date(zone).isoformat()  # months after the zone's today are not filled from the ledger
    return cached("history", z, indicator.pk, ",".join(map(str, years)), unit.pk if unit is not None else "zone",
                  today, version=table_version(*parts),
                  compute=lambda: monthly_history(zone=zone, indicator=indicator, years=years, unit=unit))


def _ledger_months(zone, indicator: Indicator, years: list[int], counted: dict) -> set[tuple[int, int]]:
    """Fill the months of a ledger indicator with the ledger's counts per unit, up to the zone's today (a month for
    which figures were filed, before the zone counted it from its ledger, keeps them); the months filled, whose
    totals are complete by definition."""
    today, filled = as_of_date(zone), set()
    for y in years:
        for m in range(1, 13):
            if (y, m) in counted or month_end(y, m) > today:
                continue
            values = measures(zone, y, m, {indicator.measure}).get(indicator.measure, {})
            counted[(y, m)] = {uid: Decimal(v) for uid, v in values.items()}
            filled.add((y, m))
    return filled


def _display(indicator: Indicator, stored: Decimal | None) -> float | None:
    return None if stored is None else float(indicator.to_display(stored))


def indicator_trend(*, member, zone, indicator_code: str, year: int, unit=None) -> dict:
    """This year against last year, month by month (display units), for the zone or one unit."""
    # one indicator per code in a zone: by id, not the default ordering (which joins the zone)
    ind = Indicator.objects.restrict(member).filter(zone=zone, code=indicator_code).select_related(
        "numerator", "denominator").order_by("pk").first()
    if unit is not None and not Unit.objects.restrict(member).filter(pk=unit.pk).exists():
        ind = None
    if ind is None:
        return {"indicator": None, "months": list(range(1, 13)), "this_year": [], "last_year": []}
    years = [year - 1, year]
    if ind.is_computed:
        num = cached_history(zone=zone, indicator=ind.numerator, years=years, unit=unit)
        den = cached_history(zone=zone, indicator=ind.denominator, years=years, unit=unit)
        hist = {y: [None if a is None or not b else a / b * 100 for a, b in zip(num[y], den[y])] for y in years}
    else:
        hist = cached_history(zone=zone, indicator=ind, years=years, unit=unit)
    return {"indicator": ind, "months": list(range(1, 13)), "this_year": hist[year], "last_year": hist[year - 1]}


def indicator_trend_cached(*, member, zone, indicator_code: str, year: int) -> dict:
    """``indicator_trend`` of the zone (the cockpit's line), kept in the cache until a figure of the indicator (or
    of its parts) in these years, a target, a unit or the catalogue changes."""
    ids = [i for row in Indicator.objects.filter(zone=zone, code=indicator_code).order_by()
           .values_list("pk", "numerator_id", "denominator_id") for i in row if i is not None]
    years = [year - 2, year - 1, year]
    from tuijin.projects.models import Project
    from tuijin.promotion.models import Capital

    version = table_version(Rows(Actual, zone=zone.pk, indicator=ids, year=years),
                            Rows(Target, zone=zone.pk, indicator=ids, year=years),
                            Rows(Unit, zone=zone.pk), Rows(Indicator, zone=zone.pk),
                            Rows(Project, zone=zone.pk), Rows(Capital, zone=zone.pk))  # ledger indicators
    who = f"{member.scope}:{member.unit_id if member.scope in ('unit', 'subtree') else ''}"
    return cached("trend", zone.pk, indicator_code, year, who, version=version,
                  compute=lambda: indicator_trend(member=member, zone=zone, indicator_code=indicator_code, year=year))


def indicator_page_version(*, zone, code: str, year: int, month: int) -> str:
    """Changes whenever anything the indicator page of ``code`` shows changes: the figures and targets of the
    indicator (and of its parts, for a ratio) in the years its trend and outlook read, and the zone-wide tables its
    dispatch rows read (catalogue, units, rules, monthly plans, the month's period and exceptions, the ledger).
    Each unit's row, rank and the zone's row of an indicator read that indicator's figures only, so a draft of
    another indicator (a unit's save changes one or a few) leaves it alone."""
    from django.db import connection

    from tuijin.core.models import FilingPeriod
    from tuijin.indicators.models import DispatchRule, FilingException, MonthlyPlan
    from tuijin.projects.models import Project
    from tuijin.promotion.models import Capital

    z, params = zone.pk, []
    sql = Rows(Indicator, zone=z, code=code).sql(connection.ops.quote_name, params, "id, numerator_id, denominator_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = tuple(sorted({i for row in cursor.fetchall() for i in row if i is not None}))
    years = tuple(range(year - 6, year + 1))  # the outlook reads five years back, each with the year before it
    period = Rows(FilingPeriod, zone=z, year=year, month=month)
    return table_version(
        Rows(Actual, zone=z, indicator=ids, year=years), Rows(Target, zone=z, indicator=ids, year=years),
        Rows(Indicator, zone=z), Rows(Unit, zone=z), Rows(DispatchRule, zone=z), Rows(MonthlyPlan, zone=z, year=year),
        period, Rows(FilingException, zone=z, period=period), Rows(Project, zone=z), Rows(Capital, zone=z),
    ) + f":{','.join(map(str, ids))}:{as_of_date(zone).isoformat()}"


def outlook_for(*, zone, indicator: Indicator, year: int, month: int, row) -> Outlook:
    """The year-end outlook from a zone row of the dispatch table; none from an incomplete month."""
    if row is None or row.actual_ytd is None:
        return Outlook(None, None, None, None, 0, "本期未填报,无法预测")
    if row.complete is False:
        return Outlook(None, None, None, None, 0, f"本月合计不完整(已报{row.units_reported}/{row.units_expected}个单位),"
                                                  f"待报齐后预测")
    history = cached_history(zone=zone, indicator=indicator, years=list(range(year - 5, year)))
    return outlook(float(row.actual_ytd), month, history, None if row.target is None else float(row.target))
