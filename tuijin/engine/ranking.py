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
