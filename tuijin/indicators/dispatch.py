"""The dispatch table (调度表) of a zone and month: one row per (unit, indicator) and the zone's own row.

What a total counts (docs/dispatch.md): a zone row sums only figures that are at least submitted (报送 or
审核通过); drafts and returned figures belong to their unit until it submits them. A zone row says how many of
the units expected to report that indicator it counts (``units_reported`` of ``units_expected``); when it does
not count all of them it is ``complete = False``: its completion is not computed (a partial sum against the
full-year target is not a slump), and its year-on-year growth compares like for like — this year's and last
year's figures summed over the same counted units.

Indicators counted from the project ledger (``indicators.ledger``: 新签约亿元以上项目数 …) are never filed: their
unit and zone rows are computed from the ledger, always complete, and every row says where its figure comes from
(``source``: "filed", "computed" for a ratio, "ledger").

The bulletin, the cockpit, the API, ``tuijin dispatch`` and the assessment runs read these rows.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import asdict, dataclass
from decimal import Decimal

import numpy as np

from tuijin.core.cache import Rows, cached, table_version
from tuijin.core.models import FilingPeriod
from tuijin.core.scope import SYSTEM
from tuijin.core.validators import is_sane_amount
from tuijin.engine import dispatch as eng
from tuijin.indicators.ledger import ledger_figures
from tuijin.indicators.models import NOT_FILED, Actual, DispatchRule, FilingException, Indicator, MonthlyPlan, Target
from tuijin.org.models import Unit
from tuijin.projects.models import Project
from tuijin.promotion.models import Capital

NAN = float("nan")
COUNTED = (Actual.State.SUBMITTED, Actual.State.APPROVED)
LEDGER = "ledger"  # the state of a cell counted from the ledger: always counted, never a filing state
FILING_KINDS = (Unit.Kind.DEPARTMENT, Unit.Kind.STREET, Unit.Kind.TOWN, Unit.Kind.PARK)


@dataclass
class DispatchRow:
    """Values in the indicator's display unit as exact Decimals; ratios as fractions (0.367); gaps in points."""

    zone: str
    unit: str
    unit_id: int | None
    group: str
    is_zone: bool
    indicator: str
    indicator_code: str
    indicator_id: int
    display_unit: str
    decimals: int
    computed: bool
    main: bool
    actual_ytd: Decimal | None
    target: Decimal | None
    last_year_ytd: Decimal | None
    completion: float | None
    time_progress: float
    pace_gap_pp: float | None
    yoy_growth: float | None
    rank: int | None
    warning: str
    warning_reason: str
    state: str = ""  # unit rows: the figure's filing state ("" = not filed)
    counted_in_total: bool = False  # unit rows: whether the zone row counts this figure
    not_reported: str = ""  # unit rows: the reason the office gave when it locked the month without this unit
    units_reported: int | None = None  # zone rows
    units_expected: int | None = None  # zone rows
    complete: bool | None = None  # zone rows: every expected unit counted
    abnormal: bool = False  # a stored figure (or target) outside ±AMOUNT_LIMIT: shown as 异常值, left out of totals
    source: str = "filed"  # "filed", "computed" (a ratio of two filed indicators) or "ledger" (counted from it)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Cell:
    ytd: Decimal | None = None
    last: Decimal | None = None
    state: str = ""
    bad_ytd: bool = False  # this year's stored figure is one the services would refuse: missing, not counted
    flagged: bool = False  # any of its stored values (figure, last year's, target) is: the row says 异常值

    @property
    def counted(self) -> bool:
        return (self.state in COUNTED or self.state == LEDGER) and not self.bad_ytd


def _sane(value) -> tuple[Decimal | None, bool]:
    """(value, False), or (None, True) for a stored figure outside ±AMOUNT_LIMIT: treated as missing, marked."""
    return (value, False) if is_sane_amount(value) else (None, True)


