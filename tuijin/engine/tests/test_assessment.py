import numpy as np
import pytest

from tuijin.engine.assessment import Data, SchemeError, assess, parse_scheme, robustness
from tuijin.engine.assessment.cli import main as assess_main

SCHEME = """
code: park
name: 园区考核
unit_column: 单位
group_column: 分组
groups: [A档, B档]
aggregation: sum
tiers:
  - {name: 第一等次, min_score: 90, max_share: 0.5}
  - {name: 第二等次, min_score: 80}
  - {name: 第三等次}
bonuses: [{code: bonus, name: 加分项, column: 加分, cap: 5}]
deductions: [{code: minus, name: 扣分项, column: 扣分, cap: 10}]
vetoes: [{code: safety, name: 安全生产一票否决, column: 安全事故}]
tree:
  code: total
  name: 总分
  children:
    - code: econ
      name: 经济发展
      children:
        - {code: revenue, name: 一般公共预算收入, points: 40, rule: {type: completion, target: 收入目标, per_pp: 1}}
        - {code: invest, name: 固定资产投资, points: 30, rule: {type: completion, target: 100, mode: all_or_nothing}}
    - code: env
      name: 营商环境
      children:
        - {code: tickets, name: 诉求办结率, points: 30, rule: {type: steps, steps: [[0.95, 30], [0.9, 25], [0.8, 15]]}}
"""


def data(**over):
    cols = {"收入目标": [10, 10, 10, 10], "revenue": [9.23, 10.5, 8.0, 10], "invest": [100, 120, 99, 100],
            "tickets": [0.96, 0.91, 0.85, 0.5], "加分": [2, 9, 0, 0], "扣分": [0, 0, 3, 0], "安全事故": [0, 0, 0, 1]}
    cols.update(over)
    return Data(units=["甲园区", "乙园区", "丙园区", "丁园区"], groups=["A档", "A档", "B档", "B档"],
                columns={k: np.array(v, dtype=float) for k, v in cols.items()})


def test_points_reasons_bonus_caps_tiers_and_veto():
    r = assess(parse_scheme(SCHEME), data()).by_unit()
    jia = r["甲园区"]
    assert jia.scores["revenue"] == pytest.approx(32.3)
    assert jia.score == pytest.approx(32.3 + 30 + 30 + 2)
    reasons = {b["code"]: b["reason"] for b in jia.breakdown}
    assert reasons["revenue"] == "完成目标的92.3%,低于100%,扣7.70分"
    assert r["乙园区"].score == pytest.approx(40 + 30 + 25 + 5)  # bonus capped at 5
    assert (r["乙园区"].rank, r["甲园区"].rank) == (1, 2)
    assert (r["乙园区"].tier, r["甲园区"].tier) == ("第一等次", "第二等次")  # quota: 50% of 2 = 1 first tier
    assert r["丙园区"].score == pytest.approx(40 - 20 + 0 + 15 - 3)
    assert r["丁园区"].tier == "第三等次" and r["丁园区"].vetoed
    assert any("一票否决" in b["reason"] for b in r["丁园区"].breakdown)


@pytest.mark.parametrize("yaml_text, word", [
    ("tree: {code: r, children: [{code: a, weight: -1, rule: {type: value}}]}", "负数"),
    ("tree: {code: r, children: [{code: a, weight: 0, rule: {type: value}}, {code: b, weight: 0, rule: {type: value}}]}",
     "全部为0"),
    ("tree: {code: r, children: [{code: a, rule: {type: efficacy, floor: 10, top: 5}}]}", "不允许值"),
    ("tree: {code: r, children: [{code: a, rule: {type: minmax, low: 100, high: 0}}]}", "下限"),
    ("tree: {code: r, children: [{code: a, rule: {type: value}}, {code: a, rule: {type: value}}]}", "重复"),
    ("tree: {code: r, children: [{code: r, rule: {type: value}}]}", "循环"),
    ("tiers: [{name: 一, max_share: 1.2}]\ntree: {code: r, children: [{code: a, rule: {type: value}}]}", "超出"),
    ("tiers: [{name: 一, max_share: 0.7}, {name: 二, max_share: 0.6}]\ntree: {code: r, children: [{code: a, rule: {type: value}}]}", "超过100%"),
    ("tree: {code: r, children: [{code: a, rule: {type: completion, target: 1, floor: 50, cap: 10}}]}", "最低分"),
    ("tree: {code: r, children: [{code: a, rule: {type: magic}}]}", "规则"),
    ("tree: [unclosed", "YAML"),
])
def test_bad_schemes_name_the_node(yaml_text, word):
    with pytest.raises(SchemeError, match=word):
        parse_scheme(yaml_text)


def test_bad_data():
    scheme = parse_scheme(SCHEME)
    d = data()
    del d.columns["tickets"]
    with pytest.raises(SchemeError, match="tickets"):
        assess(scheme, d)
    d = data()
    d.groups[2] = ""
    with pytest.raises(SchemeError, match="第4行 单位「丙园区」没有分组"):
        assess(scheme, d)
    g = parse_scheme("aggregation: gmean\ntree: {code: r, children: [{code: a, rule: {type: value}}, {code: b, rule: {type: value}}]}")
    with pytest.raises(SchemeError, match="几何平均"):
        assess(g, Data(units=["u1", "u2"], columns={"a": np.array([1.0, 0.0]), "b": np.array([2.0, 3.0])}))


