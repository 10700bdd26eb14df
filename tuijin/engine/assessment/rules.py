"""Scoring rules: each turns one indicator's raw values (all units of a group at once) into scores, and says why.

``x`` holds the raw values (NaN = missing); ``d`` is the direction (+1 higher is better, −1 lower is better).
The composite-index normalisations follow COINr exactly (direction applied first: x' = d·x); statistics
(min, max, mean, sd, ranks, the best unit) are taken over the non-missing values.

``score`` returns the scores and a small context (the statistics used) from which ``explain`` writes the
reason for one unit without recomputing anything. Each rule type is one entry of ``RULE_TYPES``: its parameters
(checked by scheme.py), its scoring and its explanation, side by side.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tuijin.engine.numbers import format_fixed
from tuijin.engine.ranking import competition_rank

if TYPE_CHECKING:  # the scheme module reads the registry below
    from tuijin.engine.assessment.scheme import Node


class BadValue(ValueError):
    """A value a rule cannot score (e.g. a target of 0); ``i`` is the unit's index within the group."""

    def __init__(self, i: int, message: str):
        super().__init__(message)
        self.i = i
        self.message = message


def _present(v: np.ndarray) -> np.ndarray:
    return v[~np.isnan(v)]


def _keep_missing(x: np.ndarray, y) -> np.ndarray:
    return np.where(np.isnan(x), np.nan, y)


# --- the composite-index normalisations (COINr's n_minmax, n_zscore, n_rank, n_dist2targ) ---

def minmax(xp: np.ndarray, low: float = 0.0, high: float = 100.0) -> np.ndarray:
    """(x' − min)/(max − min)·(high − low) + low; all units equal → ``high`` (nobody is worse than another)."""
    v = _present(xp)
    if v.size == 0:
        return np.full_like(xp, np.nan)
    lo, hi = v.min(), v.max()
    if hi == lo:
        return _keep_missing(xp, high)
    return (xp - lo) / (hi - lo) * (high - low) + low


def zscore(xp: np.ndarray, mean: float = 0.0, sd: float = 1.0) -> np.ndarray:
    """(x' − mean)/sd·sd_new + mean_new with the sample sd (n − 1); fewer than 2 values or sd 0 → the mean."""
    v = _present(xp)
    s = v.std(ddof=1) if v.size >= 2 else 0.0
    if s == 0:
        return _keep_missing(xp, mean)
    return (xp - v.mean()) / s * sd + mean


def rank_ascending(xp: np.ndarray) -> np.ndarray:
    """Rank among non-missing values, worst 1, ties get the smallest rank (R's ties.method = "min")."""
    out = np.full_like(xp, np.nan)
    ok = ~np.isnan(xp)
    v = np.sort(xp[ok])
    out[ok] = np.searchsorted(v, xp[ok], side="left") + 1
    return out


def dist2targ(xp: np.ndarray, target_p: float, cap: bool = False) -> np.ndarray:
    """(x' − min x')/(t' − min x'), t' = d·target; capped at 1 if asked."""
    v = _present(xp)
    if v.size == 0:
        return np.full_like(xp, np.nan)
    lo = v.min()
    if target_p == lo:
        return _keep_missing(xp, 1.0)
    y = (xp - lo) / (target_p - lo)
    return np.minimum(y, 1.0) if cap else y


# --- points rules of zones' assessment regulations ---

def _target(spec, columns: dict[str, np.ndarray], n: int) -> np.ndarray:
    if isinstance(spec, str):
        return columns[spec].astype(float)
    return np.full(n, float(spec))


