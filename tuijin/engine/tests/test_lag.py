import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuijin.engine import lag
from tuijin.engine.performance import ProjectFacts, performance

D = dt.date
TODAY = D(2023, 7, 1)


def o(d):
    return lag.ordinal(d)


def test_lights_and_days_late():
    planned = np.array([[o(D(2023, 6, 1)), o(D(2023, 9, 1))],   # overdue 30 days → red
                        [o(D(2023, 7, 10)), np.nan],             # due in 9 days → yellow
                        [o(D(2023, 5, 1)), np.nan],              # done late: caught up → green, 0 days late
                        [o(D(2023, 5, 1)), o(D(2024, 1, 1))]])   # done on time → green
    actual = np.array([[np.nan, np.nan], [np.nan, np.nan], [o(D(2023, 5, 20)), np.nan], [o(D(2023, 5, 1)), np.nan]])
    r = lag.detect(planned, actual, TODAY)
    assert list(r.light) == [lag.RED, lag.YELLOW, lag.GREEN, lag.GREEN]
    assert list(r.days_late) == [30, 0, 0, 0]
    assert r.worst[0] == 0 and r.worst[2] == -1 and r.worst[3] == -1


def test_days_late_is_the_most_overdue_open_checkpoint():
    planned = [D(2023, 3, 1), D(2023, 5, 1), D(2023, 6, 20), D(2023, 8, 1)]
    actual = [D(2023, 3, 20), None, None, None]  # the first done late (history); two overdue; one not due yet
    assert lag.days_late(planned, actual, TODAY) == (TODAY - D(2023, 5, 1)).days == 61
    assert lag.days_late(planned, [D(2023, 3, 20), D(2023, 6, 1), D(2023, 6, 30), None], TODAY) == 0  # caught up
    assert lag.days_late(planned, actual, D(2023, 3, 10)) == 9  # looking back: the first was not done yet
    assert lag.days_late([None], [None], TODAY) == 0


day = st.integers(min_value=738000, max_value=738800)  # 2021—2023 as day numbers


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.tuples(st.one_of(st.none(), day), st.one_of(st.none(), day)), min_size=3, max_size=3),
                min_size=1, max_size=6), day)
def test_detect_agrees_with_the_definition(rows, today):
    """The vectorised days late equals the definition applied checkpoint by checkpoint."""
    as_of = D.fromordinal(today)
    planned = np.array([[np.nan if p is None else float(p) for p, _a in r] for r in rows])
    actual = np.array([[np.nan if a is None else float(a) for _p, a in r] for r in rows])
    result = lag.detect(planned, actual, as_of)
    for i, r in enumerate(rows):
        expected = lag.days_late([None if p is None else D.fromordinal(p) for p, _a in r],
                                 [None if a is None else D.fromordinal(a) for _p, a in r], as_of)
        assert result.days_late[i] == expected
        assert (result.light[i] == lag.RED) == (expected > 0)


def test_reason_leads_with_the_most_overdue_and_leaves_caught_up_out():
    text = lag.reason(["开工", "竣工", "节点A"], [D(2023, 6, 1), D(2023, 3, 1), D(2023, 2, 1)],
                      [None, None, D(2023, 2, 20)], TODAY)
    assert text == "计划竣工日期2023-03-01已过,逾期122天未竣工;计划开工日期2023-06-01已过,逾期30天未开工"
    assert "已追上" not in lag.reason(["开工"], [D(2023, 5, 1)], [D(2023, 5, 20)], TODAY)


def test_stale_progress_is_red_and_threshold_configurable():
    planned = np.array([[np.nan], [np.nan]])
    actual = np.array([[np.nan], [np.nan]])
    last = np.array([o(D(2023, 5, 1)), o(D(2023, 6, 20))])
    r = lag.detect(planned, actual, TODAY, last_progress=last, rule=lag.LagRule(stale_days=45))
    assert list(r.light) == [lag.RED, lag.GREEN]
    r = lag.detect(planned, actual, TODAY, last_progress=last, rule=lag.LagRule(stale_days=90))
    assert list(r.light) == [lag.GREEN, lag.GREEN]


def test_actual_after_as_of_does_not_count_looking_back():
    r = lag.detect(np.array([[o(D(2023, 6, 1))]]), np.array([[o(D(2023, 8, 1))]]), TODAY)
    assert r.light[0] == lag.RED


def test_reason_in_words():
    text = lag.reason(["开工", "竣工"], [D(2023, 5, 30), D(2023, 7, 5)], [None, None], TODAY, stale_days=60)
    assert text == "计划开工日期2023-05-30已过,逾期32天未开工;计划2023-07-05竣工,还有4天;已60天未填报进度"
    assert lag.reason(["开工"], [D(2023, 9, 1)], [None], TODAY) == "按计划推进"


def facts(signed=D(2023, 2, 1), planned_start=D(2023, 4, 1), started=D(2023, 4, 10), planned_completion=None,
          completed=None, **kw):
    base = dict(planned_investment=Decimal(20000), year_planned_investment=Decimal(5000), invested_this_year=Decimal(2500),
                is_foreign=False, above_scale=False, tax=Decimal(0),
                planned={"started": planned_start, "completed": planned_completion},
                actual={"signed": signed, "started": started, "completed": completed})
    base.update(kw)
    return ProjectFacts(**base)


def test_performance_rates_and_counts():
    ps = [facts(), facts(started=None, is_foreign=True, planned_investment=Decimal(8000)),
          facts(planned_start=D(2024, 3, 1), started=None, signed=D(2022, 5, 1)),
          facts(planned_completion=D(2023, 6, 1), completed=D(2023, 6, 1), above_scale=True, tax=Decimal(400)),
          facts(active=False)]
    r = performance(ps, year=2023, as_of=D(2023, 6, 30))
    assert r["projects"] == 4
    assert (r["signed_count"], r["big_signed_count"], r["foreign_signed_count"]) == (3, 2, 1)
    assert r["big_signed_investment"] == Decimal(40000) and r["foreign_signed_investment"] == Decimal(8000)
    assert (r["started"], r["start_base"]) == (2, 3) and r["start_rate"] == pytest.approx(2 / 3)
    assert r["completion_rate"] == 1.0 and r["conversion_rate"] == 1.0
    assert r["tax_rate"] == pytest.approx(400 / 68000)
    assert r["investment_rate"] == pytest.approx(0.5)


def test_performance_with_nothing_gives_none():
    r = performance([], year=2023, as_of=D(2023, 6, 30))
    assert r["start_rate"] is None and r["tax_rate"] is None and r["investment_rate"] is None
