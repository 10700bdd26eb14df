import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuijin.engine import dispatch as d
from tuijin.engine.outlook import outlook


def inp(actual, target, last, groups=None, hib=True, month=6):
    n = len(actual)
    return d.DispatchInput(actual=np.array(actual, float), target=np.array(target, float),
                           last_year=np.array(last, float), higher_is_better=np.array([hib] * n),
                           time_progress=np.full(n, month / 12),
                           segment=d.segments_of(["x"] * n, groups or ["A"] * n))


def test_huaian_figures():
    r = d.dispatch(inp([18.56], [35.49], [13.58]))
    assert round(r.completion[0], 3) == 0.523
    assert round(r.pace_gap_pp[0], 1) == 2.3
    assert round(r.yoy_growth[0], 3) == 0.367
    assert r.warning[0] == d.GREEN
    assert d.warning_reason("green", r.pace_gap_pp[0], r.yoy_growth[0]) == "超序时进度2.3个百分点,同比增长36.7%"


def test_behind_pace_warnings_and_reason():
    r = d.dispatch(inp([4.0, 4.8, 5.8], [10.0, 10.0, 10.0], [5.0, np.nan, np.nan]), d.WarningRule(red_gap_pp=5))
    assert list(r.warning) == [d.RED, d.YELLOW, d.GREEN]  # 10 points behind, 2 behind, 8 ahead
    assert d.warning_reason("red", -10.0, -0.2).startswith("红色预警:低于序时进度10.0个百分点,同比下降20.0%")


def test_missing_values_give_none_not_nonsense():
    r = d.dispatch(inp([5.0], [np.nan], [0.0]))
    assert math.isnan(r.completion[0]) and math.isnan(r.yoy_growth[0])
    assert r.warning[0] == d.NONE
    assert d.to_plain(r.completion[0]) is None


def test_zero_or_negative_target_is_no_target():
    r = d.dispatch(inp([5.0, 5.0], [0.0, -3.0], [4.0, 4.0]))
    assert math.isnan(r.completion[0]) and math.isnan(r.completion[1])


def test_ranks_within_group_ties_share():
    r = d.dispatch(inp([6, 6, 3, 9], [10, 10, 10, 10], [1, 1, 1, 1], groups=["A", "A", "A", "B"]))
    assert list(r.rank) == [1, 1, 3, 1]


def test_one_ranking_rule():
    """By completion where the group has targets (a row without one takes no place), by yoy where none has."""
    r = d.dispatch(inp([6, 3, 9, 2, 4], [10, 10, np.nan, np.nan, np.nan], [1, 1, 1, 1, 1],
                       groups=["A", "A", "A", "B", "B"]))
    assert [d.rank_or_none(x) for x in r.rank] == [1, 2, None, 2, 1]
    seg = d.segments_of(["x"] * 3, ["A"] * 3)
    seg[1] = -1  # not ranked (a zone row, or a figure not yet submitted)
    i = d.DispatchInput(actual=np.array([5.0, 9.0, 4.0]), target=np.full(3, 10.0), last_year=np.full(3, np.nan),
                        higher_is_better=np.ones(3, bool), time_progress=np.full(3, 0.5), segment=seg)
    assert [d.rank_or_none(x) for x in d.dispatch(i).rank] == [1, None, 2]


def test_lower_is_better_reverses_warning():
    r = d.dispatch(inp([8.0], [10.0], [7.0], hib=False))  # 80% used at mid-year: 30 points over for a cost
    assert r.warning[0] == d.RED


def test_time_progress_plan_and_bounds():
    assert d.time_progress(6) == 0.5
    assert d.time_progress(3, [0.1] * 2 + [0.3] + [1] * 9) == 0.3
    with pytest.raises(ValueError, match="1—12"):
        d.time_progress(13)


def test_double_half_and_stage_goals():
    assert d.double_half(0.52, 6) is True
    assert d.double_half(0.48, 6) is False
    assert d.double_half(0.3, 3) is None
    goals = d.stage_goals({3: 0.26, 6: 0.51, 9: 0.70, 12: 1.02})
    assert goals == {"strong_start": True, "every_quarter": False, "full_year": True}
    assert d.stage_goals({3: 0.2})["strong_start"] is False
    assert d.stage_goals({})["every_quarter"] is None


@given(st.floats(0.01, 1e6), st.floats(0.01, 1e6), st.integers(1, 12))
def test_gap_is_completion_minus_time_progress(actual, target, month):
    r = d.dispatch(inp([actual], [target], [np.nan], month=month))
    assert r.pace_gap_pp[0] == pytest.approx((actual / target - month / 12) * 100)


def test_outlook_needs_history():
    o = outlook(10.0, 6, {2022: [1] * 11 + [2]})
    assert o.estimate is None and "历史数据不足" in o.note


def test_outlook_from_monthly_shape():
    full = [i / 12 for i in range(1, 13)]
    hist = {2021: [v * 100 for v in full], 2022: [v * 120 for v in full], 2020: [v * 90 for v in full]}
    o = outlook(60.0, 6, hist, target=110)
    assert o.estimate == pytest.approx(120)
    assert o.low == pytest.approx(120) and o.high == pytest.approx(120)  # identical shapes: no spread
    assert o.chance == 1.0
    hist[2019] = [v * 80 if i != 5 else 80 * 0.6 for i, v in enumerate(full)]
    o2 = outlook(60.0, 6, hist, target=130)
    assert o2.low < o2.estimate < o2.high and 0 < o2.chance < 0.5