def expected_figures(zone, year: int, month: int, unit=None) -> dict[int, set[int]]:
    """unit id → the filed indicators the unit is expected to report for the month (only ``unit``'s when given).

    A unit is expected to report an indicator when it has a target for it this year, reported it in an earlier
    month of this year, or reported it for the same month last year. Computed indicators are never filed.
    """
    units = Unit.objects.filter(zone=zone, is_active=True, kind__in=FILING_KINDS)
    of_unit = {} if unit is None else {"unit": unit}
    # Lookups into sets: no ordering (the models' default ordering joins the zone, units and indicators).
    active = set((units.filter(pk=unit.pk) if unit is not None else units).order_by().values_list("pk", flat=True))
    filed = Indicator.objects.filter(zone=zone).exclude(rollup__in=NOT_FILED).order_by() \
        .values_list("pk", flat=True)
    filed = set(filed)
    out: dict[int, set[int]] = defaultdict(set)
    pairs = list(Target.objects.filter(zone=zone, year=year, unit__isnull=False, **of_unit).order_by()
                 .values_list("unit_id", "indicator_id"))
    pairs += Actual.objects.filter(zone=zone, year=year, month__lt=month, state__in=COUNTED, **of_unit) \
        .order_by().values_list("unit_id", "indicator_id").distinct()
    pairs += Actual.objects.filter(zone=zone, year=year - 1, month=month, **of_unit).order_by() \
        .values_list("unit_id", "indicator_id")
    for uid, iid in pairs:
        if uid in active and iid in filed:
            out[uid].add(iid)
    return dict(out)


@dataclass
class MonthReads:
    """What the dispatch of a zone and month reads, but for the month's figures not counted yet (drafts, returned):
    kept in the cache by ``reads_version``, which a unit's draft save leaves alone, so the table after a save reads
    only those figures (``month_inputs``) and computes."""

    indicators: list
    units: list  # the zone's active units
    counted: list  # (unit id, indicator id, ytd, last year, state, return reason) of the month, submitted or approved
    last_year: list  # (unit id, indicator id, ytd) of the same month last year
    filed_before: dict
    ledger: dict
    targets: list  # (unit id, indicator id, value)
    plans: dict
    expected: dict  # expected_figures
    exceptions: dict  # unit id → the office's reason when it locked the month without the unit
    warn: eng.WarningRule
    not_filed: list  # ids of the indicators never filed: figures once filed for them are not read


FIGURE_FIELDS = ("unit_id", "indicator_id", "ytd", "last_year_ytd", "state", "return_reason")


def _read(zone, year: int, month: int) -> MonthReads:
    """Every read of ``compute_rows`` but the month's figures not counted yet (``month_inputs`` reads those)."""
    indicators = list(Indicator.objects.filter(zone=zone).select_related("numerator", "denominator"))
    units = list(Unit.objects.filter(zone=zone, is_active=True).order_by("sort_order", "id"))
    not_filed = [i.pk for i in indicators if not i.is_filed]  # figures once filed for them are not read
    counted = list(Actual.objects.filter(zone=zone, year=year, month=month, state__in=COUNTED)
                   .exclude(indicator__in=not_filed).order_by().values_list(*FIGURE_FIELDS))
    last_year = list(Actual.objects.filter(zone=zone, year=year - 1, month=month).exclude(indicator__in=not_filed)
                     .order_by().values_list("unit_id", "indicator_id", "ytd"))
    # Counted from the ledger. The same period last year is the figure filed for it then, where one was (kept from
    # before the zone counted the indicator from its ledger, which may not hold that year's projects), else the
    # ledger's count of last year.
    ledger_ids = [i.pk for i in indicators if i.is_ledger]
    filed_before = {(uid, iid): ytd for uid, iid, ytd in Actual.objects.filter(
        zone=zone, year=year - 1, month=month, indicator__in=ledger_ids, state__in=COUNTED).order_by()
        .values_list("unit_id", "indicator_id", "ytd") if is_sane_amount(ytd)}
    ledger = ledger_figures(zone, year, month, indicators)
    targets = list(Target.objects.filter(zone=zone, year=year).order_by().values_list("unit_id", "indicator_id",
                                                                                     "value"))
    plans = dict(MonthlyPlan.objects.filter(zone=zone, year=year).order_by().values_list("indicator_id", "shares"))
    expected = expected_figures(zone, year, month)
    period = FilingPeriod.objects.filter(zone=zone, year=year, month=month).first()
    exceptions = dict(FilingException.objects.filter(period=period).values_list("unit_id", "reason")) \
        if period else {}
    rule = DispatchRule.objects.filter(zone=zone).first()
    warn = eng.WarningRule(float(rule.red_gap_pp), float(rule.yellow_gap_pp), float(rule.red_yoy_drop) / 100) \
        if rule else eng.WarningRule()
    return MonthReads(indicators, units, counted, last_year, filed_before, ledger, targets, plans, expected,
                      exceptions, warn, not_filed)


