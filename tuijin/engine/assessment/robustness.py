"""Robustness of ranks (uncertainty and sensitivity analysis, as the EU JRC does for composite indicators).

Monte Carlo over (a) every weight, each drawn uniformly within ±``weight_range`` of its value, and (b) the
choice of normalisation and aggregation among the scheme's alternatives. For each unit: median rank,
5–95% rank interval, probability of each tier; for each weight: a first-order sensitivity index, the share
of the variance of ranks explained by that weight (binned estimate of Var(E[rank | w]) / Var(rank)).
Deterministic for a seed; vectorised over batches of samples.
"""
from __future__ import annotations

import numpy as np

from tuijin.engine.assessment.run import Data, _groups, assign_tiers, indicator_scores
from tuijin.engine.assessment.scheme import Node, Scheme, SchemeError

DEFAULT_NORMALISATIONS = [{"type": "minmax", "low": 1, "high": 100}, {"type": "zscore", "mean": 10, "sd": 2},
                          {"type": "rank"}]
BATCH = 256


def _plan(scheme: Scheme):
    """Internal nodes bottom-up, each with the indices of its children in a flat column list."""
    order, index = [], {}
    for ind in scheme.indicators():
        index[ind.code] = len(index)
    internal = []

    def visit(node: Node):
        for c in node.children:
            if not c.is_indicator:
                visit(c)
        index[node.code] = len(index)
        internal.append(node)

    visit(scheme.root)
    for node in internal:
        order.append((node, [index[c.code] for c in node.children], index[node.code]))
    return order, index


