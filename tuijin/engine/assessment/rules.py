"""Scoring rules: each turns one indicator's raw values (all units at once) into scores, and says why.

``x`` holds the raw values (NaN = missing); ``d`` is the direction (+1 higher is better, −1 lower is better).
The composite-index normalisations follow COINr exactly (direction applied first: x' = d·x).
"""
from __future__ import annotations

import numpy as np

from tuijin.engine.assessment.scheme import Node, SchemeError


def _stats_ok(xp: np.ndarray) -> np.ndarray:
    return xp[~np.isnan(xp)]


def minmax(xp, low=0.0, high=100.0):
    v = _stats_ok(xp)
    if v.size == 0:
        return np.full_like(xp, np.nan)
    lo, hi = v.min(), v.max()
    if hi == lo:
        return np.where(np.isnan(xp), np.nan, high)
    return (xp - lo) / (hi - lo) * (high - low) + low


def zscore(xp, mean=0.0, sd=1.0):
    v = _stats_ok(xp)
    if v.size < 2:
        return np.where(np.isnan(xp), np.nan, mean)
    s = v.std(ddof=1)
    if s == 0:
        return np.where(np.isnan(xp), np.nan, mean)
    return (xp - v.mean()) / s * sd + mean


def rank_ascending(xp):
    """Rank among non-missing values, ties get the smallest rank (R's ties.method = "min")."""
    out = np.full_like(xp, np.nan)
    ok = ~np.isnan(xp)
    v = np.sort(xp[ok])
    out[ok] = np.searchsorted(v, xp[ok], side="left") + 1
    return out


def dist2targ(xp, target_p, cap=False):
    v = _stats_ok(xp)
    if v.size == 0:
        return np.full_like(xp, np.nan)
    lo = v.min()
    y = (xp - lo) / (target_p - lo)
    return np.minimum(y, 1.0) if cap else y


def score(node: Node, x: np.ndarray, columns: dict[str, np.ndarray]) -> np.ndarray:
    """Scores of one indicator for every unit; NaN where the input is missing."""
    r = node.rule
    t = r["type"]
    d = node.direction
    xp = d * x
    points = float(node.points if node.points is not None else r.get("points", 100))
    if t == "minmax":
        return minmax(xp, float(r.get("low", 0)), float(r.get("high", 100)))
    if t == "zscore":
        return zscore(xp, float(r.get("mean", 0)), float(r.get("sd", 1)))
    if t == "rank":
        return rank_ascending(xp)
    if t == "dist2targ":
        return dist2targ(xp, d * float(r["target"]), bool(r.get("cap", False)))
    if t == "efficacy":
        v = _stats_ok(xp)
        floor = d * float(r["floor"]) if r.get("floor") is not None else (v.min() if v.size else np.nan)
        top = d * float(r["top"]) if r.get("top") is not None else (v.max() if v.size else np.nan)
        if top == floor:
            return np.where(np.isnan(xp), np.nan, 100.0)
        y = 60 + 40 * (xp - floor) / (top - floor)
        if r.get("clamp_low", True):
            y = np.maximum(y, 60)
        if r.get("cap_high", True):
            y = np.minimum(y, 100)
        return y
    if t == "completion":
        target = _column_or_value(r["target"], columns, node)
        pct = x / target if d == 1 else target / x
        if r.get("mode") == "all_or_nothing":
            return np.where(np.isnan(pct), np.nan, np.where(pct >= 1 - 1e-12, points, float(r.get("floor", 0))))
        per_pp = float(r.get("per_pp", 1))
        short = np.maximum(0, (1 - pct) * 100)
        extra = np.maximum(0, (pct - 1) * 100) * float(r.get("bonus_per_pp", 0))
        y = points - per_pp * short + extra
        return np.clip(y, float(r.get("floor", 0)), float(r.get("cap", points)))
    if t == "ratio_to_best":
        v = _stats_ok(x)
        if v.size == 0:
            return np.full_like(x, np.nan)
        best = v.max() if d == 1 else v.min()
        return (x / best if d == 1 else best / x) * points
    if t == "improvement":
        last = columns.get(r["last_year"])
        if last is None:
            raise SchemeError(f"指标「{node.code}」需要上年值列「{r['last_year']}」,数据中没有")
        growth = x / last - 1 if d == 1 else last / x - 1
        base = points * float(r.get("base_share", 0.8))
        up = np.minimum(float(r.get("cap", points - base)),
                        float(r.get("step_points", 1)) * np.maximum(growth, 0) / float(r.get("step", 0.05)))
        return np.where(growth >= 0, base + up, np.maximum(0, base * (1 + growth)))
    if t == "rank_points":
        from tuijin.engine.ranking import competition_rank

        ranks = np.array([np.nan if r_ is None else r_ for r_ in competition_rank(
            [None if np.isnan(v) else v for v in x], higher_is_better=d == 1)], dtype=float)
        return np.maximum(0, points * (1 - float(r.get("per_place", 0.05)) * (ranks - 1)))
    if t == "steps":
        steps = sorted(((float(a), float(b)) for a, b in r["steps"]), key=lambda s: -d * s[0])
        y = np.full_like(x, float(r.get("below", 0)))
        for threshold, pts in reversed(steps):
            y = np.where(xp >= d * threshold, pts, y)
        return np.where(np.isnan(x), np.nan, y)
    if t == "yesno":
        return np.where(np.isnan(x), np.nan, np.where(x > 0, points, 0.0))
    if t == "value":
        return x.astype(float)
    raise SchemeError(f"指标「{node.code}」的规则「{t}」不支持")


