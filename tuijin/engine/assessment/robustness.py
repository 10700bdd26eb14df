"""Robustness of ranks (uncertainty and sensitivity analysis, as the EU JRC does for composite indicators).

Monte Carlo over (a) every weight, each drawn uniformly within ±``weight_range`` of its value, and (b) the
choice of normalisation and aggregation among the scheme's alternatives. For each unit: median rank,
5–95% rank interval, probability of each tier; for each weight: a first-order sensitivity index, the share
of the variance of ranks explained by that weight (binned estimate of Var(E[rank | w]) / Var(rank)).
Deterministic for a seed; vectorised over batches of samples.
"""
from __future__ import annotations

import numpy as np

from tuijin.engine.assessment.run import Data, _groups, indicator_scores
from tuijin.engine.assessment.scheme import Node, Scheme, SchemeError

DEFAULT_NORMALISATIONS = [{"type": "minmax", "low": 1, "high": 100}, {"type": "zscore", "mean": 10, "sd": 2},
                          {"type": "rank"}]
BATCH = 256  # samples per vectorised batch


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


def _aggregate_batch(base: np.ndarray, order, weights: np.ndarray, how: int, n_cols: int) -> np.ndarray:
    """Index scores (B, n) for a batch of samples sharing one normalisation and one aggregation.

    base: (n, m) indicator scores (the same for the whole batch); weights: (B, n_cols). Nodes whose children
    are all indicators aggregate by matrix products (BLAS); higher nodes by a weighted sum over few children.
    Missing values are skipped with their weight (renormalised), as in the deterministic run.
    """
    cols: dict[int, np.ndarray] = {j: base[:, j] for j in range(base.shape[1])}
    for node, kids, me in order:
        w = weights[:, kids]  # (B, k)
        stacked = [cols[k] for k in kids]
        if all(c.ndim == 1 for c in stacked):
            x = np.column_stack(stacked)  # (n, k)
            mask = ~np.isnan(x)
            vals = np.where(mask, x, 0.0) if how != 1 else np.where(mask & (x > 0), np.log(np.where(x > 0, x, 1.0)), 0.0)
            num = w @ vals.T  # (B, n)
            den = w.sum(axis=1)[:, None] if mask.all() else w @ mask.T.astype(float)
        else:
            num = np.zeros((w.shape[0], base.shape[0]))
            den = np.zeros_like(num)
            for j, c in enumerate(stacked):
                mask = ~np.isnan(c)
                v = c if how != 1 else np.log(np.where(c > 0, c, 1.0))
                wj = w[:, j:j + 1]
                if mask.all():
                    num += wj * v
                    den += wj
                else:
                    num += wj * np.where(mask, v, 0.0)
                    den += wj * mask
        with np.errstate(invalid="ignore", divide="ignore"):
            y = num if how == 2 else np.exp(num / den) if how == 1 else num / den
        cols[me] = np.where(den > 0, y, np.nan)
    return cols[order[-1][2]]


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
    positive = [bool(np.nanmin(m) > 0) if not np.isnan(m).all() else True for m in per_norm]
    # samples sharing a normalisation and an aggregation are scored together, in batches
    for k in range(len(per_norm)):
        for a in range(len(aggs)):
            how = how_code[aggs[a]]
            if how == 1 and not positive[k]:
                how = 0  # a geometric mean cannot take values ≤ 0 (z-scores): those samples use the arithmetic mean
            chosen = np.flatnonzero((norm_choice == k) & (agg_choice == a))
            for start in range(0, len(chosen), BATCH):
                sel = chosen[start:start + BATCH]
                scores = _aggregate_batch(per_norm[k], order, weights[sel], how, n_cols)
                for _g, idx in groups.items():
                    ranks[np.ix_(sel, idx)] = _group_ranks(scores[:, idx])
    tier_names = [t.name for t in scheme.tiers]
    tier_idx = _tier_indices(scheme, ranks, groups) if tier_names else None
    p5, p50, p95 = np.percentile(ranks, [5, 50, 95], axis=0)
    units = []
    for i, name in enumerate(data.units):
        probs = {}
        if tier_names:
            counts = np.bincount(tier_idx[:, i], minlength=len(tier_names))
            probs = {t: float(counts[k]) / samples for k, t in enumerate(tier_names)}
        units.append({"unit": name, "group": data.groups[i], "median_rank": float(p50[i]),
                      "rank_p5": float(p5[i]), "rank_p95": float(p95[i]),
                      "tier_probability": probs})
    return {"samples": samples, "seed": seed, "weight_range": r, "normalisations": [s or "scheme" for s in norms],
            "aggregations": aggs, "tiers": tier_names, "units": units,
            "sensitivity": _sensitivity(scheme, index, factors, ranks, norm_choice, agg_choice, len(norms), len(aggs))}


