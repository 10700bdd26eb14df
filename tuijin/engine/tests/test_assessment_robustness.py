"""Robustness analysis: the vectorised scoring agrees with the deterministic run, ranks and tiers agree with
the one-unit-at-a-time rules, and the summaries behave as they should."""
from pathlib import Path

import numpy as np
import pytest

from tuijin.engine.assessment import Data, SchemeError, assess, parse_scheme, robustness
from tuijin.engine.assessment.io import read_data
from tuijin.engine.assessment.robustness import _general, _percentiles, _Tree, batch_tiers, group_ranks, index_scores
from tuijin.engine.assessment.run import groups_of, indicator_scores, tier_indices
from tuijin.engine.ranking import competition_rank

ROOT = Path(__file__).resolve().parents[3]
ASEM = ROOT / "examples" / "asem"


def asem(config="f_minmax_amean_customweights"):
    scheme = parse_scheme((ASEM / f"{config}.yaml").read_text(encoding="utf-8"))
    return scheme, read_data(ASEM / "data" / "input_raw_data.csv", scheme)


def base_weights(tree):
    return np.array([[n.weight for n in tree.nodes]])


@pytest.mark.parametrize("config", ["f_minmax_amean_customweights", "c_minmax1_100_gmean", "d_rank_amean"])
def test_vectorised_index_equals_deterministic_run(config):
    """With the scheme's own weights the batch scorer gives the deterministic index (rows with and without
    missing values, amean and gmean)."""
    scheme, data = asem(config)
    tree = _Tree(scheme)
    base = np.column_stack([indicator_scores(scheme, data, np.arange(len(data.units)))[i.code]
                            for i in tree.indicators])
    assert np.isnan(base).any(axis=1).sum() == 20  # the 20 units with gaps take the general path
    got = index_scores(tree, base, base_weights(tree), tree.hows(scheme.aggregation))[0]
    want = np.array([u.score for u in assess(scheme, data, explain=False).units])
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_fast_path_equals_node_by_node():
    scheme, data = asem()
    tree = _Tree(scheme)
    base = np.column_stack([indicator_scores(scheme, data, np.arange(51))[i.code] for i in tree.indicators])
    w = base_weights(tree) * np.random.default_rng(3).uniform(0.5, 1.5, (20, len(tree.nodes)))
    hows = tree.hows("amean")
    np.testing.assert_allclose(index_scores(tree, base, w, hows), _general(tree, base, w, hows), rtol=1e-12)


def test_group_ranks_are_competition_ranks():
    rng = np.random.default_rng(5)
    s = rng.integers(0, 6, (30, 12)).astype(float)  # many ties
    s[3, 4] = np.nan
    got = group_ranks(s)
    for row, ranks in zip(s, got):
        want = competition_rank([None if np.isnan(v) else v for v in row])
        present = ~np.isnan(row)
        assert list(ranks[present]) == [w for w in want if w is not None]
        if not present.all():
            assert ranks[~present].min() > ranks[present].max()  # a unit without a score comes last


def test_batch_tiers_equal_one_by_one():
    scheme = parse_scheme("""
tiers: [{name: 一, min_score: 50, max_share: 0.3}, {name: 二, max_share: 0.3}, {name: 三, min_score: 10}, {name: 四}]
tree: {code: r, children: [{code: a, rule: {type: value}}]}
""")
    rng = np.random.default_rng(9)
    scores = np.round(rng.uniform(0, 100, (40, 11)) / 10) * 10  # ties at quota edges
    vetoed = np.zeros(11, dtype=bool)
    vetoed[2] = True
    ranks = group_ranks(scores)
    rules = [(t.min_score, None if t.max_share is None else int(np.floor(t.max_share * 11 + 1e-9)))
             for t in scheme.tiers]
    got = batch_tiers(scores, ranks, vetoed, rules, 4)
    for b in range(40):
        assert list(got[b]) == list(tier_indices(scheme, scores[b], ranks[b].astype(float), vetoed))
    assert (got[:, 2] == 3).all()


JIANGYAN = (ROOT / "examples" / "jiangyan_2021_sanbi.yaml").read_text(encoding="utf-8")


def jiangyan():
    scheme = parse_scheme(JIANGYAN)
    return scheme, read_data(ROOT / "examples" / "jiangyan_2021_sanbi.csv", scheme)


