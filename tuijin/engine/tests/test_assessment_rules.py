"""Every rule on the worked examples of docs/assessment.md, aggregation, tiers, and the bad schemes and data
that must stop with a Chinese message naming the node or row."""
import numpy as np
import pytest

from tuijin.engine.assessment import Data, SchemeError, assess, parse_scheme
from tuijin.engine.assessment.io import data_from_rows


def one(rule: str, values, *, direction=1, points=None, extra_cols=None, agg="sum"):
    """Score a single indicator ``a`` with ``rule`` over units u1…; returns (scores, reasons)."""
    head = f"aggregation: {agg}\ntree: {{code: r, children: [{{code: a, direction: {direction}"
    head += f", points: {points}" if points is not None else ""
    scheme = parse_scheme(head + f", rule: {rule}}}]}}")
    cols = {"a": np.array(values, dtype=float), **{k: np.array(v, dtype=float) for k, v in (extra_cols or {}).items()}}
    res = assess(scheme, Data(units=[f"u{i}" for i in range(len(values))], columns=cols))
    return [u.scores["a"] for u in res.units], [u.breakdown[0]["reason"] for u in res.units]


def test_completion_linear_the_issue_example():
    s, why = one("{type: completion, target: 100, per_pp: 0.1}", [92.3], points=10)
    assert s == pytest.approx([9.23])
    assert why == ["完成目标的92.3%,低于100%,扣0.77分"]


def test_completion_bonus_and_cap():
    s, why = one("{type: completion, target: t, per_pp: 0.5, bonus_per_pp: 0.1, cap: 16}", [12.6, 15, 10.2],
                 points=15, extra_cols={"t": [12, 12, 11]})
    assert s == pytest.approx([15.5, 16, 15 - 0.5 * (1 - 10.2 / 11) * 100])
    assert why[0] == "完成目标的105.0%,超额加0.50分,得15.50分"
    assert why[2] == "完成目标的92.7%,低于100%,扣3.64分"


def test_completion_floor_all_or_nothing_and_lower_is_better():
    s, why = one("{type: completion, target: 100, per_pp: 2, floor: 3}", [60], points=10)
    assert s == [3] and why == ["完成目标的60.0%,低于100%,扣7.00分,已扣至最低分"]
    s, why = one("{type: completion, target: t, mode: all_or_nothing}", [8, 4], points=10, extra_cols={"t": [8, 5]})
    assert s == [10, 0] and why == ["完成目标的100.0%,得满分10.00分", "完成目标的80.0%,未完成目标,得0.00分"]
    s, _ = one("{type: completion, target: 0.5, per_pp: 0.2}", [0.55, 0.4], direction=-1, points=10)
    assert s == pytest.approx([10 - 0.2 * (1 - 0.5 / 0.55) * 100, 10])


def test_efficacy():
    s, why = one("{type: efficacy, floor: 0, top: 20}", [18.5, -3, 25], points=10)
    assert s == pytest.approx([9.7, 6.0, 10.0])
    assert why[0] == "原始值18.5,不允许值0、满意值20,按功效系数法得9.70分"
    s, _ = one("{type: efficacy, floor: 0, top: 20, clamp_low: false}", [-3])
    assert s == pytest.approx([54])
    s, _ = one("{type: efficacy}", [0, 5, 10])  # bounds from the data, on the 60–100 scale
    assert s == [60, 80, 100]
    s, _ = one("{type: efficacy, floor: 1.0, top: 0.3}", [0.44], direction=-1)
    assert s == pytest.approx([92])


def test_ratio_to_best():
    s, why = one("{type: ratio_to_best}", [1.85, 1.2], points=10)
    assert s == pytest.approx([10, 1.2 / 1.85 * 10])
    assert why[1] == "原始值1.2,最优单位1.85,相当于最优的64.9%,得6.49分"
    s, _ = one("{type: ratio_to_best}", [0.28, 0.35], direction=-1, points=5)
    assert s == pytest.approx([5, 4])


def test_improvement():
    s, why = one("{type: improvement, last_year: last}", [42, 36, 30], points=10, extra_cols={"last": [38, 36, 32]})
    assert s == pytest.approx([10, 8, 7.5])  # +10.5% → 8 + 2.1, capped at full marks; level → 8; −6.25% → 8×0.9375
    assert why == ["本年42,上年38,增长10.5%,得10.00分", "本年36,上年36,增长0.0%,得8.00分", "本年30,上年32,下降6.3%,得7.50分"]
    s, _ = one("{type: improvement, last_year: last, whole_steps: true, cap: 1.5}", [41.6, 45],
               points=10, extra_cols={"last": [38, 38]})
    assert s == pytest.approx([9, 9.5])  # 9.47% = one whole step; 18.4% = three steps, capped at 1.5