def _column_or_value(spec, columns, node: Node) -> np.ndarray | float:
    if isinstance(spec, (int, float)):
        if spec <= 0:
            raise SchemeError(f"指标「{node.code}」的目标值必须大于0")
        return float(spec)
    col = columns.get(str(spec))
    if col is None:
        raise SchemeError(f"指标「{node.code}」的目标列「{spec}」在数据中不存在")
    return col


def explain(node: Node, x: float, y: float, columns: dict[str, np.ndarray], i: int) -> str:
    """Why one unit got ``y`` on this indicator, in words (e.g. "完成目标的92.3%,低于100%,扣7.7分")."""
    r = node.rule
    t = r["type"]
    if np.isnan(x):
        return "无数据"
    v = f"{x:g}"
    if t == "completion":
        target = r["target"]
        tv = float(target) if isinstance(target, (int, float)) else float(columns[str(target)][i])
        pct = x / tv if node.direction == 1 else tv / x
        points = float(node.points if node.points is not None else r.get("points", 100))
        if pct >= 1:
            return f"完成目标的{pct * 100:.1f}%,得满分{y:g}分" if abs(y - points) < 1e-9 else \
                f"完成目标的{pct * 100:.1f}%,得{y:.2f}分"
        return f"完成目标的{pct * 100:.1f}%,低于100%,扣{points - y:.2f}分"
    if t in ("minmax", "efficacy"):
        return f"原始值{v},按{'极差法' if t == 'minmax' else '功效系数法'}折算为{y:.2f}分"
    if t == "zscore":
        return f"原始值{v},标准化得分{y:.4f}"
    if t == "rank":
        return f"原始值{v},排位得分{y:g}"
    if t == "dist2targ":
        return f"原始值{v},距目标得分{y:.4f}"
    if t == "ratio_to_best":
        return f"原始值{v},与最优单位相比得{y:.2f}分"
    if t == "improvement":
        return f"原始值{v},与上年{float(columns[r['last_year']][i]):g}相比得{y:.2f}分"
    if t == "rank_points":
        return f"原始值{v},按名次得{y:.2f}分"
    if t == "steps":
        return f"原始值{v},按阶梯得{y:g}分"
    if t == "yesno":
        return "是,得分" if x > 0 else "否,不得分"
    return f"得{y:g}分"
