"""Run a scheme on data: scores at every node, totals with bonuses/deductions, ranks and tiers within groups,
and a breakdown that says which rule gave or took each point."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from tuijin.engine.assessment import rules
from tuijin.engine.assessment.scheme import Node, Scheme, SchemeError
from tuijin.engine.numbers import format_fixed
from tuijin.engine.ranking import competition_rank


@dataclass
class Data:
    """One row per unit: ``units`` (names), ``groups`` ("" without groups), numeric ``columns`` (NaN = missing).

    ``rows`` are the units' row numbers in the file they came from, for messages (default: header + 1, 2, …).
    """

    units: list[str]
    columns: dict[str, np.ndarray]
    groups: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    def __post_init__(self):
        if not self.groups:
            self.groups = [""] * len(self.units)
        if not self.rows:
            self.rows = list(range(2, len(self.units) + 2))
        self.columns = {k: np.asarray(v, dtype=float) for k, v in self.columns.items()}
        for k, v in self.columns.items():
            if v.shape != (len(self.units),):
                raise SchemeError(f"数据列「{k}」有{v.size}个值,而单位有{len(self.units)}个")

    def where(self, i: int) -> str:
        return f"第{self.rows[i]}行 单位「{self.units[i]}」"


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


def check_data(scheme: Scheme, data: Data) -> None:
    """Stop before scoring if the data lacks a column the scheme reads or a unit lacks its group."""
    for ind in scheme.indicators():
        if ind.data_column not in data.columns:
            raise SchemeError(f"指标「{ind.code}」在数据中没有对应的列「{ind.data_column}」")
        for key, what in (("target", "目标值"), ("last_year", "上年值")):
            col = ind.rule.get(key)
            if isinstance(col, str) and col not in data.columns:
                raise SchemeError(f"指标「{ind.code}」的{what}列「{col}」在数据中不存在")
    for adj in [*scheme.bonuses, *scheme.deductions, *scheme.vetoes]:
        if adj.column not in data.columns:
            raise SchemeError(f"「{adj.name}」在数据中没有对应的列「{adj.column}」")
        values = data.columns[adj.column]
        bad = np.flatnonzero(np.nan_to_num(values, nan=0.0) < 0)
        if bad.size:
            i = int(bad[0])
            raise SchemeError(f"{data.where(i)} 的「{adj.name}」为{values[i]:g}:加分、扣分和否决项填不小于0的数")
    if scheme.group_column:
        for i, g in enumerate(data.groups):
            if not g:
                raise SchemeError(f"{data.where(i)}没有分组,而方案按分组考核")
            if scheme.groups and g not in scheme.groups:
                raise SchemeError(f"{data.where(i)}的分组「{g}」不在方案的分组中:{'、'.join(scheme.groups)}")


def groups_of(scheme: Scheme, data: Data) -> dict[str, np.ndarray]:
    """Indices of the units of each group (one group "" when the scheme has none)."""
    if not scheme.group_column:
        return {"": np.arange(len(data.units))}
    out: dict[str, list[int]] = {}
    for i, g in enumerate(data.groups):
        out.setdefault(g, []).append(i)
    return {g: np.array(v) for g, v in out.items()}


def indicator_scores(scheme: Scheme, data: Data, idx: np.ndarray, *, rule_override: dict | None = None,
                     contexts: dict | None = None) -> dict[str, np.ndarray]:
    """Scores of every indicator for the units ``idx`` (one normalisation group), missing values handled.

    ``rule_override`` replaces the composite-index normalisations (minmax, zscore, rank) for the robustness
    analysis; ``contexts`` (if given) receives each rule's statistics for the explanations.
    """
    cols = {k: v[idx] for k, v in data.columns.items()}
    out = {}
    for ind in scheme.indicators():
        x = cols[ind.data_column]
        node = ind
        if rule_override and ind.rule["type"] in ("minmax", "zscore", "rank"):
            node = Node(code=ind.code, rule=dict(rule_override), direction=ind.direction, weight=ind.weight)
        try:
            y, ctx = rules.score(node, x, cols)
        except rules.BadValue as exc:
            raise SchemeError(f"{data.where(int(idx[exc.i]))}: {exc.message}") from exc
        missing = np.isnan(x)
        policy = ind.missing or scheme.missing
        if missing.any():
            if policy == "error":
                i = int(idx[np.flatnonzero(missing)[0]])
                raise SchemeError(f"{data.where(i)}缺少指标「{ind.code}」({ind.name})的数据")
            if policy == "zero":
                y = np.where(missing, 0.0, y)
        out[ind.code] = y
        if contexts is not None:
            contexts[ind.code] = ctx
    return out


def aggregate(node: Node, scores: dict[str, np.ndarray], default: str, units: list[str] | None = None) -> np.ndarray:
    """Scores of ``node`` from its children (recursively), writing every category into ``scores``.

    Missing children are left out and the weights of the others renormalised (amean, gmean) or simply not
    added (sum); a node with no child present is missing.
    """
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
        bad = mask & (child <= 0) & (w > 0)
        if bad.any():
            r, c = np.argwhere(bad)[0]
            who = f"单位「{units[r]}」" if units else f"第{r + 1}个单位"
            raise SchemeError(f"节点「{node.code}」用几何平均汇总,但{who}的「{node.children[c].code}」为"
                              f"{child[r, c]:g}(几何平均要求所有值大于0)")
        logs = np.where(mask & (w > 0), np.log(np.where(mask & (child > 0), child, 1.0)), 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            y = np.exp((logs * w).sum(axis=1) / den)
        y = np.where(den > 0, y, np.nan)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            y = (np.where(mask, child, 0.0) * w).sum(axis=1) / den
        y = np.where(den > 0, y, np.nan)
    scores[node.code] = y
    return y


def tier_indices(scheme: Scheme, scores: np.ndarray, ranks: np.ndarray, vetoed: np.ndarray,
                 rules_: list[tuple[float | None, int | None]] | None = None) -> np.ndarray:
    """Tier (index into scheme.tiers) of each unit of one group, top down.

    A tier takes the units not yet placed whose score reaches its ``min_score``, at most its quota
    ⌊max_share × group size⌋ of them by rank; when units tie at the edge of a quota, none of the tied units
    is taken (a quota is never exceeded). Everyone left and every vetoed unit gets the lowest tier; a unit without
    a score (无数据) gets none (−1). ``rules_`` overrides the (min_score, quota) of each tier (robustness analysis).
    """
    n = len(scores)
    last = len(scheme.tiers) - 1
    out = np.where(np.isnan(scores) & ~vetoed, -1, last)
    if rules_ is None:
        rules_ = [(t.min_score, None if t.max_share is None else math.floor(t.max_share * n + 1e-9))
                  for t in scheme.tiers]
    placed = vetoed | np.isnan(scores)
    for k, (min_score, quota) in enumerate(rules_[:last]):
        cand = ~placed
        if min_score is not None:
            cand &= np.nan_to_num(scores, nan=-np.inf) >= min_score - 1e-9
        if quota is not None:
            rc = ranks[cand]
            within = np.searchsorted(np.sort(rc), rc, side="right")  # candidates ranked at or above each one
            cand[cand] = within <= quota
        out[cand] = k
        placed |= cand
    return out


def _adjust(items, data: Data) -> tuple[np.ndarray, list[list[tuple]]]:
    n = len(data.units)
    total = np.zeros(n)
    lines: list[list[tuple]] = [[] for _ in range(n)]
    for adj in items:
        column = np.nan_to_num(data.columns[adj.column], nan=0.0)
        raw = column * adj.per
        v = raw if adj.cap is None else np.minimum(raw, adj.cap)
        total += v
        for i in np.flatnonzero(raw):
            lines[i].append((adj, float(v[i]), float(raw[i]), float(column[i])))
    return total, lines


def adjustments(scheme: Scheme, data: Data) -> tuple[np.ndarray, np.ndarray]:
    """Bonuses minus deductions (each item capped) and the vetoed units, for every unit."""
    bonus, _ = _adjust(scheme.bonuses, data)
    minus, _ = _adjust(scheme.deductions, data)
    vetoed = np.zeros(len(data.units), dtype=bool)
    for v in scheme.vetoes:
        vetoed |= np.nan_to_num(data.columns[v.column], nan=0.0) > 0
    return bonus - minus, vetoed


def assess(scheme: Scheme, data: Data, *, explain: bool = True) -> Result:
    """Score every unit: node scores, total, rank and tier within its group, and (if ``explain``) the breakdown."""
    check_data(scheme, data)
    n = len(data.units)
    scores: dict[str, np.ndarray] = {}
    contexts: dict[str, list] = {}  # per indicator: (group indices, context) pairs
    position = np.zeros(n, dtype=int)  # each unit's index within its group
    groups = groups_of(scheme, data)
    for _g, idx in groups.items():
        ctx: dict = {}
        part = indicator_scores(scheme, data, idx, contexts=ctx if explain else None)
        aggregate(scheme.root, part, scheme.aggregation, [data.units[i] for i in idx])
        for code, v in part.items():
            scores.setdefault(code, np.full(n, np.nan))[idx] = v
        for code, c in ctx.items():
            contexts.setdefault(code, []).append((idx, c))
        position[idx] = np.arange(len(idx))
    bonus, bonus_lines = _adjust(scheme.bonuses, data)
    minus, minus_lines = _adjust(scheme.deductions, data)
    _net, vetoed = adjustments(scheme, data)
    total = scores[scheme.root.code] + bonus - minus
    ranks: list[int | None] = [None] * n
    tiers = [""] * n
    for _g, idx in groups.items():
        vals = np.round(total[idx], 9)  # equal to 9 decimals = tied, so float noise never splits a tie
        r = competition_rank(vals)
        for i, rr in zip(idx, r):
            ranks[i] = rr
        if scheme.tiers:
            t = tier_indices(scheme, vals, np.array([np.nan if x is None else x for x in r], dtype=float),
                             vetoed[idx])
            for i, k in zip(idx, t):
                tiers[i] = scheme.tiers[k].name if k >= 0 else ""
    names = {nd.code: nd.name for nd in scheme.nodes()}
    ctx_of = {code: {int(i): c for idx, c in pairs for i in idx} for code, pairs in contexts.items()}
    as_lists = {code: [None if x != x else x for x in v.tolist()] for code, v in scores.items()}  # NaN → None
    indicators = scheme.indicators()
    inputs = {ind.code: data.columns[ind.data_column].tolist() for ind in indicators}
    units = []
    for i, name in enumerate(data.units):
        breakdown = []
        if explain:
            for ind in indicators:
                x = inputs[ind.code][i]
                y = as_lists[ind.code][i]
                if x != x:
                    reason = "无数据,不计入(同级其他项按权重折算)" if y is None else \
                        f"无数据,按方案计{format_fixed(y, scheme.decimals)}分"
                else:
                    reason = rules.explain(ind, x, math.nan if y is None else y, ctx_of[ind.code][i],
                                           int(position[i]), scheme.decimals)
                breakdown.append({"code": ind.code, "name": ind.name, "input": None if x != x else x,
                                  "points": y, "reason": reason})
            breakdown += _adjustment_lines(bonus_lines[i], "加分项", "加", 1, scheme.decimals)
            breakdown += _adjustment_lines(minus_lines[i], "扣分项", "扣", -1, scheme.decimals)
            if vetoed[i]:
                hit = [v.name for v in scheme.vetoes if np.nan_to_num(data.columns[v.column][i]) > 0]
                breakdown.append({"code": "veto", "name": "一票否决", "input": None, "points": None,
                                  "reason": f"触发{'、'.join(hit)},直接评为最低等次"})
        t = float(total[i])
        units.append(UnitResult(
            unit=name, group=data.groups[i], score=None if math.isnan(t) else t, rank=ranks[i], tier=tiers[i],
            vetoed=bool(vetoed[i]),
            scores={code: v[i] for code, v in as_lists.items()},
            breakdown=breakdown))
    return Result(scheme_code=scheme.code, scheme_version=scheme.version, units=units, node_names=names)


def _adjustment_lines(lines, kind: str, verb: str, sign: int, decimals: int) -> list[dict]:
    out = []
    for adj, v, raw, column in lines:
        text = f"{kind},{verb}{format_fixed(v, decimals)}分"
        if raw > v:
            text += f"(按{format_fixed(raw, decimals)}分计,超过上限{format_fixed(adj.cap, decimals)}分)"
        out.append({"code": adj.code, "name": adj.name, "input": column, "points": sign * v, "reason": text})
    return out
