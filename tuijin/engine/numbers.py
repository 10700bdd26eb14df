"""Exact numbers for everything a document prints.

Figures are computed from exact values and rounded only for display, half-up
(四舍五入) as Chinese statistical bulletins do, never banker's rounding.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

Number = int | float | Decimal


def to_decimal(value: Number | str | None) -> Decimal | None:
    """Convert to Decimal without binary-float artefacts (0.1 stays 0.1)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):  # includes NumPy floats, whose repr() is not a plain number
        return Decimal(repr(float(value)))
    if hasattr(value, "dtype"):  # NumPy integers
        return Decimal(int(value))
    try:
        return Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"不是数字: {value!r}") from exc


def round_half_up(value: Number | str | None, places: int = 2) -> Decimal | None:
    """Round half-up to ``places`` decimals: 2.345 -> 2.35, -2.345 -> -2.35."""
    d = to_decimal(value)
    if d is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return d.quantize(quantum, rounding=ROUND_HALF_UP)


def format_fixed(value: Number | str | None, places: int = 2, empty: str = "—") -> str:
    """Half-up rounded text with exactly ``places`` decimals; ``empty`` for None."""
    d = round_half_up(value, places)
    return empty if d is None else f"{d:.{places}f}"
