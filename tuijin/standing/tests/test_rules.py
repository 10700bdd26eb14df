"""The arithmetic of standing, without a database."""
from decimal import Decimal

from tuijin.standing import rules
from tuijin.standing.rules import Entry

TOP = [Entry("甲", "江苏省", 1), Entry("乙", "浙江省", 2), Entry("丙", "江苏省", 3), Entry("丁", "浙江省", 5)]


def test_province_rank_only_where_the_list_is_complete():
    assert rules.province_rank(TOP, rank=3, province="江苏省", complete_to=3) == 2
    assert rules.province_rank(TOP, rank=2, province="浙江省", complete_to=3) == 1
    # rank 4 is not published: nobody knows whether it is a Zhejiang zone, so rank 5's province rank is unknown
    assert rules.province_rank(TOP, rank=5, province="浙江省", complete_to=3) is None
    # … unless the list says every Zhejiang zone above 30 is in it
    assert rules.province_rank(TOP, rank=5, province="浙江省", complete_to=3,
                               province_complete_to={"浙江省": 30}) == 2
    assert rules.province_rank(TOP, rank=None, province="浙江省", complete_to=30) is None
    assert rules.province_rank(TOP, rank=3, province="", complete_to=30) is None


def test_province_rank_bounds_and_conflicts():
    # rank 8 with ranks 1, 2, 3 and 5 listed: two Zhejiang zones above it are known, ranks 4, 6, 7 could be more
    assert rules.province_rank_bounds(TOP, rank=8, province="浙江省") == (3, 6)
    assert rules.province_rank_bounds(TOP, rank=4, province="安徽省") == (1, 1)
    assert rules.rank_conflict(TOP, subject="戊", rank=2) == "乙"
    assert rules.rank_conflict(TOP, subject="乙", rank=2) is None
    assert rules.rank_conflict(TOP, subject="戊", rank=4) is None


def test_peers():
    above, below = rules.peers(TOP, 3, n=1)
    assert [e.subject for e in above] == ["乙"] and [e.subject for e in below] == ["丁"]
    above, below = rules.peers(TOP, 1)
    assert above == [] and [e.rank for e in below] == [2, 3]


def test_exit_watch():
    assert rules.exit_watch([]).state == "unknown"
    assert rules.exit_watch([(2022, 18, 217)]).state == "green"
    assert rules.exit_watch([(2022, 18, None)]).state == "unknown"
    yellow = rules.exit_watch([(2021, 100, 217), (2022, 214, 217)])
    assert yellow.state == "yellow" and yellow.years == (2022,)
    red = rules.exit_watch([(2022, 213, 217), (2021, 216, 217)])
    assert red.state == "red" and red.years == (2021, 2022) and red.year == 2022
    # a gap year breaks the run: two years running means consecutive evaluations
    assert rules.exit_watch([(2020, 216, 218), (2022, 215, 217)]).state == "yellow"
    # 212 of 217 is the 6th from last: not in the last five
    assert rules.exit_watch([(2021, 213, 217), (2022, 212, 217)]).state == "green"


def test_goal_distance():
    d = rules.goal_distance(kind="rank", target_rank=10, rank=18)
    assert d.met is False and d.gap == 8 and not d.at_least
    assert rules.goal_distance(kind="rank", target_rank=30, rank=19).met is True
    d = rules.goal_distance(kind="rank", target_rank=30, absent_beyond=30)
    assert d.met is False and d.gap == 1 and d.at_least
    assert rules.goal_distance(kind="rank", target_rank=30).met is None
    d = rules.goal_distance(kind="score", target_score=Decimal("90"), score=Decimal("80.97"))
    assert d.met is False and d.gap == Decimal("9.03")
    assert rules.goal_distance(kind="score", target_score=Decimal("80"), score=Decimal("80.97")).met is True
    assert rules.goal_distance(kind="score", target_score=Decimal("80")).met is None