def test_rank_points():
    s, why = one("{type: rank_points, per_place: 0.1}", [0.42, 0.38, 0.51, 0.38], direction=-1, points=5)
    assert s == pytest.approx([4, 5, 3.5, 5])  # ranks 3, 1, 4, 1
    assert why[0] == "原始值0.42,排第3名,每后退一名扣满分的10.0%,得4.00分"


def test_steps():
    s, why = one("{type: steps, steps: [[6, 10], [4, 8], [2, 5]]}", [7, 5, 3, 1])
    assert s == [10, 8, 5, 0]
    assert why[1] == "原始值5,达到4档,得8.00分" and why[3] == "原始值1,未达到最低档2,得0.00分"
    s, _ = one("{type: steps, steps: [[0, 10], [2, 6]]}", [0, 2, 4], direction=-1)  # accidents: fewer is better
    assert s == [10, 6, 0]


def test_yesno_and_value():
    s, why = one("{type: yesno}", [1, 0], points=5)
    assert s == [5, 0] and why == ["是,得5.00分", "否,不得分"]
    s, why = one("{type: value}", [14.2])
    assert s == [14.2] and why == ["直接计分,得14.20分"]


def test_composite_index_normalisations():
    assert one("{type: minmax}", [0, 5, 10])[0] == [0, 50, 100]
    assert one("{type: minmax, low: 60, high: 100}", [0, 5, 10])[0] == [60, 80, 100]
    assert one("{type: minmax}", [0, 5, 10], direction=-1)[0] == [100, 50, 0]
    assert one("{type: zscore}", [2, 4, 6])[0] == pytest.approx([-1, 0, 1])  # sample sd = 2
    assert one("{type: zscore, mean: 10, sd: 2}", [2, 4, 6])[0] == pytest.approx([8, 10, 12])
    assert one("{type: rank}", [5, 3, 3, 9])[0] == [3, 1, 1, 4]
    assert one("{type: dist2targ, target: 8}", [2, 5, 10])[0] == pytest.approx([0, 0.5, 4 / 3])
    assert one("{type: dist2targ, target: 8, cap: true}", [2, 5, 10])[0] == pytest.approx([0, 0.5, 1])


def two(agg, a, b, wa=1, wb=1, missing="drop"):
    scheme = parse_scheme(f"aggregation: {agg}\nmissing: {missing}\ntree: {{code: r, children: ["
                          f"{{code: a, weight: {wa}, rule: {{type: value}}}}, {{code: b, weight: {wb}, rule: {{type: value}}}}]}}")
    return assess(scheme, Data(units=["u"], columns={"a": np.array([a], float), "b": np.array([b], float)})).units[0].score


def test_aggregation_worked_examples():
    assert two("amean", 80, 50, wa=2) == pytest.approx(70)
    assert two("amean", 80, np.nan, wa=2) == pytest.approx(80)  # dropped, weights renormalised
    assert two("amean", 80, np.nan, wa=2, missing="zero") == pytest.approx(160 / 3)
    assert two("gmean", 25, 100) == pytest.approx(50)
    assert two("sum", 15.5, 9.7) == pytest.approx(25.2)
    assert two("sum", 15.5, 9.7, wb=2) == pytest.approx(34.9)


def test_tiers_threshold_quota_ties_and_veto():
    scheme = parse_scheme("""
aggregation: sum
tiers: [{name: 第一等次, min_score: 85, max_share: 0.4}, {name: 第二等次, min_score: 75}, {name: 第三等次}]
vetoes: [{code: v, name: 安全生产一票否决, column: v}]
tree: {code: r, children: [{code: a, rule: {type: value}}]}
""")
    d = Data(units=list("ABCDEF"), columns={"a": np.array([92, 88, 88, 80, 70, 95.0]), "v": np.array([0, 0, 0, 0, 0, 1.0])})
    r = assess(scheme, d).by_unit()
    # quota ⌊0.4 × 6⌋ = 2: F is vetoed, A takes one place, B and C tie for the last one and neither is taken
    assert [r[u].tier for u in "ABCDEF"] == ["第一等次", "第二等次", "第二等次", "第二等次", "第三等次", "第三等次"]
    assert [r[u].rank for u in "ABCDEF"] == [2, 3, 3, 5, 6, 1]  # the vetoed unit keeps its rank by score
    assert r["F"].breakdown[-1]["reason"] == "触发安全生产一票否决,直接评为最低等次"


