"""Robustness of ranks (uncertainty and sensitivity analysis, as the EU JRC does for composite indicators).

Monte Carlo over (a) every weight of the tree, each drawn uniformly within its range (±``weight_range`` of its
value, or an explicit [low, high] per node), and (b) the choice of normalisation and aggregation among the
scheme's alternatives. For each unit: median rank, 5–95% rank interval and the probability of each tier; for
each weight and each method choice: a first-order sensitivity index, the share of the variance of the ranks it
explains, Var(E[rank | factor]) / Var(rank), summed over units.

Deterministic for a seed. Vectorised: samples that share a normalisation and an aggregation are scored in
batches; where every node aggregates the same way and a unit has all its values, the whole tree collapses into
one weight per indicator (the product of the normalised weights on its path), so a batch is one matrix product.
"""
from __future__ import annotations

import numpy as np

from tuijin.engine.assessment.run import Data, adjustments, assess, check_data, groups_of, indicator_scores
from tuijin.engine.assessment.scheme import NORMALISATIONS, Node, Scheme, SchemeError

DEFAULT_ALTERNATIVES = [None, {"type": "zscore", "mean": 10.0, "sd": 2.0}, {"type": "rank"}]  # None = the scheme's
HOW = {"amean": 0, "gmean": 1, "sum": 2}
CELLS_PER_BATCH = 2_000_000  # samples × units scored at once (≈ 16 MB per array)


class _Tree:
    """The tree flattened: indicators first (columns of the score matrix), then internal nodes bottom-up."""

    def __init__(self, scheme: Scheme):
        self.indicators = scheme.indicators()
        self.index = {ind.code: j for j, ind in enumerate(self.indicators)}
        self.internal: list[Node] = []
        self._visit(scheme.root)
        for node in self.internal:
            self.index[node.code] = len(self.index)
        self.nodes = [*self.indicators, *self.internal]
        self.root = scheme.root
        self.leaves_under = {node.code: [self.index[c.code] for c in node.walk() if c.is_indicator]
                             for node in self.internal}

    def _visit(self, node: Node):
        for c in node.children:
            if not c.is_indicator:
                self._visit(c)
        self.internal.append(node)

    def hows(self, default: str) -> dict[str, int]:
        return {n.code: HOW[n.aggregation or default] for n in self.internal}


def _effective_weights(tree: _Tree, w: np.ndarray, how: int) -> np.ndarray:
    """(B, m) weight of each indicator in the index: the product down its path of the weights normalised within
    each parent (amean, gmean) or of the raw weights (sum)."""
    b = w.shape[0]
    eff = {tree.root.code: np.ones(b)}
    out = np.zeros((b, len(tree.indicators)))
    for node in reversed(tree.internal):  # top down
        kids = [tree.index[c.code] for c in node.children]
        wk = w[:, kids]
        if how != HOW["sum"]:
            den = wk.sum(axis=1, keepdims=True)
            wk = np.divide(wk, den, out=np.zeros_like(wk), where=den > 0)
        for j, c in enumerate(node.children):
            e = eff[node.code] * wk[:, j]
            if c.is_indicator:
                out[:, tree.index[c.code]] = e
            else:
                eff[c.code] = e
    return out


def _general(tree: _Tree, base: np.ndarray, w: np.ndarray, hows: dict[str, int]) -> np.ndarray:
    """(B, n) index scores for rows that have missing values or mixed aggregations, node by node, leaving
    missing children out and renormalising the weights of the others, as the deterministic run does."""
    values: dict[int, np.ndarray] = {j: base[:, j] for j in range(base.shape[1])}
    for node in tree.internal:
        how = hows[node.code]
        kids = [tree.index[c.code] for c in node.children]
        wk = w[:, kids]
        if all(k < base.shape[1] for k in kids):  # only indicators below: matrix products
            x = base[:, kids]
            mask = ~np.isnan(x)
            vals = np.where(mask, x, 0.0) if how != HOW["gmean"] else np.log(np.where(mask & (x > 0), x, 1.0))
            num = wk @ vals.T
            den = wk @ mask.T.astype(float)
            count = mask.sum(axis=1)[None, :]
        else:
            num = den = count = 0.0
            for j, k in enumerate(kids):
                v = values[k]
                mask = ~np.isnan(v)
                f = np.where(mask, v, 0.0) if how != HOW["gmean"] else np.log(np.where(mask & (v > 0), v, 1.0))
                num = num + wk[:, j:j + 1] * f
                den = den + wk[:, j:j + 1] * mask
                count = count + mask
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            if how == HOW["sum"]:
                y = np.where(count > 0, num, np.nan)
            else:
                y = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
                if how == HOW["gmean"]:
                    y = np.exp(y)
        values[tree.index[node.code]] = y
    return np.broadcast_to(values[tree.index[tree.root.code]], (w.shape[0], base.shape[0]))


