"""Year-end outlook (全年预测) from the monthly shape of earlier years.

For every earlier year y with a full year, the share reached by month m is s_y(m) = ytd_y(m) ÷ ytd_y(12).
Each share gives one estimate of this year's full-year value, ytd(m) ÷ s_y(m). The outlook is their mean;
the interval is mean ± t·sd (Student t, 90%), and the chance of meeting the target is P(X ≥ target) under
that normal approximation. Fewer than two earlier years: no outlook, and it says so.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Two-sided 90% Student t quantiles by degrees of freedom (1..10); beyond that, the normal 1.645.
T90 = {1: 6.314, 2: 2.920, 3: 2.353, 4: 2.132, 5: 2.015, 6: 1.943, 7: 1.895, 8: 1.860, 9: 1.833, 10: 1.812}
MIN_YEARS = 2


@dataclass(frozen=True)
class Outlook:
    estimate: float | None
    low: float | None
    high: float | None
    chance: float | None  # probability of meeting the target, 0..1
    years: int
    note: str


def _normal_cdf(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def outlook(ytd: float | None, month: int, history: Mapping[int, Sequence[float | None]],
            target: float | None = None) -> Outlook:
    """``history``: year → 12 year-to-date values (None where missing); only complete years count."""
    if ytd is None or not 1 <= month <= 12:
        return Outlook(None, None, None, None, 0, "本期未填报,无法预测")
    shares = []
    for year in sorted(history):
        values = history[year]
        if len(values) != 12 or values[11] in (None, 0) or values[month - 1] in (None,):
            continue
        share = values[month - 1] / values[11]
        if share > 0:
            shares.append(share)
    if len(shares) < MIN_YEARS:
        return Outlook(None, None, None, None, len(shares),
                       f"历史数据不足:只有{len(shares)}个完整年度,至少需要{MIN_YEARS}个,暂不预测")
    estimates = [ytd / s for s in shares]
    n = len(estimates)
    mean = sum(estimates) / n
    sd = math.sqrt(sum((e - mean) ** 2 for e in estimates) / (n - 1))
    t = T90.get(n - 1, 1.645)
    half = t * sd * math.sqrt(1 + 1 / n)  # prediction interval for one new year
    chance = None
    if target is not None and target > 0:
        if half == 0:
            chance = 1.0 if mean >= target else 0.0
        else:
            chance = 1.0 - _normal_cdf((target - mean) / (half / t))
    note = f"依据{n}个完整年度的月度进度规律" + ("" if month < 12 else ",全年数据已齐")
    return Outlook(mean, mean - half, mean + half, chance, n, note)