def test_bonus_and_deduction_caps_are_explained():
    scheme = parse_scheme("""
aggregation: sum
bonuses: [{code: gold, name: 夺金点, column: g, cap: 5}]
deductions: [{code: notice, name: 督查通报, column: n, per: 0.5, cap: 1}]
tree: {code: r, children: [{code: a, rule: {type: value}}]}
""")
    d = Data(units=["u"], columns={"a": np.array([80.0]), "g": np.array([7.0]), "n": np.array([3.0])})
    u = assess(scheme, d).units[0]
    assert u.score == 80 + 5 - 1
    assert [b["reason"] for b in u.breakdown[1:]] == ["加分项,加5.00分(按7.00分计,超过上限5.00分)",
                                                      "扣分项,扣1.00分(按1.50分计,超过上限1.00分)"]


def test_missing_value_policy_per_indicator():
    scheme = parse_scheme("""
missing: drop
tree: {code: r, children: [{code: a, rule: {type: value}}, {code: b, missing: zero, rule: {type: value}}]}
""")
    d = Data(units=["u1", "u2"], columns={"a": np.array([np.nan, 10.0]), "b": np.array([30.0, np.nan])})
    r = assess(scheme, d).by_unit()
    assert r["u1"].score == 30 and r["u2"].score == 5
    reasons = {b["code"]: b["reason"] for b in r["u2"].breakdown}
    assert reasons["b"] == "无数据,按方案计0.00分"
    assert [b["reason"] for b in r["u1"].breakdown][0] == "无数据,不计入(同级其他项按权重折算)"


# --- bad schemes: each stops with a message naming the node ---

T = "tree: {code: r, children: [%s]}"


