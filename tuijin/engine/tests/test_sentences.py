from decimal import Decimal

import pytest

from tuijin.engine import sentences as s


def test_the_seed_sentence():
    text = s.indicator_sentence(month=6, name="一般公共预算收入", value=Decimal("18.56"), unit="亿元", yoy=0.36672,
                                completion=0.52296, pace_gap_pp=2.296)
    assert text == "1—6月,全区完成一般公共预算收入18.56亿元,同比增长36.7%,完成年度目标的52.3%,超序时进度2.3个百分点。"


def test_decline_and_behind():
    text = s.indicator_sentence(month=3, name="出口", value=12.3, unit="亿元", yoy=-0.0512, completion=0.2,
                                pace_gap_pp=-5.0)
    assert text == "1—3月,全区完成出口12.3亿元,同比下降5.1%,完成年度目标的20.0%,低于序时进度5.0个百分点。"


def test_missing_clauses_are_dropped():
    assert s.indicator_sentence(month=6, name="出口", value=57.6, unit="亿元") == "1—6月,全区完成出口57.6亿元。"
    assert s.indicator_sentence(month=6, name="出口", value=None, unit="亿元") == "1—6月,全区出口尚无审核通过的数据。"


def test_ratio_and_periods():
    assert s.indicator_sentence(month=6, name="税占比", value=Decimal("93.2500"), unit="%") == "1—6月,全区税占比93.25%。"
    assert s.period_phrase(1) == "1月" and s.period_phrase(12) == "全年"


@pytest.mark.parametrize("wan, text", [(2806300, "280.63亿元"), (577000, "57.7亿元"), (3500, "3500万元"),
                                       (Decimal("1234.50"), "1234.5万元"), (10000, "1亿元")])
def test_amounts(wan, text):
    assert s.amount_wan(wan) == text


def test_half_up_not_bankers():
    assert s.plain(Decimal("2.345"), 2) == "2.35" and s.percent(0.0525) == "5.3%"


def test_growth_flat_and_streaks():
    assert s.growth_clause(0.0004) == "与上年同期持平"
    assert s.pace_clause(1.0, s.streak([False, True, True, True])) == "连续3个月超序时进度1.0个百分点"
    assert s.pace_clause(1.0, s.streak([False, True])) == "首次超序时进度1.0个百分点"
    assert s.growth_clause(-0.44) == "同比下降44.0%"  # one rule for decimals: beside "同比下降42.2%", never "44%"
    assert s.pace_clause(-0.04) == "与序时进度持平"


def test_project_and_ticket_sentences():
    perf = {"projects": 60, "big_signed_count": 49, "big_signed_investment": Decimal(2806300), "foreign_signed_count": 10,
            "foreign_signed_investment": Decimal(577000), "start_base": 20, "started": 7, "start_rate": 0.35,
            "completion_base": 0, "production_base": 0, "year_planned_investment": 0}
    text = s.projects_sentence(perf, month=6)
    assert text.startswith("1—6月,新签约亿元以上项目49个、计划总投资280.63亿元;新签约外资项目10个、计划总投资57.7亿元。")
    assert "计划开工项目20个、已开工7个,开工率35.0%" in text
    assert s.projects_sentence({"projects": 0}, month=6) == "本期暂无项目数据。"
    assert s.tickets_sentence({"received": 18, "resolved": 9, "resolution_rate": 0.5, "overdue": 3}, month=6) == \
        "截至6月底,共受理督办事项18件,已办结9件,办结率50.0%,逾期未办结3件。"


def test_signed_project_counts_read_naturally():
    assert s.indicator_sentence(month=6, name="新签约亿元以上项目数", value=49, unit="个", places=0) == \
        "1—6月,全区新签约亿元以上项目49个。"
    assert s.indicator_sentence(month=6, name="新签约外资项目计划总投资", value=57.7, unit="亿元") == \
        "1—6月,全区新签约外资项目计划总投资57.7亿元。"
