"""Dispatch (调度): completion, time progress, pace gap, year on year, ranks and warnings.

Pure and vectorised: callers pass arrays of year-to-date values (NaN where missing) for one period and
get arrays back; ``warning_reason`` puts a row's warning in words. Ratios are fractions
(0.367 for 36.7%); pace gaps are percentage points (5.0 for 超序时进度5个百分点).

    completion     = actual ytd ÷ annual target
    time progress  = month ÷ 12, or the cumulative share of a monthly plan
    pace gap (pp)  = (completion − time progress) × 100
    yoy growth     = actual ytd ÷ last year's ytd − 1
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from tuijin.engine.numbers import format_fixed
from tuijin.engine.ranking import segment_ranks

GREEN, YELLOW, RED, NONE = "green", "yellow", "red", "none"


@dataclass(frozen=True)
class WarningRule:
    """Zone-set thresholds: behind time progress by more than ``red_gap_pp`` points is red,
    behind at all (or within ``yellow_gap_pp`` of it) is yellow; a yoy fall beyond ``red_yoy_drop`` is red
    where there is no target."""

    red_gap_pp: float = 10.0
    yellow_gap_pp: float = 0.0
    red_yoy_drop: float = 0.10


def time_progress(month: int, plan: Sequence[float] | None = None) -> float:
    """Share of the year that should be done by the end of ``month``: month/12 unless a monthly plan says."""
    if not 1 <= month <= 12:
        raise ValueError(f"月份应在1—12之间,而不是{month}")
    if plan is not None:
        if len(plan) != 12:
            raise ValueError("月度计划应有12个月的累计占比")
        return float(plan[month - 1])
    return month / 12


def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.full(np.broadcast(a, b).shape, np.nan)
    ok = ~np.isnan(a) & ~np.isnan(b) & (b != 0)
    np.divide(a, b, out=out, where=ok)
    return out


def completion(actual: np.ndarray, target: np.ndarray) -> np.ndarray:
    """actual ÷ target; NaN where there is no (positive) target."""
    target = np.where(target > 0, target, np.nan)
    return _div(actual, target)


def yoy_growth(actual: np.ndarray, last_year: np.ndarray) -> np.ndarray:
    """actual ÷ last year − 1; NaN where last year is missing or zero."""
    return _div(actual, last_year) - 1.0


def pace_gap_pp(comp: np.ndarray, tp: np.ndarray | float) -> np.ndarray:
    return (comp - tp) * 100.0


def warning_levels(comp, gap_pp, yoy, higher_is_better, rule: WarningRule) -> np.ndarray:
    """Warning per row: red/yellow/green from the pace gap, or from yoy where there is no target."""
    sign = np.where(higher_is_better, 1.0, -1.0)
    gap = gap_pp * sign
    growth = yoy * sign
    level = np.full(comp.shape, NONE, dtype=object)
    has_target = ~np.isnan(comp)
    level[has_target] = GREEN
    level[has_target & (gap < rule.yellow_gap_pp)] = YELLOW
    level[has_target & (gap < -rule.red_gap_pp)] = RED
    no_target = ~has_target & ~np.isnan(growth)
    level[no_target] = GREEN
    level[no_target & (growth < 0)] = YELLOW
    level[no_target & (growth < -rule.red_yoy_drop)] = RED
    return level


def warning_reason(level: str, gap_pp: float | None, yoy: float | None, higher_is_better: bool = True) -> str:
    """The warning in words, as the dispatch meeting says it."""
    parts = []
    if gap_pp is not None and not np.isnan(gap_pp):
        word = "超" if gap_pp >= 0 else "低于"
        parts.append(f"{word}序时进度{format_fixed(abs(gap_pp), 1)}个百分点")
    if yoy is not None and not np.isnan(yoy):
        word = "增长" if yoy >= 0 else "下降"
        parts.append(f"同比{word}{format_fixed(abs(yoy) * 100, 1)}%")
    if not parts:
        return "无目标、无上年同期数据,无法判断"
    prefix = {RED: "红色预警:", YELLOW: "黄色提醒:", GREEN: "", NONE: ""}[level]
    return prefix + ",".join(parts)


@dataclass
class DispatchInput:
    """One period: ``n`` rows, each a (unit, indicator) pair — of one zone or of many (a province)."""

    actual: np.ndarray  # ytd in display units, NaN where not filed
    target: np.ndarray  # annual target, NaN where none
    last_year: np.ndarray  # last year's same-period ytd, NaN where none
    higher_is_better: np.ndarray  # bool per row
    time_progress: np.ndarray  # per row (a monthly plan may differ by indicator)
    segment: np.ndarray = field(default=None)  # int per row: rows ranked together share it; -1 = not ranked


@dataclass
class DispatchResult:
    completion: np.ndarray
    pace_gap_pp: np.ndarray
    yoy_growth: np.ndarray
    rank: np.ndarray  # float, NaN = no rank
    warning: np.ndarray


def segments_of(*keys: Sequence) -> np.ndarray:
    """Integer ids for rows that share the same key tuple (e.g. indicator, group)."""
    if not keys or len(keys[0]) == 0:
        return np.zeros(0, dtype=np.int64)
    joined = np.array(["\x1f".join(map(str, k)) for k in zip(*keys)])
    return np.unique(joined, return_inverse=True)[1].astype(np.int64)


def dispatch(inp: DispatchInput, rule: WarningRule = WarningRule()) -> DispatchResult:
    comp = completion(inp.actual, inp.target)
    gap = pace_gap_pp(comp, inp.time_progress)
    yoy = yoy_growth(inp.actual, inp.last_year)
    level = warning_levels(comp, gap, yoy, inp.higher_is_better, rule)
    segment = inp.segment if inp.segment is not None else np.zeros(len(comp), dtype=np.int64)
    rank = group_ranks(segment, comp, yoy, inp.higher_is_better)
    return DispatchResult(completion=comp, pace_gap_pp=gap, yoy_growth=yoy, rank=rank, warning=level)


def group_ranks(segment: np.ndarray, comp: np.ndarray, yoy: np.ndarray, higher_is_better: np.ndarray) -> np.ndarray:
    """Ranks within each segment (an indicator within an assessment group), the one definition every table uses.

    A segment where any row has a completion ranks by completion (rows without a target take no place);
    a segment where no row has a target ranks by year-on-year growth. Segment −1 is never ranked.
    """
    segment = np.asarray(segment, dtype=np.int64)
    ranked = segment >= 0
    ranks = np.full(len(segment), np.nan)
    if not ranked.any():
        return ranks
    seg = segment[ranked]
    has_comp = np.zeros(seg.max() + 1, dtype=bool)
    np.logical_or.at(has_comp, seg, ~np.isnan(comp[ranked]))
    key = np.where(has_comp[seg], comp[ranked], yoy[ranked])
    ranks[ranked] = segment_ranks(seg, key, higher_is_better=np.asarray(higher_is_better)[ranked])
    return ranks


def rank_or_none(value: float) -> int | None:
    return None if value is None or np.isnan(value) else int(value)


# ---------------------------------------------------------------------------------------------- stage goals

def double_half(completion_june: float | None, month: int) -> bool | None:
    """双过半: at mid-year both time (6/12) and task (completion ≥ 50%) are past half. None before June."""
    if month < 6 or completion_june is None or np.isnan(completion_june):
        return None
    return completion_june >= 0.5


def stage_goals(completion_by_month: dict[int, float], plan: Sequence[float] | None = None) -> dict[str, bool | None]:
    """开门红 (Q1 on pace), 季季红 (every quarter end on pace), 全年红 (target met at December).

    ``completion_by_month`` maps month → completion at that month's end. A goal whose months have not
    come yet is None.
    """
    def on_pace(m: int) -> bool | None:
        c = completion_by_month.get(m)
        if c is None or np.isnan(c):
            return None
        return c >= time_progress(m, plan) - 1e-12

    q = [on_pace(m) for m in (3, 6, 9, 12)]
    known = [x for x in q if x is not None]
    every_quarter = None if len(known) < 4 else all(known)
    if known and not all(known):
        every_quarter = False
    full_year = completion_by_month.get(12)
    return {
        "strong_start": q[0],
        "every_quarter": every_quarter,
        "full_year": None if full_year is None or np.isnan(full_year) else full_year >= 1.0,
    }


def to_plain(value: float | np.floating | None) -> float | None:
    """NaN → None for JSON and templates."""
    if value is None:
        return None
    v = float(value)
    return None if np.isnan(v) else v
