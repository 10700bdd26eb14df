"""What to push: which indicators would move one unit's total most per unit of effort.

The effort unit of an indicator is 1% of its range among the unit's group (max − min of the inputs; 1% of the
unit's own value when every unit has the same one), in the better direction. The gain is the change of the unit's
total when its input moves by that much, everything else fixed: d total / d (normalised input) — the rule's slope
times the weights on the path to the root, caps and tiers of the rule included (a full-marks item gains nothing).
Finite differences through the same ``assess`` the run uses, so every rule and aggregation is covered.
"""
from __future__ import annotations

import math

import numpy as np

from tuijin.engine.assessment.run import Data, assess
from tuijin.engine.assessment.scheme import Scheme

STEP = 0.01  # 1% of the range


def marginal(scheme: Scheme, data: Data, unit: str, *, step: float = STEP) -> list[dict]:
    """Per indicator of the scheme with an input for ``unit``: code, name, column, input, effort (the change of the
    input that is one unit of effort) and gain (points of the total per unit of effort), highest gain first.
    Empty when the unit is not in the data, has no total, or is vetoed."""
    if unit not in data.units:
        return []
    i = data.units.index(unit)
    group = data.groups[i]
    idx = [j for j, g in enumerate(data.groups) if g == group] if scheme.group_column else list(range(len(data.units)))
    sub = Data(units=[data.units[j] for j in idx], groups=[data.groups[j] for j in idx],
               columns={k: v[idx] for k, v in data.columns.items()})
    k = idx.index(i)
    base = assess(scheme, sub, explain=False).units[k]
    if base.score is None or base.vetoed:
        return []
    out = []
    for ind in scheme.indicators():
        x = sub.columns[ind.data_column]
        if math.isnan(x[k]):
            continue
        finite = x[~np.isnan(x)]
        spread = float(finite.max() - finite.min()) if finite.size else 0.0
        effort = step * (spread if spread > 0 else abs(float(x[k])))
        if effort == 0:
            continue
        moved = dict(sub.columns)
        moved[ind.data_column] = x.copy()
        moved[ind.data_column][k] += ind.direction * effort
        after = assess(scheme, Data(units=sub.units, groups=sub.groups, columns=moved), explain=False).units[k]
        if after.score is None:
            continue
        out.append({"code": ind.code, "name": ind.name, "column": ind.data_column, "input": float(x[k]),
                    "effort": ind.direction * effort, "gain": float(after.score - base.score),
                    "points": base.scores.get(ind.code)})
    out.sort(key=lambda r: (-r["gain"], r["code"]))
    return out