@pytest.mark.parametrize("text, message", [
    (T % "{code: a, weight: -1, rule: {type: value}}", "节点「a」的权重为负数"),
    (T % "{code: a, weight: 0, rule: {type: value}}, {code: b, weight: 0, rule: {type: value}}", "节点「r」的下级权重全部为0"),
    (T % "{code: a, rule: {type: efficacy, floor: 10, top: 5}}", "指标「a」的功效系数法不允许值10应小于满意值5"),
    (T % "{code: a, direction: -1, rule: {type: efficacy, floor: 0.3, top: 1}}", "不允许值0.3应大于满意值1"),
    (T % "{code: a, rule: {type: minmax, low: 100, high: 0}}", "指标「a」的极差法区间下限100不小于上限0"),
    (T % "{code: a, points: 10, rule: {type: completion, target: 1, floor: 12}}", "指标「a」的最低分12高于封顶分10"),
    (T % "{code: a, rule: {type: completion, target: 1, floor: 50, cap: 10}}", "最低分50高于封顶分10"),
    (T % "{code: a, rule: {type: completion, target: 1, bonus_per_pp: 0.1}}", "还需要封顶分 cap"),
    (T % "{code: a, rule: {type: completion, target: 0}}", "目标值必须大于0"),
    (T % "{code: a, rule: {type: completion}}", "指标「a」的completion规则需要参数 target"),
    (T % "{code: a, rule: {type: zscore, sd: 0}}", "标准差必须大于0"),
    (T % "{code: a, rule: {type: improvement, last_year: l, step: 0}}", "step(每档增幅)必须大于0"),
    (T % "{code: a, rule: {type: rank_points, per_place: 2}}", "per_place"),
    (T % "{code: a, rule: {type: steps, steps: [[1, 2], [1, 3]]}}", "阶梯门槛有重复"),
    (T % "{code: a, rule: {type: steps, steps: 5}}", "阶梯规则需要 steps"),
    (T % "{code: a, rule: {type: minmax, low: 零}}", "指标「a」的low应是数字,而不是「零」"),
    (T % "{code: a, rule: {type: minmax, hihg: 10}}", "指标「a」的minmax规则有不认识的参数「hihg」"),
    (T % "{code: a, wieght: 2, rule: {type: value}}", "节点「a」有不认识的参数「wieght」"),
    (T % "{code: a, rule: {type: value}}, {code: a, rule: {type: value}}", "节点代码「a」重复"),
    (T % "{code: r, rule: {type: value}}", "节点「r」出现在自己的下级中:树中有循环"),
    ("tree: &t {code: r, children: [*t]}", "树中有循环"),
    (T % "{code: a, rule: {type: magic}}", "规则类型「magic」不支持"),
    (T % "{code: a}", "指标「a」缺少计分规则"),
    (T % "{code: a, rule: {type: value}, children: [{code: b, rule: {type: value}}]}", "既有下级又有计分规则"),
    (T % "{code: a, direction: up, rule: {type: value}}", "节点「a」的方向应为"),
    ("tree: {code: r, rule: {type: value}}", "根节点必须有下级"),
    ("tiers: [{name: 一, max_share: 1.2}]\n" + T % "{code: a, rule: {type: value}}", "等次「一」的比例120%超出0—100%"),
    ("tiers: [{name: 一, max_share: 0.7}, {name: 二, max_share: 0.6}]\n" + T % "{code: a, rule: {type: value}}",
     "各等次比例合计130%,超过100%"),
    ("tiers: [{name: 一, min_score: 80}, {name: 二, min_score: 90}]\n" + T % "{code: a, rule: {type: value}}",
     "等次「二」的分数线90高于上一等次「一」的80"),
    ("bonuses: [{code: a, column: x}]\n" + T % "{code: a, rule: {type: value}}", "代码「a」重复(加分项)"),
    ("deductions: [{code: d, cap: -1}]\n" + T % "{code: a, rule: {type: value}}", "扣分项「d」的分值和上限不能为负数"),
    ("uncertainty: {weight_range: 1.5}\n" + T % "{code: a, rule: {type: value}}", "weight_range 应在0到1之间"),
    ("uncertainty: {weights: {a: [2, 3]}}\n" + T % "{code: a, rule: {type: value}}", "节点「a」的权重范围[2, 3]应不小于0且包含其权重1"),
    ("uncertainty: {weights: {zz: [0, 3]}}\n" + T % "{code: a, rule: {type: value}}", "uncertainty.weights 中的节点「zz」不在指标树中"),
    ("uncertainty: {normalisations: [{type: completion, target: 1}]}\n" + T % "{code: a, rule: {type: value}}",
     "备选标准化方法第1项只能是"),
    ("aggregation: median\n" + T % "{code: a, rule: {type: value}}", "汇总方式「median」不支持"),
    ("missing: ignore\n" + T % "{code: a, rule: {type: value}}", "缺失值处理「ignore」不支持"),
    ("groups: [A档, A档]\n" + T % "{code: a, rule: {type: value}}", "分组(groups)应是不重复的列表"),
    ("colour: red\n" + T % "{code: a, rule: {type: value}}", "方案有不认识的参数「colour」"),
    (T % "{code: a, weight: 很重, rule: {type: value}}", "节点「a」的权重应是数字,而不是「很重」"),
    ("tiers: [{name: 一, min_score: .nan}]\n" + T % "{code: a, rule: {type: value}}", "等次「一」的分数线应是有限的数字"),
    ("tree: [unclosed", "方案不是有效的 YAML"),
    ("name: 没有树", "方案缺少指标树(tree)"),
])
def test_bad_scheme(text, message):
    with pytest.raises(SchemeError) as exc:
        parse_scheme(text)
    assert message in str(exc.value)


# --- bad data: each names the row and the column or node ---

GROUPED = """
unit_column: 单位
group_column: 分组
groups: [A档, B档]
aggregation: sum
bonuses: [{code: g, name: 夺金点, column: 夺金点}]
tree:
  code: r
  children:
    - {code: rev, points: 10, rule: {type: completion, target: 目标, per_pp: 0.5}}
    - {code: tax, points: 10, rule: {type: improvement, last_year: 上年}}
    - {code: fdi, points: 10, rule: {type: ratio_to_best}}
"""
HEAD = ["单位", "分组", "rev", "目标", "tax", "上年", "fdi", "夺金点"]


def rows(*body):
    return [HEAD, *[list(r) for r in body]]