def _group_ranks(scores: np.ndarray) -> np.ndarray:
    """Competition ranks per row (1 = best, ties share the smaller rank), by sorting: O(n log n) per sample."""
    s = np.where(np.isnan(scores), -np.inf, np.round(scores, 9))
    order = np.argsort(-s, axis=1, kind="stable")
    sorted_s = np.take_along_axis(s, order, axis=1)
    pos = np.arange(1, s.shape[1] + 1)[None, :]
    new = np.ones_like(sorted_s, dtype=bool)
    new[:, 1:] = sorted_s[:, 1:] != sorted_s[:, :-1]
    rank_sorted = np.maximum.accumulate(np.where(new, pos, 0), axis=1)
    out = np.empty_like(rank_sorted)
    np.put_along_axis(out, order, rank_sorted, axis=1)
    return out.astype(float)


def _tier_indices(scheme: Scheme, ranks: np.ndarray, groups: dict) -> np.ndarray:
    """Tier of every unit in every sample, by the tiers' quotas on ranks within each group.

    Score thresholds belong to the published scale, which changes with the normalisation drawn, so the
    robustness of tiers is judged on quotas; tiers without a quota take the rest.
    """
    out = np.zeros(ranks.shape, dtype=int)
    for _g, idx in groups.items():
        n = len(idx)
        cum, caps = 0, []
        for t in scheme.tiers:
            if t.max_share is None:
                caps.append(np.inf)
                break
            cum += int(np.floor(t.max_share * n + 1e-9))
            caps.append(cum)
        caps = np.array(caps + [np.inf] * (len(scheme.tiers) - len(caps)), dtype=float)
        r = ranks[:, idx]
        out[:, idx] = np.minimum(np.searchsorted(caps, r, side="left"), len(scheme.tiers) - 1)
    return out


def _first_order(x: np.ndarray, centred: np.ndarray, total_var: float, bins: int = 10) -> float:
    """Share of the rank variance explained by ``x``: variance of the bin means of ranks over bins of ``x``."""
    if total_var <= 0:
        return 0.0
    edges = np.quantile(x, np.linspace(0, 1, bins + 1))
    which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, bins - 1)
    onehot = np.zeros((bins, len(x)))
    onehot[which, np.arange(len(x))] = 1.0
    counts = onehot.sum(axis=1)
    keep = counts > 0
    means = (onehot[keep] @ centred) / counts[keep, None]  # (bins, units): deviation of each bin's mean rank
    between = (counts[keep, None] / len(x) * means ** 2).sum()
    return float(between / total_var)


def _sensitivity(scheme, index, factors, ranks, norm_choice, agg_choice, n_norm, n_agg) -> list[dict]:
    centred = ranks - ranks.mean(axis=0)
    total_var = float((centred ** 2).mean(axis=0).sum())
    ranks = (centred, total_var)
    out = []
    for node in scheme.nodes():
        if node is scheme.root:
            continue
        out.append({"code": node.code, "name": node.name, "index": _first_order(factors[:, index[node.code]], *ranks)})
    if n_norm > 1:
        out.append({"code": "normalisation", "name": "标准化方法", "index": _first_order(norm_choice.astype(float), *ranks,
                                                                                   bins=n_norm)})
    if n_agg > 1:
        out.append({"code": "aggregation", "name": "汇总方法", "index": _first_order(agg_choice.astype(float), *ranks,
                                                                               bins=n_agg)})
    return sorted(out, key=lambda x: -x["index"])