def test_no_uncertainty_gives_the_published_result():
    scheme, data = jiangyan()
    scheme.uncertainty = {"weight_range": 0.0}
    r = robustness(scheme, data, samples=50, seed=1)
    published = assess(scheme, data).by_unit()
    for u in r["units"]:
        p = published[u["unit"]]
        assert u["median_rank"] == u["rank_p5"] == u["rank_p95"] == p.rank
        assert u["tier_probability"][p.tier] == 1.0
    assert r["sensitivity"] == [] and r["combinations"] == [
        {"normalisation": "scheme", "aggregation": "sum", "samples": 50}]


def test_points_scheme_keeps_bonuses_vetoes_and_thresholds():
    scheme, data = jiangyan()
    r = {u["unit"]: u for u in robustness(scheme, data, samples=400, seed=2)["units"]}
    # the vetoed park is in the lowest tier in every sample; tier probabilities sum to 1
    assert r["姜堰区大伦产业园区"]["tier_probability"]["第三等次"] == 1.0
    for u in r.values():
        assert sum(u["tier_probability"].values()) == pytest.approx(1.0)
        assert u["rank_p5"] <= u["median_rank"] <= u["rank_p95"]
    # 6.46 bonus points keep 姜堰经济开发区 first in A档 whatever the weights (±20%)
    assert r["姜堰经济开发区"]["rank_p95"] == 1
    assert 0 < r["姜堰区现代科技产业园区"]["tier_probability"]["第一等次"] < 1  # 167.50 vs 167.0: close call


def test_geometric_mean_combinations_needing_positive_values_are_left_out_and_said():
    scheme, data = asem("a_minmax_amean")  # min-max [0, 100]: every indicator has a 0
    r = robustness(scheme, data, samples=300, seed=4)
    assert {"normalisation": "scheme", "aggregation": "gmean",
            "reason": "几何平均要求所有值大于0,此标准化方法产生了0或负值"} in r["excluded"]
    assert sum(c["samples"] for c in r["combinations"]) == 300
    assert all(not (c["normalisation"] == "scheme" and c["aggregation"] == "gmean") for c in r["combinations"])
    scheme.uncertainty = {"normalisations": [None], "aggregations": ["gmean"]}
    with pytest.raises(SchemeError, match="没有可用的"):
        robustness(scheme, data, samples=10)


def test_sensitivity_finds_the_weight_that_matters():
    scheme = parse_scheme("""
uncertainty:
  weights: {A: [0.2, 5], a1: [0.2, 5], B: [1, 1], b1: [1, 1]}
tree:
  code: r
  children:
    - {code: A, children: [{code: a1, rule: {type: value}}]}
    - {code: B, children: [{code: b1, rule: {type: value}}]}
""")
    x = np.linspace(0, 1, 30)
    data = Data(units=[f"u{i}" for i in range(30)], columns={"a1": x, "b1": (1 - x) ** 2})
    r = robustness(scheme, data, samples=2000, seed=11)
    index = {s["code"]: s["index"] for s in r["sensitivity"]}
    assert set(index) == {"A", "a1"}  # fixed weights are not factors
    assert index["A"] > 0.8  # A's weight decides the order
    assert index["a1"] < 0.02  # a single child's weight is normalised away


def test_deterministic_for_a_seed_and_varies_with_it():
    scheme, data = asem()
    a = robustness(scheme, data, samples=300, seed=7)
    assert a == robustness(scheme, data, samples=300, seed=7)
    assert a != robustness(scheme, data, samples=300, seed=8)
    deu = next(u for u in a["units"] if u["unit"] == "DEU")
    assert deu["rank_p5"] <= deu["median_rank"] <= deu["rank_p95"] <= 5
    assert all(0 <= s["index"] <= 1 for s in a["sensitivity"])


def test_groups_are_ranked_apart_and_percentiles_match_numpy():
    scheme, data = jiangyan()
    r = robustness(scheme, data, samples=64, seed=5)
    sizes = {g: len(idx) for g, idx in groups_of(scheme, data).items()}
    for u in r["units"]:
        assert 1 <= u["rank_p5"] and u["rank_p95"] <= sizes[u["group"]]
    ranks = np.array([[1, 2], [3, 2], [2, 2], [4, 1]])
    np.testing.assert_allclose(_percentiles(ranks), np.percentile(ranks, [5, 50, 95], axis=0))


def test_bad_sample_count():
    scheme, data = jiangyan()
    with pytest.raises(SchemeError, match="大于0"):
        robustness(scheme, data, samples=0)
