"""What to push: the gain of one unit's total per 1% of an indicator's range."""
import numpy as np
import pytest

from tuijin.engine.assessment import Data, parse_scheme
from tuijin.engine.assessment.marginal import marginal

SCHEME = """
code: m
name: 边际
aggregation: sum
tree:
  code: total
  children:
    - {code: a, name: 甲, points: 40, rule: {type: completion, target: 10, per_pp: 1}}
    - {code: b, name: 乙, points: 20, rule: {type: completion, target: 10, per_pp: 0.5}}
    - {code: c, name: 丙, points: 10, rule: {type: completion, target: 10, per_pp: 1}}
    - {code: d, name: 丁, direction: -1, points: 10, rule: {type: completion, target: 10, per_pp: 0.1}}
"""


def test_gain_per_unit_of_effort():
    data = Data(units=["x", "y"], columns={"a": np.array([8.0, 10.0]), "b": np.array([8.0, 10.0]),
                                           "c": np.array([12.0, 10.0]), "d": np.array([12.0, 10.0])})
    rows = {r["code"]: r for r in marginal(parse_scheme(SCHEME), data, "x")}
    # a: range 2 → effort 0.02 = 0.2 pp of the target → 1 point per pp → 0.2 points
    assert rows["a"]["gain"] == pytest.approx(0.2)
    assert rows["b"]["gain"] == pytest.approx(0.1)  # half the points per pp
    assert rows["c"]["gain"] == pytest.approx(0.0)  # over target, capped at full marks
    assert rows["d"]["effort"] == pytest.approx(-0.02)  # lower is better: the effort lowers it
    assert rows["d"]["gain"] > 0
    assert [r["code"] for r in marginal(parse_scheme(SCHEME), data, "x")][:2] == ["a", "b"]  # highest gain first
    assert marginal(parse_scheme(SCHEME), data, "nobody") == []


def test_every_rule_parameter_has_a_chinese_name():
    from tuijin.engine.assessment.rules import PARAM_LABELS, RULE_TYPES

    assert {p for t in RULE_TYPES.values() for p in t.params} <= set(PARAM_LABELS)