def test_missing_policies():
    base = "tree: {code: r, children: [{code: a, rule: {type: value}}, {code: b, rule: {type: value}}]}"
    d = Data(units=["u1", "u2"], columns={"a": np.array([10.0, np.nan]), "b": np.array([20.0, 30.0])})
    assert assess(parse_scheme("missing: drop\n" + base), d).units[1].score == 30  # renormalised over b
    assert assess(parse_scheme("missing: zero\n" + base), d).units[1].score == 15
    with pytest.raises(SchemeError, match="第3行 单位「u2」缺少指标「a」"):
        assess(parse_scheme("missing: error\n" + base), d)


def test_other_rules():
    s = parse_scheme("""
aggregation: sum
tree:
  code: r
  children:
    - {code: eff, points: 100, rule: {type: efficacy}}
    - {code: eff2, points: 100, rule: {type: efficacy, floor: 0, top: 10, clamp_low: false}}
    - {code: best, points: 10, rule: {type: ratio_to_best}}
    - {code: low, direction: -1, points: 10, rule: {type: ratio_to_best}}
    - {code: imp, points: 10, rule: {type: improvement, last_year: last, base_share: 0.8, step: 0.05, step_points: 1, cap: 1.5}}
    - {code: rp, points: 10, rule: {type: rank_points, per_place: 0.05}}
    - {code: yn, points: 3, rule: {type: yesno}}
""")
    d = Data(units=["u1", "u2", "u3"], columns={k: np.array(v, float) for k, v in {
        "eff": [0, 5, 10], "eff2": [-5, 5, 10], "best": [5, 10, 2], "low": [5, 10, 2], "imp": [115, 100, 90],
        "last": [100, 100, 100], "rp": [3, 2, 1], "yn": [1, 0, 1]}.items()})
    r = assess(s, d)
    sc = [u.scores for u in r.units]
    assert [x["eff"] for x in sc] == [60, 80, 100]
    assert sc[0]["eff2"] == pytest.approx(40)  # not clamped below 60
    assert [x["best"] for x in sc] == [5, 10, 2]
    assert [x["low"] for x in sc] == pytest.approx([4, 2, 10])
    assert [x["imp"] for x in sc] == pytest.approx([9.5, 8, 7.2])  # +3 steps capped at 1.5; 10% below: 8×0.9
    assert [x["rp"] for x in sc] == pytest.approx([10, 9.5, 9])
    assert [x["yn"] for x in sc] == [3, 0, 3]


def test_robustness_deterministic_and_sane():
    scheme = parse_scheme((__import__("pathlib").Path(__file__).resolve().parents[3] / "examples" / "asem" /
                           "a_minmax_amean.yaml").read_text(encoding="utf-8"))
    from tuijin.engine.assessment.io import read_data

    d = read_data(__import__("pathlib").Path(__file__).resolve().parents[3] / "examples/asem/data/input_raw_data.csv",
                  scheme)
    r1 = robustness(scheme, d, samples=200, seed=7)
    r2 = robustness(scheme, d, samples=200, seed=7)
    assert r1 == r2
    deu = next(u for u in r1["units"] if u["unit"] == "DEU")
    assert deu["rank_p5"] <= deu["median_rank"] <= deu["rank_p95"] and deu["median_rank"] <= 3
    assert all(0 <= s["index"] <= 1 for s in r1["sensitivity"])
    assert r1 != robustness(scheme, d, samples=200, seed=8)


def test_cli_bad_input(tmp_path, capsys):
    scheme = tmp_path / "s.yaml"
    scheme.write_text(SCHEME, encoding="utf-8")
    data_file = tmp_path / "d.csv"
    data_file.write_text("单位,分组,收入目标,revenue,invest,tickets,加分,扣分,安全事故\n甲,A档,10,九,100,0.9,0,0,0\n",
                         encoding="utf-8")
    assert assess_main(["--scheme", str(scheme), "--data", str(data_file)]) == 1
    assert "第2行 revenue: 不是数字「九」" in capsys.readouterr().err
    data_file.write_text("单位,分组,收入目标,revenue,invest,tickets,加分,扣分,安全事故\n甲,A档,10,9,100,0.9,0,0,0\n",
                         encoding="utf-8")
    assert assess_main(["--scheme", str(scheme), "--data", str(data_file), "--format", "xlsx", "--out",
                        str(tmp_path / "r.xlsx")]) == 0
    assert (tmp_path / "r.xlsx").stat().st_size > 1000


def test_robustness_tier_probabilities_sum_to_one():
    r = robustness(parse_scheme(SCHEME), data(), samples=100, seed=3)
    for u in r["units"]:
        assert sum(u["tier_probability"].values()) == pytest.approx(1.0)
        assert 1 <= u["median_rank"] <= 2


def test_a_unit_without_data_has_no_rank_no_tier_and_no_robustness():
    """无数据: no score, no rank, no tier (not the lowest one), and left out of the robustness analysis."""
    nan = float("nan")
    scheme = parse_scheme("missing: drop\n" + SCHEME)
    d = data(revenue=[9.23, 10.5, 8.0, nan], invest=[100, 120, 99, nan], tickets=[0.96, 0.91, 0.85, nan],
             安全事故=[0, 0, 0, 0])
    r = assess(scheme, d).by_unit()
    empty = r[d.units[3]]
    assert (empty.score, empty.rank, empty.tier) == (None, None, "")
    assert all(r[u].tier for u in d.units[:3])
    rob = robustness(scheme, d, samples=50, seed=1)
    assert rob["without_data"] == [d.units[3]]
    assert d.units[3] not in {u["unit"] for u in rob["units"]}