@pytest.mark.parametrize("data, message", [
    (rows(["甲", "A档", "九", 10, 1, 1, 1, 0]), "第2行 rev: 不是数字「九」"),
    (rows(["甲", "A档", 9, 10, 1, 1, 1, 0], ["乙", "", 9, 10, 1, 1, 1, 0]), "第3行 单位「乙」没有分组,而方案按分组考核"),
    (rows(["甲", "C档", 9, 10, 1, 1, 1, 0]), "第2行 单位「甲」的分组「C档」不在方案的分组中:A档、B档"),
    (rows(["甲", "A档", 9, 0, 1, 1, 1, 0]), "第2行 单位「甲」: 指标「rev」的目标值为0,无法计算完成率"),
    (rows(["甲", "A档", 9, 10, 1, 0, 1, 0]), "第2行 单位「甲」: 指标「tax」的上年值(上年)为0,无法计算增幅"),
    (rows(["甲", "A档", 9, 10, 1, 1, -2, 0]), "第2行 单位「甲」: 指标「fdi」与最优单位相比计分,实际值-2须不小于0"),
    (rows(["甲", "A档", 9, 10, 1, 1, 1, -1]), "第2行 单位「甲」 的「夺金点」为-1"),
    (rows(["甲", "A档", 9, 10, 1, 1, 1, 0], ["", "A档", 9, 10, 1, 1, 1, 0]), "第3行 单位: 单位名称为空"),
    (rows(["甲", "A档", 9, 10, 1, 1, 1, 0], [], ["甲", "A档", 9, 10, 1, 1, 1, 0]), "第4行 单位: 单位「甲」与第2行重复"),
    ([HEAD[:7]] + [["甲", "A档", 9, 10, 1, 1, 1]], "「夺金点」在数据中没有对应的列「夺金点」"),
    ([HEAD[:2] + HEAD[3:]] + [["甲", "A档", 10, 1, 1, 1, 0]], "指标「rev」在数据中没有对应的列「rev」"),
    ([["单位", "分组", "rev", "目标", "tax", "上年", "fdi", "rev"]], "第1行 表头「rev」出现了两次"),
    ([["名称", *HEAD[1:]]], "数据缺少单位列「单位」"),
    ([HEAD], "数据文件中没有单位"),
])
def test_bad_data(data, message):
    scheme = parse_scheme(GROUPED)
    with pytest.raises(SchemeError) as exc:
        assess(scheme, data_from_rows(data, scheme))
    assert message in str(exc.value)


def test_numbers_in_chinese_spreadsheets_are_read():
    scheme = parse_scheme(GROUPED)
    d = data_from_rows(rows(["甲", "A档", "1,200", "１２００", " 3 ", "3", "是", "—"]), scheme)
    assert d.columns["rev"][0] == 1200 and d.columns["目标"][0] == 1200 and d.columns["tax"][0] == 3
    assert d.columns["fdi"][0] == 1 and np.isnan(d.columns["夺金点"][0])
    d = data_from_rows(rows(["甲", "A档", "92.3%", 1, 1, 1, 1, 0]), scheme)
    assert d.columns["rev"][0] == pytest.approx(0.923)
    with pytest.raises(SchemeError, match="第2行 rev: 不是数字「100万元」:只填数字,单位见表头"):
        data_from_rows(rows(["甲", "A档", "100万元", 1, 1, 1, 1, 0]), scheme)


def test_file_rows_keep_their_numbers(tmp_path):
    from tuijin.engine.assessment.io import read_data

    scheme = parse_scheme(GROUPED)
    f = tmp_path / "d.csv"
    f.write_text("\n".join([",".join(HEAD), "甲,A档,9,10,1,1,1,0", "", "乙,A档,九,10,1,1,1,0"]), encoding="utf-8")
    with pytest.raises(SchemeError) as exc:
        read_data(f, scheme)
    assert str(exc.value) == "第4行 rev: 不是数字「九」"  # the empty row 3 still counts


def test_geometric_mean_over_zero_names_node_and_unit():
    scheme = parse_scheme("aggregation: gmean\n" + T % "{code: a, rule: {type: value}}, {code: b, rule: {type: value}}")
    with pytest.raises(SchemeError) as exc:
        assess(scheme, Data(units=["甲", "乙"], columns={"a": np.array([1.0, 0.0]), "b": np.array([2.0, 3.0])}))
    assert str(exc.value) == "节点「r」用几何平均汇总,但单位「乙」的「a」为0(几何平均要求所有值大于0)"


def test_missing_error_names_row_unit_and_indicator():
    scheme = parse_scheme("missing: error\n" + T % "{code: a, name: 一般公共预算收入, rule: {type: value}}")
    with pytest.raises(SchemeError) as exc:
        assess(scheme, data_from_rows([["unit", "a"], ["甲", 1], [], ["乙", ""]], scheme))
    assert str(exc.value) == "第4行 单位「乙」缺少指标「a」(一般公共预算收入)的数据"