def month_inputs(zone, year: int, month: int) -> tuple[MonthReads, list]:
    """The month's reads (from the cache while only figures not counted yet change) and those figures, read now:
    together everything the dispatch table and the zone's filing status read."""
    reads = cached("dispatch-reads", zone.pk, year, month, version=reads_version(zone, year, month),
                   compute=lambda: _read(zone, year, month))
    uncounted = list(Actual.objects.filter(zone=zone, year=year, month=month).exclude(state__in=COUNTED)
                     .exclude(indicator__in=reads.not_filed).order_by().values_list(*FIGURE_FIELDS))
    return reads, uncounted


def _load(reads: MonthReads, uncounted: list) -> tuple[dict, dict]:
    cells: dict[tuple[int, int], _Cell] = {}
    for uid, iid, ytd, last, state, _reason in (*reads.counted, *uncounted):
        (ytd, bad_ytd), (last, bad_last) = _sane(ytd), _sane(last)
        cells[(uid, iid)] = _Cell(ytd, last, state, bad_ytd, bad_ytd or bad_last)
    # Last year's filings fill in a missing "same period last year".
    for uid, iid, ytd in reads.last_year:
        cell = cells.setdefault((uid, iid), _Cell())
        if cell.last is None:
            cell.last, bad = _sane(ytd)
            cell.flagged = cell.flagged or bad
    filed_before = reads.filed_before
    for key, (ytd, last) in reads.ledger.items():
        cells[key] = _Cell(ytd, filed_before.get(key, last), LEDGER)
    for key, last in filed_before.items():
        if key not in cells:
            cells[key] = _Cell(Decimal(0), last, LEDGER)
    targets = {(uid, iid): v for uid, iid, v in reads.targets}
    for key, value in targets.items():  # an impossible target is no target; its unit's row says so
        if not is_sane_amount(value):
            targets[key] = None
            cells.setdefault(key, _Cell()).flagged = True
    ledger = {i.pk for i in reads.indicators if i.is_ledger}
    for uid, iid in list(targets):  # a unit with a target and nothing in the ledger has signed none: 0
        if iid in ledger and uid is not None and (uid, iid) not in cells:
            cells[(uid, iid)] = _Cell(Decimal(0), None, LEDGER)
    return cells, targets


def _ratio(num: Decimal | None, den: Decimal | None) -> Decimal | None:
    if num is None or den in (None, 0):
        return None
    return num / den * 100


def _sum(values) -> Decimal | None:
    values = [v for v in values if v is not None]
    return sum(values, Decimal(0)) if values else None


@dataclass
class _Total:
    ytd: Decimal | None
    last: Decimal | None
    counted: set
    expected: set


def _totals(indicators, units, cells, expected) -> dict[int, _Total]:
    """Zone totals (stored units) over the counted figures; last year like for like over the same units."""
    unit_ids = [u.pk for u in units]
    out = {}
    for ind in indicators:
        if ind.rollup not in (Indicator.Rollup.SUM, Indicator.Rollup.LEDGER):
            continue
        iid = ind.pk
        counted = {u for u in unit_ids if (c := cells.get((u, iid))) is not None and c.counted}
        want = {u for u in unit_ids if iid in expected.get(u, ())}
        out[iid] = _Total(ytd=_sum(cells[(u, iid)].ytd for u in counted),
                          last=_sum(cells[(u, iid)].last for u in counted), counted=counted,
                          expected=want | counted)
    return out


