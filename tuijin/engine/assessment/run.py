"""Run a scheme on data: scores at every node, totals with bonuses/deductions, ranks and tiers within groups,
and a breakdown that says which rule gave or took each point."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from tuijin.engine.assessment import rules
from tuijin.engine.assessment.scheme import Node, Scheme, SchemeError
from tuijin.engine.ranking import competition_rank


@dataclass
class Data:
    """One row per unit: ``units`` (names), ``groups`` ("" without groups), numeric ``columns`` (NaN = missing)."""

    units: list[str]
    columns: dict[str, np.ndarray]
    groups: list[str] = field(default_factory=list)

    def __post_init__(self):
        if not self.groups:
            self.groups = [""] * len(self.units)


@dataclass
class UnitResult:
    unit: str
    group: str
    score: float | None
    rank: int | None
    tier: str
    vetoed: bool
    scores: dict[str, float | None]
    breakdown: list[dict]


@dataclass
class Result:
    scheme_code: str
    scheme_version: int
    units: list[UnitResult]
    node_names: dict[str, str]

    def by_unit(self) -> dict[str, UnitResult]:
        return {u.unit: u for u in self.units}


def _check(scheme: Scheme, data: Data) -> None:
    for ind in scheme.indicators():
        col = ind.column or ind.code
        if col not in data.columns:
            raise SchemeError(f"指标「{ind.code}」在数据中没有对应的列「{col}」")
    if scheme.group_column:
        for i, g in enumerate(data.groups):
            if not g:
                raise SchemeError(f"第{i + 2}行 单位「{data.units[i]}」没有分组,而方案按分组考核")
            if scheme.groups and g not in scheme.groups:
                raise SchemeError(f"第{i + 2}行 单位「{data.units[i]}」的分组「{g}」不在方案的分组中:"
                                  f"{'、'.join(scheme.groups)}")
    for adj in [*scheme.bonuses, *scheme.deductions, *scheme.vetoes]:
        if adj.column not in data.columns:
            raise SchemeError(f"「{adj.name}」在数据中没有对应的列「{adj.column}」")


def indicator_scores(scheme: Scheme, data: Data, idx: np.ndarray, *, rule_override: dict | None = None
                     ) -> dict[str, np.ndarray]:
    """Scores of every indicator for the units ``idx`` (one normalisation group)."""
    cols = {k: v[idx] for k, v in data.columns.items()}
    out = {}
    for ind in scheme.indicators():
        x = cols[ind.column or ind.code]
        node = ind
        if rule_override and ind.rule["type"] in ("minmax", "zscore", "rank"):
            node = Node(code=ind.code, rule=dict(rule_override), direction=ind.direction, weight=ind.weight)
        y = rules.score(node, x, cols)
        missing = np.isnan(x)
        if missing.any():
            if scheme.missing == "error":
                i = int(idx[np.flatnonzero(missing)[0]])
                raise SchemeError(f"第{i + 2}行 单位「{data.units[i]}」缺少指标「{ind.code}」的数据")
            if scheme.missing == "zero":
                y = np.where(missing, 0.0, y)
        out[ind.code] = y
    return out


def aggregate(node: Node, scores: dict[str, np.ndarray], default: str, units: list[str] | None = None) -> np.ndarray:
    """Scores of ``node`` from its children (recursively), writing every category into ``scores``."""
    if node.is_indicator:
        return scores[node.code]
    child = np.column_stack([aggregate(c, scores, default, units) for c in node.children])
    w = np.array([c.weight for c in node.children], dtype=float)
    how = node.aggregation or default
    mask = ~np.isnan(child)
    den = (mask * w).sum(axis=1)
    if how == "sum":
        y = np.where(mask.any(axis=1), np.nansum(child * w, axis=1), np.nan)
    elif how == "gmean":
        bad = mask & (child <= 0)
        if bad.any():
            r, c = np.argwhere(bad)[0]
            who = units[r] if units else f"第{r + 1}个单位"
            raise SchemeError(f"节点「{node.code}」用几何平均汇总,但「{who}」的「{node.children[c].code}」为"
                              f"{child[r, c]:g}(几何平均要求所有值大于0)")
        logs = np.where(mask, np.log(np.where(mask, child, 1.0)), 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            y = np.exp((logs * (w / 1.0)).sum(axis=1) / den)
        y = np.where(den > 0, y, np.nan)
    else:
        wn = np.where(mask, w, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            y = (np.where(mask, child, 0.0) * (wn / den[:, None])).sum(axis=1)
        y = np.where(den > 0, y, np.nan)
    scores[node.code] = y
    return y


def _groups(data: Data, scheme: Scheme) -> dict[str, np.ndarray]:
    if not scheme.group_column:
        return {"": np.arange(len(data.units))}
    out: dict[str, list[int]] = {}
    for i, g in enumerate(data.groups):
        out.setdefault(g, []).append(i)
    return {g: np.array(v) for g, v in out.items()}


def assign_tiers(scheme: Scheme, scores: list[float | None], ranks: list[int | None], vetoed: list[bool]) -> list[str]:
    """Tiers within one group: top down, by score thresholds and/or quotas; vetoed units get the lowest."""
    n = len(scores)
    tiers = [""] * n
    if not scheme.tiers:
        return tiers
    lowest = scheme.tiers[-1].name
    left = [i for i in range(n) if not vetoed[i] and scores[i] is not None]
    for tier in scheme.tiers:
        cands = [i for i in left if tier.min_score is None or scores[i] >= tier.min_score - 1e-9]
        if tier.max_share is not None:
            quota = math.floor(tier.max_share * n + 1e-9)
            cands = sorted(cands, key=lambda i: ranks[i])
            cands = [i for i in cands if sum(1 for j in cands if ranks[j] <= ranks[i]) <= quota]
        for i in cands:
            tiers[i] = tier.name
        left = [i for i in left if i not in cands]
    for i in range(n):
        if not tiers[i]:
            tiers[i] = lowest
    return tiers


def _adjust(items, data: Data) -> tuple[np.ndarray, list[list[tuple]]]:
    n = len(data.units)
    total = np.zeros(n)
    lines: list[list[tuple]] = [[] for _ in range(n)]
    for adj in items:
        v = np.nan_to_num(data.columns[adj.column], nan=0.0) * adj.per
        if adj.cap is not None:
            v = np.minimum(v, adj.cap)
        total += v
        for i in np.flatnonzero(v):
            lines[i].append((adj, float(v[i])))
    return total, lines


def assess(scheme: Scheme, data: Data, *, explain: bool = True) -> Result:
    _check(scheme, data)
    n = len(data.units)
    scores: dict[str, np.ndarray] = {}
    for _g, idx in _groups(data, scheme).items():
        part = indicator_scores(scheme, data, idx)
        aggregate(scheme.root, part, scheme.aggregation, [data.units[i] for i in idx])
        for code, v in part.items():
            scores.setdefault(code, np.full(n, np.nan))[idx] = v
    bonus, bonus_lines = _adjust(scheme.bonuses, data)
    minus, minus_lines = _adjust(scheme.deductions, data)
    vetoed = np.zeros(n, dtype=bool)
    for v in scheme.vetoes:
        vetoed |= np.nan_to_num(data.columns[v.column], nan=0.0) > 0
    total = scores[scheme.root.code] + bonus - minus
    ranks: list[int | None] = [None] * n
    tiers = [""] * n
    for _g, idx in _groups(data, scheme).items():
        vals = [None if np.isnan(total[i]) else round(float(total[i]), 9) for i in idx]
        r = competition_rank(vals)
        for i, rr in zip(idx, r):
            ranks[i] = rr
        t = assign_tiers(scheme, vals, r, [bool(vetoed[i]) for i in idx])
        for i, tt in zip(idx, t):
            tiers[i] = tt
    names = {nd.code: nd.name for nd in scheme.nodes()}
    units = []
    for i, name in enumerate(data.units):
        breakdown = []
        if explain:
            for ind in scheme.indicators():
                x = float(data.columns[ind.column or ind.code][i])
                y = float(scores[ind.code][i])
                breakdown.append({"code": ind.code, "name": ind.name, "input": None if math.isnan(x) else x,
                                  "points": None if math.isnan(y) else y,
                                  "reason": rules.explain(ind, x, y, data.columns, i)})
            for adj, v in bonus_lines[i]:
                breakdown.append({"code": adj.code, "name": adj.name, "input": v, "points": v,
                                  "reason": f"加分项,加{v:g}分" + (f"(上限{adj.cap:g}分)" if adj.cap is not None else "")})
            for adj, v in minus_lines[i]:
                breakdown.append({"code": adj.code, "name": adj.name, "input": v, "points": -v,
                                  "reason": f"扣分项,扣{v:g}分" + (f"(上限{adj.cap:g}分)" if adj.cap is not None else "")})
            if vetoed[i]:
                breakdown.append({"code": "veto", "name": "一票否决", "input": None, "points": None,
                                  "reason": "触发一票否决,直接评为最低等次"})
        t = float(total[i])
        units.append(UnitResult(
            unit=name, group=data.groups[i], score=None if math.isnan(t) else t, rank=ranks[i], tier=tiers[i],
            vetoed=bool(vetoed[i]),
            scores={code: (None if math.isnan(float(v[i])) else float(v[i])) for code, v in scores.items()},
            breakdown=breakdown))
    return Result(scheme_code=scheme.code, scheme_version=scheme.version, units=units, node_names=names)