def completion(x, target, d, *, points, per_pp=1.0, bonus_per_pp=0.0, floor=0.0, cap=None, mode="linear"):
    """Target completion: pct = x ÷ target (target ÷ x when lower is better).

    linear: points − per_pp·(percentage points short) + bonus_per_pp·(percentage points over), within
    [floor, cap] (cap defaults to the full marks); all_or_nothing: full marks at 100 %, else ``floor``.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = x / target if d == 1 else target / x
    if mode == "all_or_nothing":
        return _keep_missing(pct, np.where(pct >= 1 - 1e-12, points, floor)), pct
    short = np.maximum(0.0, (1 - pct) * 100)
    over = np.maximum(0.0, (pct - 1) * 100)
    y = points - per_pp * short + bonus_per_pp * over
    return np.clip(y, floor, points if cap is None else cap), pct


def efficacy(xp, floor_p, top_p, *, clamp_low=True, cap_high=True):
    """功效系数法: 60 + 40·(x' − floor)/(top − floor); below 60 only if ``clamp_low`` is false."""
    if top_p == floor_p:
        return _keep_missing(xp, 100.0)
    y = 60 + 40 * (xp - floor_p) / (top_p - floor_p)
    if clamp_low:
        y = np.maximum(y, 60)
    if cap_high:
        y = np.minimum(y, 100)
    return y


def ratio_to_best(x, d, points):
    """x ÷ best × points (best ÷ x when lower is better); needs positive values."""
    v = _present(x)
    if v.size == 0:
        return np.full_like(x, np.nan), np.nan
    best = v.max() if d == 1 else v.min()
    with np.errstate(divide="ignore", invalid="ignore"):
        return (x / best if d == 1 else best / x) * points, best


def improvement(x, last, d, *, points, base_share=0.8, step=0.05, step_points=1.0, cap=None, whole_steps=False):
    """Last year's level earns base_share·points; each ``step`` of growth above it adds ``step_points`` (by whole
    steps if asked), the addition capped at ``cap`` (default: up to full marks); below last year the base shrinks
    in proportion (base·x ÷ last)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = x / last - 1 if d == 1 else last / x - 1
    base = points * base_share
    steps = np.maximum(growth, 0) / step
    if whole_steps:
        steps = np.floor(steps + 1e-9)
    up = np.minimum(points - base if cap is None else cap, step_points * steps)
    return np.where(growth >= 0, base + up, np.maximum(0, base * (1 + growth))), growth


def rank_points(x, d, points, per_place=0.05):
    """points·(1 − per_place·(rank − 1)), never below 0; ranks 1 = best, ties share the smaller rank."""
    ranks = np.array([np.nan if r is None else r for r in competition_rank(x, higher_is_better=d == 1)], dtype=float)
    return np.maximum(0, points * (1 - per_place * (ranks - 1))), ranks


def steps_points(x, d, steps, below=0.0):
    """The points of the best threshold reached (x ≥ threshold, or x ≤ threshold when lower is better)."""
    ordered = sorted(steps, key=lambda s: d * s[0])  # worst threshold first, so better ones overwrite
    y = np.full_like(x, below)
    reached = np.full(x.shape, np.nan)
    for threshold, pts in ordered:
        hit = d * x >= d * threshold
        y = np.where(hit, pts, y)
        reached = np.where(hit, threshold, reached)
    return _keep_missing(x, y), reached


# --- the registry: one entry per rule type, holding its parameters, its scoring and its explanation ---

@dataclass(frozen=True)
class Scoring:
    """What a rule scores from: the indicator, the raw values ``x`` (NaN = missing), x' = d·x and its non-missing
    values, the full marks, the rule's parameters and the data's other columns. ``ctx`` collects the statistics
    the explanation quotes."""
    node: Node
    x: np.ndarray
    xp: np.ndarray
    v: np.ndarray
    d: int
    points: float
    r: dict
    columns: dict
    ctx: dict


@dataclass(frozen=True)
class Explaining:
    """One unit's explanation: index ``i`` in its group, raw ``x``, score ``y``, the rule's context, ``f`` the
    half-up number format of the scheme, ``v`` the raw value as text."""
    node: Node
    x: float
    y: float
    ctx: dict
    i: int
    r: dict
    d: int
    v: str
    f: Callable[[float], str]


@dataclass(frozen=True)
class RuleType:
    code: str
    label: str  # the Chinese name, for messages and the scheme form
    # parameter name → kind ("number", "bool", "target" = number or column, "column", "steps", "mode")
    params: dict[str, str]
    score: Callable[[Scoring], np.ndarray]
    explain: Callable[[Explaining], str]
    required: tuple[str, ...] = ()


RULE_TYPES: dict[str, RuleType] = {}

# The Chinese name of every rule parameter, for the scheme form and its messages (a clerk never reads a key).
PARAM_LABELS: dict[str, str] = {
    "target": "目标值", "points": "满分", "per_pp": "每差1个百分点扣分", "bonus_per_pp": "每超1个百分点加分",
    "floor": "最低分或不允许值", "cap": "封顶分", "top": "满意值", "low": "下限", "high": "上限", "mean": "平均值",
    "sd": "标准差", "clamp_low": "低于不允许值按60分", "cap_high": "高于满意值按100分", "last_year": "上年值",
    "base_share": "上年水平得分比例", "step": "每档增幅", "step_points": "每档加分", "per_place": "每名次扣减比例",
    "steps": "阶梯", "below": "未达最低档得分", "mode": "计分方式", "whole_steps": "只计整档",
}


def _rule(code: str, label: str, params: dict[str, str], explain: Callable[[Explaining], str],
          required: tuple[str, ...] = ()):
    def register(score: Callable[[Scoring], np.ndarray]):
        RULE_TYPES[code] = RuleType(code, label, params, score, explain, required)
        return score
    return register


def _name(node: Node) -> str:
    return node.name or node.code


@_rule("minmax", "极差法", {"low": "number", "high": "number"},
       lambda e: f"原始值{e.v},本组最差{_g(e.ctx['lo'])}、最好{_g(e.ctx['hi'])},按极差法折算为{e.f(e.y)}分")
def _score_minmax(s: Scoring) -> np.ndarray:
    s.ctx.update(lo=s.d * s.v.min() if s.v.size else np.nan, hi=s.d * s.v.max() if s.v.size else np.nan)
    return minmax(s.xp, s.r.get("low", 0.0), s.r.get("high", 100.0))


@_rule("zscore", "标准化(Z分数)", {"mean": "number", "sd": "number"},
       lambda e: f"原始值{e.v},本组平均{_g(e.ctx['mean'])}、标准差{_g(e.ctx['sd'])},标准化得分{format_fixed(e.y, 4)}")
def _score_zscore(s: Scoring) -> np.ndarray:
    s.ctx.update(mean=s.d * s.v.mean() if s.v.size else np.nan, sd=s.v.std(ddof=1) if s.v.size >= 2 else np.nan)
    return zscore(s.xp, s.r.get("mean", 0.0), s.r.get("sd", 1.0))


@_rule("rank", "排序法", {},
       lambda e: f"原始值{e.v},在{e.ctx['n']}个有数据的单位中由差到好排第{int(e.y)}位,得{int(e.y)}分")
def _score_rank(s: Scoring) -> np.ndarray:
    return rank_ascending(s.xp)


@_rule("dist2targ", "距目标法", {"target": "number", "cap": "bool"},
       lambda e: f"原始值{e.v},目标{_g(e.r['target'])},本组最差{_g(e.ctx['worst'])},距目标得分{format_fixed(e.y, 4)}",
       required=("target",))
def _score_dist2targ(s: Scoring) -> np.ndarray:
    s.ctx.update(worst=s.d * s.v.min() if s.v.size else np.nan)
    return dist2targ(s.xp, s.d * s.r["target"], s.r.get("cap", False))


@_rule("efficacy", "功效系数法",
       {"floor": "number", "top": "number", "clamp_low": "bool", "cap_high": "bool", "points": "number"},
       lambda e: f"原始值{e.v},不允许值{_g(e.ctx['floor'])}、满意值{_g(e.ctx['top'])},按功效系数法得{e.f(e.y)}分")
def _score_efficacy(s: Scoring) -> np.ndarray:
    d, r, v = s.d, s.r, s.v
    floor = d * r["floor"] if "floor" in r else (v.min() if v.size else np.nan)
    top = d * r["top"] if "top" in r else (v.max() if v.size else np.nan)
    s.ctx.update(floor=d * floor, top=d * top)
    y = efficacy(s.xp, floor, top, clamp_low=r.get("clamp_low", True), cap_high=r.get("cap_high", True))
    if s.node.points is not None or "points" in r:  # the 60–100 scale as a share of the item's full marks
        y = y * s.points / 100
    return y


def _explain_completion(e: Explaining) -> str:
    pct, points, f, y = e.ctx["pct"][e.i], e.ctx["points"], e.f, e.y
    p = format_fixed(pct * 100, 1)
    if e.r.get("mode") == "all_or_nothing":
        return f"完成目标的{p}%,得满分{f(y)}分" if pct >= 1 - 1e-12 else f"完成目标的{p}%,未完成目标,得{f(y)}分"
    if pct < 1:
        text = f"完成目标的{p}%,低于100%,扣{f(points - y)}分"
        return text + (",已扣至最低分" if y <= e.r.get("floor", 0.0) and points - y > 0 else "")
    if y > points:
        return f"完成目标的{p}%,超额加{f(y - points)}分,得{f(y)}分"
    return f"完成目标的{p}%,得满分{f(y)}分"


@_rule("completion", "目标完成率",
       {"target": "target", "points": "number", "per_pp": "number", "bonus_per_pp": "number", "floor": "number",
        "cap": "number", "mode": "mode"}, _explain_completion, required=("target",))
def _score_completion(s: Scoring) -> np.ndarray:
    x, d, r = s.x, s.d, s.r
    target = _target(r["target"], s.columns, len(x))
    bad = np.flatnonzero(~np.isnan(x) & ~(target > 0))
    if bad.size:
        i = int(bad[0])
        raise BadValue(i, f"指标「{_name(s.node)}」的目标值为{_g(target[i])},无法计算完成率(目标值须大于0)")
    if d == -1 and (np.nan_to_num(x, nan=1.0) <= 0).any():
        i = int(np.flatnonzero(np.nan_to_num(x, nan=1.0) <= 0)[0])
        raise BadValue(i, f"指标「{_name(s.node)}」越小越好,实际值{_g(x[i])}须大于0才能计算完成率")
    y, pct = completion(x, target, d, points=s.points, per_pp=r.get("per_pp", 1.0),
                        bonus_per_pp=r.get("bonus_per_pp", 0.0), floor=r.get("floor", 0.0), cap=r.get("cap"),
                        mode=r.get("mode", "linear"))
    s.ctx.update(pct=pct, target=target, points=s.points)
    return y


def _explain_ratio_to_best(e: Explaining) -> str:
    best = e.ctx["best"]
    share = format_fixed((e.x / best if e.d == 1 else best / e.x) * 100 if best else 100, 1)
    return f"原始值{e.v},最优单位{_g(best)},相当于最优的{share}%,得{e.f(e.y)}分"


@_rule("ratio_to_best", "与最优值比", {"points": "number"}, _explain_ratio_to_best)
def _score_ratio_to_best(s: Scoring) -> np.ndarray:
    x, d = s.x, s.d
    bad = (np.nan_to_num(x, nan=1.0) <= 0) if d == -1 else (np.nan_to_num(x, nan=0.0) < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise BadValue(i, f"指标「{_name(s.node)}」与最优单位相比计分,实际值{_g(x[i])}须{'大于0' if d == -1 else '不小于0'}")
    y, best = ratio_to_best(x, d, s.points)
    if d == 1 and best == 0:
        y = _keep_missing(x, s.points)  # everyone at 0: all equally best
    s.ctx.update(best=best, points=s.points)
    return y


def _explain_improvement(e: Explaining) -> str:
    g = e.ctx["growth"][e.i]
    if e.d == -1:
        change = f"改善{format_fixed(g * 100, 1)}%" if g >= 0 else f"退步{format_fixed(-g * 100, 1)}%"
    else:
        change = f"增长{format_fixed(g * 100, 1)}%" if g >= 0 else f"下降{format_fixed(-g * 100, 1)}%"
    return f"本年{e.v},上年{_g(e.ctx['last'][e.i])},{change},得{e.f(e.y)}分"


@_rule("improvement", "比上年提升",
       {"last_year": "column", "points": "number", "base_share": "number", "step": "number",
        "step_points": "number", "cap": "number", "whole_steps": "bool"}, _explain_improvement,
       required=("last_year",))
def _score_improvement(s: Scoring) -> np.ndarray:
    x, r = s.x, s.r
    last = s.columns[r["last_year"]].astype(float)
    bad = np.flatnonzero(~np.isnan(x) & ~(last > 0))
    if bad.size:
        i = int(bad[0])
        raise BadValue(i, f"指标「{_name(s.node)}」的上年值({r['last_year']})为{_g(last[i])},无法计算增幅(须大于0)")
    y, growth = improvement(x, last, s.d, points=s.points, base_share=r.get("base_share", 0.8),
                            step=r.get("step", 0.05), step_points=r.get("step_points", 1.0), cap=r.get("cap"),
                            whole_steps=r.get("whole_steps", False))
    s.ctx.update(last=last, growth=growth, points=s.points)
    return _keep_missing(x, y)


@_rule("rank_points", "按名次计分", {"points": "number", "per_place": "number"},
       lambda e: (f"原始值{e.v},排第{int(e.ctx['ranks'][e.i])}名,每后退一名扣满分的"
                  f"{format_fixed(e.ctx['per_place'] * 100, 1)}%,得{e.f(e.y)}分"))
def _score_rank_points(s: Scoring) -> np.ndarray:
    y, ranks = rank_points(s.x, s.d, s.points, s.r.get("per_place", 0.05))
    s.ctx.update(ranks=ranks, per_place=s.r.get("per_place", 0.05), points=s.points)
    return y


def _explain_steps(e: Explaining) -> str:
    reached = e.ctx["reached"][e.i]
    if np.isnan(reached):
        return f"原始值{e.v},未达到最低档{_g(e.ctx['worst'])},得{e.f(e.y)}分"
    return f"原始值{e.v},达到{_g(reached)}档,得{e.f(e.y)}分"


@_rule("steps", "分档计分", {"steps": "steps", "below": "number"}, _explain_steps, required=("steps",))
def _score_steps(s: Scoring) -> np.ndarray:
    y, reached = steps_points(s.x, s.d, s.r["steps"], s.r.get("below", 0.0))
    s.ctx.update(reached=reached, worst=min(s.r["steps"], key=lambda st: s.d * st[0])[0])
    return y


@_rule("yesno", "是否达成", {"points": "number"},
       lambda e: f"是,得{e.f(e.y)}分" if e.x > 0 else "否,不得分")
def _score_yesno(s: Scoring) -> np.ndarray:
    return _keep_missing(s.x, np.where(s.x > 0, s.points, 0.0))


@_rule("value", "直接计分", {}, lambda e: f"直接计分,得{e.f(e.y)}分")
def _score_value(s: Scoring) -> np.ndarray:
    return s.x.astype(float)  # points filed directly


def score(node: Node, x: np.ndarray, columns: dict[str, np.ndarray]) -> tuple[np.ndarray, dict]:
    """Scores of one indicator for every unit of a group (NaN where the input is missing) and the context."""
    r = node.rule
    d = node.direction
    xp = d * x
    v = _present(xp)
    ctx: dict = {"n": int(v.size)}
    y = RULE_TYPES[r["type"]].score(Scoring(node, x, xp, v, d, node.full_marks, r, columns, ctx))
    return y, ctx


def _g(value: float) -> str:
    return "空" if value != value else f"{value:g}"  # value != value: NaN, without NumPy's per-call cost


def explain(node: Node, x: float, y: float, ctx: dict, i: int, decimals: int = 2) -> str:
    """Why one unit (index ``i`` in its group) got ``y`` on this indicator, e.g. "完成目标的92.3%,低于100%,扣0.77分"."""
    if x != x:
        return "无数据"
    if y != y:
        return "无法计分"
    r = node.rule
    return RULE_TYPES[r["type"]].explain(Explaining(node, x, y, ctx, i, r, node.direction, _g(x),
                                                    lambda value: format_fixed(value, decimals)))