def _aggregate_batch(base: np.ndarray, order, weights: np.ndarray, how: np.ndarray, n_cols: int) -> np.ndarray:
    """base: (B, n, m) indicator scores; weights: (B, n_cols); how: (B,) 0 amean / 1 gmean / 2 sum."""
    b, n, m = base.shape
    cols = np.full((b, n, n_cols), np.nan)
    cols[:, :, :m] = base
    for node, kids, me in order:
        child = cols[:, :, kids]  # (B, n, k)
        w = weights[:, kids][:, None, :]  # (B, 1, k)
        mask = ~np.isnan(child)
        wm = np.where(mask, w, 0.0)
        den = wm.sum(axis=2)
        safe = np.where(mask, child, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            amean = (safe * wm).sum(axis=2) / den
            logs = np.where(mask & (child > 0), np.log(np.where(child > 0, child, 1.0)), 0.0)
            gmean = np.exp((logs * wm).sum(axis=2) / den)
        total = (safe * wm).sum(axis=2)
        y = np.where(how[:, None] == 1, gmean, np.where(how[:, None] == 2, total, amean))
        cols[:, :, me] = np.where(den > 0, y, np.nan)
    return cols[:, :, order[-1][2]]


def robustness(scheme: Scheme, data: Data, *, samples: int = 1000, seed: int = 0) -> dict:
    if samples < 1:
        raise SchemeError("蒙特卡洛抽样次数必须大于0")
    unc = scheme.uncertainty or {}
    r = float(unc.get("weight_range", 0.25))
    norms = unc.get("normalisations")
    uses_norm = any(i.rule["type"] in ("minmax", "zscore", "rank") for i in scheme.indicators())
    if norms is None:
        norms = DEFAULT_NORMALISATIONS if uses_norm else [None]
    aggs = unc.get("aggregations") or ([scheme.aggregation, "gmean"] if scheme.aggregation == "amean" and uses_norm
                                       else [scheme.aggregation])
    how_code = {"amean": 0, "gmean": 1, "sum": 2}
    rng = np.random.default_rng(seed)
    order, index = _plan(scheme)
    n_cols = len(index)
    base_w = np.ones(n_cols)
    for node in scheme.nodes():
        base_w[index[node.code]] = node.weight
    n = len(data.units)
    groups = _groups(data, scheme)
    # indicator scores under each normalisation, per normalisation group
    per_norm = []
    for spec in norms:
        mat = np.full((n, len(scheme.indicators())), np.nan)
        for _g, idx in groups.items():
            part = indicator_scores(scheme, data, idx, rule_override=spec)
            for j, ind in enumerate(scheme.indicators()):
                mat[idx, j] = part[ind.code]
        per_norm.append(mat)
    norm_choice = rng.integers(0, len(per_norm), size=samples)
    agg_choice = rng.integers(0, len(aggs), size=samples)
    factors = rng.uniform(1 - r, 1 + r, size=(samples, n_cols))
    weights = base_w[None, :] * factors
    ranks = np.empty((samples, n), dtype=float)
    for start in range(0, samples, BATCH):
        sl = slice(start, min(samples, start + BATCH))
        base = np.stack([per_norm[k] for k in norm_choice[sl]])
        how = np.array([how_code[aggs[a]] for a in agg_choice[sl]])
        # a geometric mean cannot take values ≤ 0 (z-scores): those samples fall back to the arithmetic mean
        if (how == 1).any():
            bad = (how == 1) & (np.nanmin(base.reshape(base.shape[0], -1), axis=1) <= 0)
            how = np.where(bad, 0, how)
        scores = _aggregate_batch(base, order, weights[sl], how, n_cols)
        for _g, idx in groups.items():
            ranks[sl][:, idx] = _group_ranks(scores[:, idx])
    tier_names = [t.name for t in scheme.tiers]
    units = []
    for i, name in enumerate(data.units):
        col = ranks[:, i]
        probs = {}
        if tier_names:
            g = data.groups[i]
            idx = groups[g if scheme.group_column else ""]
            pos = int(np.flatnonzero(idx == i)[0])
            counts = dict.fromkeys(tier_names, 0)
            for s in range(samples):
                rk = ranks[s, idx]
                # tiers by quota only: thresholds belong to the published score scale
                tiers = assign_tiers(_quota_only(scheme), [-float(x) for x in rk], [int(x) for x in rk],
                                     [False] * len(idx))
                counts[tiers[pos]] += 1
            probs = {t: counts[t] / samples for t in tier_names}
        units.append({"unit": name, "group": data.groups[i], "median_rank": float(np.median(col)),
                      "rank_p5": float(np.percentile(col, 5)), "rank_p95": float(np.percentile(col, 95)),
                      "tier_probability": probs})
    return {"samples": samples, "seed": seed, "weight_range": r, "normalisations": [s or "scheme" for s in norms],
            "aggregations": aggs, "tiers": tier_names, "units": units,
            "sensitivity": _sensitivity(scheme, index, factors, ranks, norm_choice, agg_choice, len(norms), len(aggs))}


def _group_ranks(scores: np.ndarray) -> np.ndarray:
    s = np.where(np.isnan(scores), -np.inf, np.round(scores, 9))
    # rank = 1 + count of strictly better values, vectorised over samples
    return (s[:, None, :] > s[:, :, None]).sum(axis=2) + 1.0


def _quota_only(scheme: Scheme) -> Scheme:
    from dataclasses import replace

    return replace(scheme, tiers=[type(t)(name=t.name, min_score=None, max_share=t.max_share) for t in scheme.tiers])


def _first_order(x: np.ndarray, ranks: np.ndarray, bins: int = 10) -> float:
    total = ranks.var(axis=0)
    keep = total > 0
    if not keep.any():
        return 0.0
    edges = np.quantile(x, np.linspace(0, 1, bins + 1))
    which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, bins - 1)
    means = np.array([ranks[which == b].mean(axis=0) if (which == b).any() else ranks.mean(axis=0)
                      for b in range(bins)])
    share = np.array([(which == b).mean() for b in range(bins)])
    between = (share[:, None] * (means - ranks.mean(axis=0)) ** 2).sum(axis=0)
    return float((between[keep]).sum() / total[keep].sum())


def _sensitivity(scheme, index, factors, ranks, norm_choice, agg_choice, n_norm, n_agg) -> list[dict]:
    out = []
    for node in scheme.nodes():
        if node is scheme.root:
            continue
        out.append({"code": node.code, "name": node.name, "index": _first_order(factors[:, index[node.code]], ranks)})
    if n_norm > 1:
        out.append({"code": "normalisation", "name": "标准化方法", "index": _first_order(norm_choice.astype(float), ranks,
                                                                                   bins=n_norm)})
    if n_agg > 1:
        out.append({"code": "aggregation", "name": "汇总方法", "index": _first_order(agg_choice.astype(float), ranks,
                                                                               bins=n_agg)})
    return sorted(out, key=lambda x: -x["index"])
