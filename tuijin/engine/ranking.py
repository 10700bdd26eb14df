"""Competition ranking shared by dispatch and assessment.

Rank 1 is the best; tied values share the smaller rank (1, 2, 2, 4), as
assessment results and dispatch tables print them.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def competition_rank(
    values: Sequence[float | None] | np.ndarray,
    *,
    higher_is_better: bool = True,
) -> list[int | None]:
    """Rank ``values``; ``None``/NaN get ``None`` and do not take a place."""
    arr = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    ranks: list[int | None] = [None] * len(arr)
    present = ~np.isnan(arr)
    if not present.any():
        return ranks
    keyed = arr if not higher_is_better else -arr
    valid = keyed[present]
    # rank = 1 + number of values strictly better
    sorted_vals = np.sort(valid)
    better = np.searchsorted(sorted_vals, valid, side="left")
    for i, r in zip(np.flatnonzero(present), better):
        ranks[int(i)] = int(r) + 1
    return ranks


def segment_ranks(segments: np.ndarray, values: np.ndarray, *, higher_is_better: np.ndarray | bool = True) -> np.ndarray:
    """Competition ranks within each segment (e.g. zone × indicator × group), vectorised; NaN ranks NaN.

    ``segments`` holds an integer id per row; rank 1 is the best, ties share the smaller rank.
    """
    values = np.asarray(values, dtype=float)
    key = np.where(np.asarray(higher_is_better), -values, values)
    present = ~np.isnan(key)
    ranks = np.full(len(values), np.nan)
    idx = np.flatnonzero(present)
    if idx.size == 0:
        return ranks
    seg, k = segments[idx], key[idx]
    order = np.lexsort((k, seg))
    seg_s, k_s = seg[order], k[order]
    n = len(order)
    pos = np.arange(n)
    start = np.r_[True, seg_s[1:] != seg_s[:-1]]
    seg_start = np.maximum.accumulate(np.where(start, pos, 0))
    new_value = start | np.r_[True, k_s[1:] != k_s[:-1]]
    first_of_value = np.maximum.accumulate(np.where(new_value, pos, 0))
    ranks[idx[order]] = first_of_value - seg_start + 1
    return ranks