def index_scores(tree: _Tree, base: np.ndarray, w: np.ndarray, hows: dict[str, int]) -> np.ndarray:
    """(B, n) index scores of every unit for a batch of weight vectors ``w`` (B, nodes)."""
    kinds = set(hows.values())
    if len(kinds) != 1:
        return _general(tree, base, w, hows)
    how = kinds.pop()
    complete = ~np.isnan(base).any(axis=1)
    out = np.empty((w.shape[0], base.shape[0]))
    if complete.any():
        v = base[complete] if how != HOW["gmean"] else np.log(base[complete])
        y = _effective_weights(tree, w, how) @ v.T
        out[:, complete] = np.exp(y) if how == HOW["gmean"] else y
    if not complete.all():
        out[:, ~complete] = _general(tree, base[~complete], w, hows)
    return out


def group_ranks(scores: np.ndarray) -> np.ndarray:
    """Competition ranks per row (1 = best, ties to 9 decimals share the smaller rank, missing last)."""
    s = np.where(np.isnan(scores), -np.inf, np.round(scores, 9))
    order = np.argsort(-s, axis=1)
    sorted_s = np.take_along_axis(s, order, axis=1)
    pos = np.arange(1, s.shape[1] + 1)[None, :]
    new = np.ones_like(sorted_s, dtype=bool)
    new[:, 1:] = sorted_s[:, 1:] != sorted_s[:, :-1]
    rank_sorted = np.maximum.accumulate(np.where(new, pos, 0), axis=1)
    out = np.empty_like(rank_sorted)
    np.put_along_axis(out, order, rank_sorted, axis=1)
    return out


def batch_tiers(scores: np.ndarray, ranks: np.ndarray, vetoed: np.ndarray, rules: list, n_tiers: int) -> np.ndarray:
    """Tier index of every unit of one group in every sample (B, n), as ``run.tier_indices`` does for one."""
    b, n = scores.shape
    last = n_tiers - 1
    out = np.full((b, n), last, dtype=np.int64)
    placed = np.broadcast_to(vetoed, (b, n)) | np.isnan(scores)
    offset = (np.arange(b) * (n + 1))[:, None]
    for k, (min_score, quota) in enumerate(rules[:last]):
        cand = ~placed
        if min_score is not None:
            cand = cand & (np.nan_to_num(scores, nan=-np.inf) >= min_score - 1e-9)
        if quota is not None:  # candidates ranked at or above each unit, by counting candidates per rank
            per_rank = np.bincount((offset + ranks).ravel(), weights=cand.ravel(), minlength=b * (n + 1))
            within = np.take_along_axis(per_rank.reshape(b, n + 1).cumsum(axis=1), ranks, axis=1)
            cand = cand & (within <= quota + 1e-9)
        out[cand] = k
        placed = placed | cand
    return out


def _label(spec) -> str:
    if spec is None:
        return "scheme"
    return spec["type"] + "".join(f" {k}={v:g}" for k, v in spec.items() if k != "type")


def _draw_weights(scheme: Scheme, tree: _Tree, rng: np.random.Generator, samples: int) -> tuple[np.ndarray, list]:
    """(samples, nodes) weights, and the nodes whose weight varies (the sensitivity factors)."""
    r = scheme.uncertainty.get("weight_range", 0.25)
    ranges = scheme.uncertainty.get("weights", {})
    lo, hi = np.empty(len(tree.nodes)), np.empty(len(tree.nodes))
    for node in tree.nodes:
        j = tree.index[node.code]
        lo[j], hi[j] = ranges.get(node.code, (node.weight * (1 - r), node.weight * (1 + r)))
    u = rng.random((samples, len(tree.nodes)))
    varying = [n for n in tree.nodes if hi[tree.index[n.code]] > lo[tree.index[n.code]] and n is not scheme.root]
    return lo + u * (hi - lo), varying


def _percentiles(ranks: np.ndarray, qs=(5, 50, 95), chunk: int = 512) -> np.ndarray:
    out = np.empty((len(qs), ranks.shape[1]))
    for start in range(0, ranks.shape[1], chunk):
        out[:, start:start + chunk] = np.percentile(ranks[:, start:start + chunk], qs, axis=0)
    return out