def _zone_rows_meta(indicators, totals, targets, cells):
    """(indicator, ytd, target, last, reported, expected) per indicator for the zone row, display units."""
    out = []
    for ind in indicators:
        if ind.is_computed:
            num, den = totals.get(ind.numerator_id), totals.get(ind.denominator_id)
            if num is None or den is None:
                continue
            both = num.counted & den.counted  # a ratio compares like with like: both parts over the same units

            def part(iid, attr):
                return _sum(getattr(cells[(u, iid)], attr) for u in both)

            ytd = _ratio(part(ind.numerator_id, "ytd"), part(ind.denominator_id, "ytd"))
            last = _ratio(part(ind.numerator_id, "last"), part(ind.denominator_id, "last"))
            out.append((ind, ytd, None, last, len(both), len(num.expected | den.expected)))
            continue
        total = totals.get(ind.pk)
        if total is None:
            continue
        tgt = targets.get((None, ind.pk))
        if total.ytd is None and tgt is None and not total.expected:
            continue
        out.append((ind, ind.to_display(total.ytd), ind.to_display(tgt), ind.to_display(total.last),
                    len(total.counted), len(total.expected)))
    return out


def compute_rows(zone, year: int, month: int, inputs=None, units=None) -> list[DispatchRow]:
    """Every row of the zone (all units), as the system sees it; ``dispatch_table`` cuts it to a member's scope.
    ``inputs``: a function giving ``month_inputs(zone, year, month)``, when the caller shares them. ``units``: the
    ids of the only units whose rows are wanted, without zone rows (a member who sees a few units: after each draft
    save, a unit's member reads the table again). Rows of other units are still computed where they are ranked
    (counted, in a group): every other value of a row is its own, so those are all it needs."""
    reads, uncounted = inputs() if inputs is not None else month_inputs(zone, year, month)
    indicators, plans, expected = reads.indicators, reads.plans, reads.expected
    exceptions, warn = reads.exceptions, reads.warn
    cells, targets = _load(reads, uncounted)
    only = None if units is None else set(units)

    # meta: (unit or None, indicator, ytd, target, last, state, counted, reported, expected_n)
    meta = []
    append = meta.append
    with_ids = [(u, u.pk, bool(u.group)) for u in reads.units]  # ids read once: units × indicators pairs
    no_cell = _Cell()
    for ind in indicators:
        iid = ind.pk
        if ind.is_computed:
            num_id, den_id = ind.numerator_id, ind.denominator_id
            for u, uid, grouped in with_ids:
                num, den = cells.get((uid, num_id)), cells.get((uid, den_id))
                if num is None or den is None or num.ytd is None or den.ytd is None:
                    continue
                counted = num.counted and den.counted
                if only is not None and uid not in only and not (grouped and counted):
                    continue  # neither wanted nor ranked
                state = num.state if num.state == den.state else min(num.state, den.state, key=_state_order)
                append((u, ind, _ratio(num.ytd, den.ytd), None, _ratio(num.last, den.last), state, counted, None,
                        None))
            continue
        to_display = ind.to_display
        for u, uid, grouped in with_ids:
            key = (uid, iid)
            cell = cells.get(key)
            tgt = targets.get(key)
            if (cell is None or cell.ytd is None) and tgt is None and iid not in expected.get(uid, ()):
                continue
            cell = cell or no_cell
            counted = cell.counted
            if only is not None and uid not in only and not (grouped and counted):
                continue  # neither wanted nor ranked
            append((u, ind, to_display(cell.ytd), to_display(tgt), to_display(cell.last),
                    "" if cell.state == LEDGER else cell.state, counted, None, None))
    if only is None:
        totals = _totals(indicators, reads.units, cells, expected)
        for ind, ytd, tgt, last, reported, expected_n in _zone_rows_meta(indicators, totals, targets, cells):
            append((None, ind, ytd, tgt, last, "", True, reported, expected_n))

    n = len(meta)
    complete = np.array([m[7] is None or m[7] >= m[8] for m in meta], dtype=bool)
    target = np.array([_f(m[3]) for m in meta])
    target[~complete] = NAN  # a partial total is not measured against the full-year target
    progress: dict[int, float] = {}  # once per indicator, of those shown only (a plan is checked when used)

    def time_progress(ind) -> float:
        if ind.pk not in progress:
            progress[ind.pk] = eng.time_progress(month, plans.get(ind.pk))
        return progress[ind.pk]

    inp = eng.DispatchInput(
        actual=np.array([_f(m[2]) for m in meta]),
        target=target,
        last_year=np.array([_f(m[4]) for m in meta]),
        higher_is_better=np.array([m[1].higher_is_better for m in meta], dtype=bool),
        time_progress=np.array([time_progress(m[1]) for m in meta]) if n else np.zeros(0),
        segment=_segments(meta),
    )
    res = eng.dispatch(inp, warn)
    # Python values once (indexing numpy arrays element by element costs more than the whole computation); NaN is
    # the only float not equal to itself: None, as eng.to_plain and eng.rank_or_none say
    completions, gaps, yoys = res.completion.tolist(), res.pace_gap_pp.tolist(), res.yoy_growth.tolist()
    levels, ranks, progresses = res.warning.tolist(), res.rank.tolist(), inp.time_progress.tolist()
    # what a row says of its indicator, read once per indicator
    about = {ind.pk: dict(indicator=ind.name, indicator_code=ind.code, indicator_id=ind.pk, display_unit=ind.unit,
                          decimals=ind.decimals, computed=ind.is_computed, main=ind.is_main, source=ind.source)
             for ind in indicators}
    zone_code, zone_name = zone.code, zone.name
    rows = []
    for i, (u, ind, ytd, tgt, last, state, counted, reported, expected_n) in enumerate(meta):
        uid = u.pk if u is not None else None
        if only is not None and uid not in only:
            continue  # computed for its rank only
        comp, gap, yoy, rank = completions[i], gaps[i], yoys[i], ranks[i]
        comp, gap, yoy = (comp if comp == comp else None), (gap if gap == gap else None), \
            (yoy if yoy == yoy else None)
        level = str(levels[i])
        is_zone = u is None
        cell = cells.get((uid, ind.pk))
        abnormal = cell is not None and cell.flagged
        reason = _reason(level, gap, yoy, ind, ytd, state, is_zone, reported, expected_n)
        if abnormal:
            reason = ABNORMAL + ";" + reason
        rows.append(DispatchRow(
            zone=zone_code, unit=u.name if u else zone_name, unit_id=uid, group=u.group if u else "",
            is_zone=is_zone, **about[ind.pk], actual_ytd=ytd, target=tgt, last_year_ytd=last, completion=comp,
            time_progress=float(progresses[i]), pace_gap_pp=gap, yoy_growth=yoy,
            rank=int(rank) if rank == rank else None, warning=level, warning_reason=reason, state=state,
            counted_in_total=bool(counted) and not is_zone,
            not_reported=exceptions.get(uid, "") if u is not None and not counted else "",
            units_reported=reported, units_expected=expected_n,
            complete=None if not is_zone else bool(reported >= expected_n), abnormal=abnormal))
    return rows


