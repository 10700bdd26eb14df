"""JSON for results that hold NaN, infinities, Decimals and NumPy values — the one cleaner every part uses.

JSON has no NaN: a missing value reads ``null``. orjson writes NaN and infinities as null and NumPy arrays as lists
by itself, in C, so a result of 3,000 units × 60 scores is written in a few milliseconds; Decimals, dates and the
rest go through ``_default``. ``indent`` output (for people) uses the standard library after one walk.

    dumps({"score": float("nan"), "amount": Decimal("18.56"), "ranks": np.array([1.0, np.nan])})
    # '{"score":null,"amount":18.56,"ranks":[1.0,null]}'
"""
from __future__ import annotations

import json
import math
from decimal import Decimal

import numpy as np
import orjson


def _default(x):
    if isinstance(x, Decimal):
        return float(x) if x.is_finite() else None
    if isinstance(x, np.ndarray):
        return plain(x)
    if isinstance(x, np.generic):
        return plain(x.item())
    if isinstance(x, (set, tuple)):
        return list(x)
    if hasattr(x, "isoformat"):
        return x.isoformat()
    raise TypeError(f"cannot write {type(x).__name__} as JSON")


def plain(x):
    """``x`` with every NaN/infinity as None, arrays as lists (vectorised), Decimals as floats."""
    if isinstance(x, np.ndarray):
        if x.dtype.kind == "f":
            out = x.astype(object)
            out[~np.isfinite(x)] = None
            return out.tolist()
        return x.tolist()
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, (Decimal, np.generic)):
        return _default(x)
    return x


def dumps(obj, *, indent: int | None = None) -> str:
    if indent:
        return json.dumps(plain(obj), ensure_ascii=False, allow_nan=False, default=_default, indent=indent)
    return orjson.dumps(obj, default=_default, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS).decode()


def loads_plain(obj):
    """A structure as it will read back from JSON (what a JSONField stores): Decimals and dates become numbers and
    text, NaN becomes None."""
    return json.loads(dumps(obj))