class _Sensitivity:
    """Accumulates, batch by batch, the sums of ranks per bin of each factor (one matrix product per batch)."""

    def __init__(self, factors: list[tuple[str, str, np.ndarray, int]], samples: int, n: int):
        self.factors = factors  # (code, name, bin of every sample, number of bins)
        self.offsets = np.cumsum([0] + [nb for *_x, nb in factors])
        self.bin_sums = np.zeros((int(self.offsets[-1]), n))
        self.counts = np.zeros(int(self.offsets[-1]))
        for k, (_c, _n, bins, nb) in enumerate(factors):
            self.counts[self.offsets[k]:self.offsets[k + 1]] = np.bincount(bins, minlength=nb)
        self.sum = np.zeros(n)
        self.sum2 = np.zeros(n)
        self.samples = samples

    def add(self, sel: np.ndarray, ranks: np.ndarray) -> None:
        r = ranks.astype(np.float64)
        self.sum += r.sum(axis=0)
        self.sum2 += (r * r).sum(axis=0)
        if not self.factors:
            return
        onehot = np.zeros((self.bin_sums.shape[0], len(sel)), dtype=np.float32)
        cols = np.arange(len(sel))
        for k, (_c, _n, bins, _nb) in enumerate(self.factors):
            onehot[self.offsets[k] + bins[sel], cols] = 1.0
        # integer ranks summed over at most a batch stay exact in float32 (< 2**24)
        self.bin_sums += onehot @ ranks.astype(np.float32)

    def indices(self) -> list[dict]:
        s = self.samples
        mean = self.sum / s
        sst = float((self.sum2 - s * mean ** 2).sum())  # total sum of squares, summed over units
        out = []
        for k, (code, name, _bins, nb) in enumerate(self.factors):
            rows = slice(self.offsets[k], self.offsets[k + 1])
            c = self.counts[rows]
            keep = c > 0
            means = self.bin_sums[rows][keep] / c[keep, None]
            ssb = float((c[keep, None] * (means - mean) ** 2).sum())
            used = int(keep.sum())
            if sst <= 0 or used < 2:
                index = 0.0
            elif s > used:  # unbiased for the noise of bin means: Var(E[rank|x]) ≈ (MSB − MSW)·bins/S
                ssw = max(sst - ssb, 0.0)
                index = (ssb / (used - 1) - ssw / (s - used)) * used / s / (sst / s)
            else:
                index = ssb / sst
            out.append({"code": code, "name": name, "index": float(min(max(index, 0.0), 1.0))})
        return sorted(out, key=lambda x: -x["index"])