def _f(d) -> float:
    return NAN if d is None else float(d)


_STATES = {"": 0, Actual.State.DRAFT: 1, Actual.State.RETURNED: 1, Actual.State.SUBMITTED: 2,
           Actual.State.APPROVED: 3}


def _state_order(state: str) -> int:
    return _STATES.get(state, 0)


def _segments(meta) -> np.ndarray:
    """Rows ranked together: counted unit figures of one indicator within one assessment group."""
    keys, rankable = [], []
    for u, ind, *_rest in meta:
        counted = _rest[4]
        ok = u is not None and bool(u.group) and counted
        rankable.append(ok)
        keys.append(f"{ind.pk}\x1f{u.group if u else ''}")
    if not meta:
        return np.zeros(0, dtype=np.int64)
    seg = np.unique(np.array(keys), return_inverse=True)[1].astype(np.int64)
    seg[~np.array(rankable, dtype=bool)] = -1
    return seg


ABNORMAL = "异常值:存储的数值超出允许范围,按未填报计,请办公室在填报页更正"


def _reason(level, gap, yoy, ind, ytd, state, is_zone, reported, expected_n) -> str:
    if ind.is_computed:
        return ""
    if not is_zone and ytd is None:
        return "未填报"
    text = eng.warning_reason(level, gap, yoy, ind.higher_is_better)
    if is_zone and reported is not None and reported < expected_n:
        lead = f"已报{reported}/{expected_n}个单位,合计不完整,完成进度待报齐后计算"
        return lead + (f";可比口径{text}" if yoy is not None else "")
    if not is_zone and state not in COUNTED and not ind.is_ledger:
        return ("草稿,尚未报送:" if state == Actual.State.DRAFT else "已退回,待重报:") + text
    return text


