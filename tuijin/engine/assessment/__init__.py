"""Comprehensive assessment (综合考核): pure Python/NumPy, no Django.

    scheme = parse_scheme(yaml_text)          # SchemeError with a Chinese message naming the node
    data = read_data("data.csv", scheme)      # or Data(units=…, groups=…, columns={code: array})
    result = assess(scheme, data)             # per unit: score, rank, tier, scores of every node, breakdown
    rob = robustness(scheme, data, samples=1000, seed=1)   # median rank, 5–95% interval, tier probabilities

The format of schemes and every rule are documented in docs/assessment.md.
"""
from tuijin.engine.assessment.robustness import robustness
from tuijin.engine.assessment.run import Data, Result, UnitResult, assess
from tuijin.engine.assessment.scheme import Scheme, SchemeError, parse_scheme

__all__ = ["Data", "Result", "Scheme", "SchemeError", "UnitResult", "assess", "parse_scheme", "robustness"]