def robustness(scheme: Scheme, data: Data, *, samples: int = 1000, seed: int = 0) -> dict:
    """Monte Carlo robustness of the ranks and tiers; see the module docstring and docs/assessment.md."""
    if samples < 1:
        raise SchemeError("蒙特卡洛抽样次数必须大于0")
    check_data(scheme, data)
    baseline = assess(scheme, data, explain=False)  # also stops on anything the deterministic run rejects
    # units without a score (无数据) have no rank to be robust about: they are left out and listed as such
    without_data = [u.unit for u in baseline.units if u.score is None]
    if without_data:
        keep = np.array([i for i, u in enumerate(baseline.units) if u.score is not None], dtype=int)
        data = Data(units=[data.units[i] for i in keep], columns={k: v[keep] for k, v in data.columns.items()},
                    groups=[data.groups[i] for i in keep], rows=[data.rows[i] for i in keep])
        if not data.units:
            raise SchemeError("没有任何单位有数据,无法做稳健性分析")
        baseline = assess(scheme, data, explain=False)
    unc = scheme.uncertainty
    uses_norm = any(i.rule["type"] in NORMALISATIONS for i in scheme.indicators())
    norms = unc.get("normalisations") or (DEFAULT_ALTERNATIVES if uses_norm else [None])
    if "aggregations" in unc:
        aggs = unc["aggregations"]
    elif uses_norm and scheme.aggregation in ("amean", "gmean"):
        aggs = [scheme.aggregation, "gmean" if scheme.aggregation == "amean" else "amean"]
    else:
        aggs = [scheme.aggregation]
    tree = _Tree(scheme)
    n = len(data.units)
    groups = groups_of(scheme, data)
    mats = []
    for spec in norms:
        mat = np.full((n, len(tree.indicators)), np.nan)
        for _g, idx in groups.items():
            part = indicator_scores(scheme, data, idx, rule_override=spec)
            for j, ind in enumerate(tree.indicators):
                mat[idx, j] = part[ind.code]
        mats.append(mat)
    # a geometric mean needs values > 0 below every node that uses it: other combinations are left out, and said so
    combos, excluded = [], []
    for k, spec in enumerate(norms):
        for a in aggs:
            hows = tree.hows(a)
            gm = sorted({j for node in tree.internal if hows[node.code] == HOW["gmean"]
                         for j in tree.leaves_under[node.code]})
            sub = mats[k][:, gm]
            if gm and (np.nan_to_num(sub, nan=1.0) <= 0).any():
                excluded.append({"normalisation": _label(spec), "aggregation": a,
                                 "reason": "几何平均要求所有值大于0,此标准化方法产生了0或负值"})
            else:
                combos.append((k, a, hows))
    if not combos:
        raise SchemeError("稳健性分析没有可用的标准化与汇总方法组合(几何平均遇到0或负值)")
    rng = np.random.default_rng(seed)
    choice = rng.integers(0, len(combos), size=samples)
    weights, varying = _draw_weights(scheme, tree, rng, samples)

    net, vetoed = adjustments(scheme, data)
    tier_names = [t.name for t in scheme.tiers]
    tier_counts = np.zeros((n, len(tier_names)))
    base_tier = {u.unit: u.tier for u in baseline.units}
    own_rules, scale_rules = {}, {}
    for g, idx in groups.items():
        size = len(idx)
        own_rules[g] = [(t.min_score, None if t.max_share is None else int(np.floor(t.max_share * size + 1e-9)))
                        for t in scheme.tiers]
        # on another scale the score thresholds mean nothing: each tier keeps the number of units it has now
        scale_rules[g] = [(None, sum(1 for i in idx if base_tier[data.units[i]] == t.name)) for t in scheme.tiers]

    factors = []
    for node in varying:
        x = weights[:, tree.index[node.code]]
        nb = min(10, max(2, samples // 20))
        edges = np.quantile(x, np.linspace(0, 1, nb + 1)[1:-1])
        factors.append((node.code, node.name, np.searchsorted(edges, x, side="right"), nb))
    norm_of = np.array([combos[c][0] for c in range(len(combos))])[choice]
    agg_of = np.array([aggs.index(combos[c][1]) for c in range(len(combos))])[choice]
    if len(set(norm_of.tolist())) > 1:
        factors.append(("normalisation", "标准化方法", norm_of, len(norms)))
    if len(set(agg_of.tolist())) > 1:
        factors.append(("aggregation", "汇总方法", agg_of, len(aggs)))
    sens = _Sensitivity(factors, samples, n)

    biggest = max(len(idx) for idx in groups.values())
    ranks = np.empty((samples, n), dtype=np.int16 if biggest < 32000 else np.int32)
    batch = max(16, min(4096, CELLS_PER_BATCH // max(n, 1)))
    for c, (k, a, hows) in enumerate(combos):
        own_scale = norms[k] is None and a == scheme.aggregation
        chosen = np.flatnonzero(choice == c)
        for start in range(0, len(chosen), batch):
            sel = chosen[start:start + batch]
            totals = index_scores(tree, mats[k], weights[sel], hows) + net
            for g, idx in groups.items():
                part = totals[:, idx]
                r = group_ranks(part)
                ranks[np.ix_(sel, idx)] = r
                if tier_names:
                    t = batch_tiers(np.round(part, 9), r, vetoed[idx], (own_rules if own_scale else scale_rules)[g],
                                    len(tier_names))
                    for kk in range(len(tier_names)):
                        tier_counts[idx, kk] += (t == kk).sum(axis=0)
            sens.add(sel, ranks[sel])

    p5, p50, p95 = _percentiles(ranks)
    units = []
    for i, name in enumerate(data.units):
        scored = baseline.units[i].score is not None
        units.append({"unit": name, "group": data.groups[i], "rank": baseline.units[i].rank,
                      "median_rank": float(p50[i]) if scored else None,
                      "rank_p5": float(p5[i]) if scored else None, "rank_p95": float(p95[i]) if scored else None,
                      "tier": baseline.units[i].tier,
                      "tier_probability": {t: float(tier_counts[i, kk]) / samples for kk, t in enumerate(tier_names)}})
    used = np.bincount(choice, minlength=len(combos))
    return {"samples": samples, "seed": seed, "weight_range": unc.get("weight_range", 0.25),
            "weight_ranges": {code: list(v) for code, v in unc.get("weights", {}).items()},
            "normalisations": [_label(s) for s in norms], "aggregations": aggs,
            "combinations": [{"normalisation": _label(norms[k]), "aggregation": a, "samples": int(used[c])}
                             for c, (k, a, _h) in enumerate(combos)],
            "excluded": excluded, "tiers": tier_names, "units": units, "without_data": without_data,
            "sensitivity": sens.indices()}
