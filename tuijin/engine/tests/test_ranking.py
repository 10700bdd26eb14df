from decimal import Decimal

from tuijin.engine.numbers import format_fixed, round_half_up, to_decimal
from tuijin.engine.ranking import competition_rank


def test_ties_share_smaller_rank():
    assert competition_rank([90, 80, 80, 70]) == [1, 2, 2, 4]


def test_lower_is_better_and_missing():
    assert competition_rank([3, None, 1, 3], higher_is_better=False) == [2, None, 1, 2]


def test_round_half_up_not_bankers():
    assert round_half_up(2.345, 2) == Decimal("2.35")
    assert round_half_up(Decimal("0.125"), 2) == Decimal("0.13")
    assert round_half_up(-2.345, 2) == Decimal("-2.35")
    assert format_fixed(18.555, 2) == "18.56"
    assert format_fixed(None) == "—"
    assert to_decimal(0.1) == Decimal("0.1")


def test_segment_ranks_match_competition_rank():
    import numpy as np

    from tuijin.engine.ranking import segment_ranks

    seg = np.array([0, 0, 0, 0, 1, 1, 1])
    vals = np.array([90, 80, 80, 70, 5, np.nan, 9])
    assert list(segment_ranks(seg, vals)[:4]) == [1, 2, 2, 4]
    r = segment_ranks(seg, vals)
    assert r[4] == 2 and np.isnan(r[5]) and r[6] == 1
    assert list(segment_ranks(seg, vals, higher_is_better=False)[:4]) == [4, 2, 2, 1]