def version(zone, year: int, month: int) -> str:
    """Changes whenever anything the dispatch of this zone and month (or of an earlier month of the year) reads
    changes; a later month's filing leaves it, and the cockpit's cache of a locked month, alone."""
    return _version(zone, year, month,
                    Rows(Actual, zone=zone.pk, year=(year, year - 1), month=tuple(range(1, month + 1))))


def reads_version(zone, year: int, month: int) -> str:
    """``version`` but for the month's figures not counted yet (drafts, returned), which ``MonthReads`` leaves out:
    a figure counted or no longer counted changes the set of counted ones (its count, or its latest change)."""
    z = zone.pk
    return _version(zone, year, month,
                    Rows(Actual, zone=z, year=year, month=month, state=tuple(str(s) for s in COUNTED)),
                    Rows(Actual, zone=z, year=year, month=tuple(range(1, month))),
                    Rows(Actual, zone=z, year=year - 1, month=tuple(range(1, month + 1))))


def _version(zone, year: int, month: int, *figures: Rows) -> str:
    z = zone.pk
    period = Rows(FilingPeriod, zone=z, year=year, month=month)
    return table_version(
        *figures,
        Rows(Target, zone=z, year=year),
        Rows(Indicator, zone=z),
        Rows(Unit, zone=z),
        Rows(DispatchRule, zone=z),
        Rows(MonthlyPlan, zone=z, year=year),
        period,
        Rows(FilingException, zone=z, period=period),
        Rows(Project, zone=z),  # the ledger's counts (indicators.ledger)
        Rows(Capital, zone=z),
    )


def dispatch_table(*, member, zone, year: int, month: int, include_zone_row: bool | None = None,
                   data_version: str | None = None, inputs=None) -> list[DispatchRow]:
    """The dispatch table as ``member`` may see it.

    The whole zone is computed once per version of its data and kept in the shared cache; each member then gets
    the rows of their scope, ranked among all units of their group (not only the ones they see). Members who
    see the whole zone also get the zone's rows. ``data_version``: ``version(zone, year, month)`` when the caller
    has just read it; ``inputs``: see ``compute_rows``.
    """
    if include_zone_row is None:
        include_zone_row = member.scope in (member.Scope.ZONE, member.Scope.ALL)
    if not Indicator.objects.restrict(member).filter(zone=zone).exists():
        return []
    data_version = data_version or version(zone, year, month)
    if member.scope in (member.Scope.ALL, member.Scope.ZONE):
        visible = None
    else:
        visible = sorted(Unit.objects.restrict(member).filter(zone=zone).order_by().values_list("pk", flat=True))
        if not include_zone_row:
            # Only the member's units: computed for them alone (and kept by their ids), not the whole zone after
            # every draft save; the same rows as the whole zone's cut to them (tests/test_dispatch_units.py).
            ids = hashlib.sha1(",".join(map(str, visible)).encode()).hexdigest()[:20]
            return cached("dispatch-units", zone.pk, year, month, ids, version=data_version,
                          compute=lambda: compute_rows(zone, year, month, inputs, units=visible))
        visible = set(visible)
    rows = cached("dispatch", zone.pk, year, month, version=data_version,
                  compute=lambda: compute_rows(zone, year, month, inputs))
    return [r for r in rows if (r.is_zone and include_zone_row) or
            (not r.is_zone and (visible is None or r.unit_id in visible))]


def zone_row(rows: list[DispatchRow], code: str) -> DispatchRow | None:
    return next((r for r in rows if r.is_zone and r.indicator_code == code), None)


def unit_rows(rows: list[DispatchRow], unit_id: int) -> list[DispatchRow]:
    return [r for r in rows if r.unit_id == unit_id]
