"""Checks every way in shares: amounts within a documented range, finite numbers, clean names.

Amounts are stored as DecimalField(18, 4) (at most 99,999,999,999,999.9999 in the stored unit, 万元 for money):
a figure is refused well before that, at ``AMOUNT_LIMIT`` in the stored unit (10^13 万元 is a thousand times a
year of China's GDP), so a sum over thousands of units still fits and no value ever overflows a column.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

AMOUNT_LIMIT = Decimal("1e13")  # in the stored unit (万元, 万美元, 个)
# Zero-width and bidirectional marks and control characters: invisible in a name, confusing in a list.
_INVISIBLE = re.compile("[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def to_amount(value, *, field: str, label: str, scale: Decimal = Decimal(1), allow_negative: bool = True,
              unit: str = "") -> Decimal:
    """A finite Decimal whose stored value (value × scale) is within ±AMOUNT_LIMIT; ValidationError on ``field``."""
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("%(label)s: 「%(v)s」 is not a number.") % {
            "label": label, "v": str(value)[:30]}}, code="invalid") from None
    if not d.is_finite():
        raise ValidationError({field: _("%(label)s: 「%(v)s」 is not a number.") % {
            "label": label, "v": str(value)[:30]}}, code="invalid")
    if not allow_negative and d < 0:
        raise ValidationError({field: _("%(label)s cannot be negative.") % {"label": label}}, code="negative")
    if abs(d * scale) > AMOUNT_LIMIT:
        limit = AMOUNT_LIMIT / scale
        raise ValidationError({field: _("%(label)s: %(v)s is out of range (at most %(limit)s %(unit)s in absolute "
                                        "value).") % {"label": label, "v": f"{d:.6g}", "limit": f"{limit:,.0f}",
                                                      "unit": unit}}, code="range")
    return d


def clean_name(value: str, *, field: str, label: str, max_length: int) -> str:
    """Trimmed, NFC-normalised, without control or invisible characters, not empty, not too long."""
    text = unicodedata.normalize("NFC", str(value or ""))
    if _INVISIBLE.search(text):
        raise ValidationError({field: _("%(label)s contains control or invisible characters.") % {"label": label}},
                              code="invisible")
    text = text.strip()
    if not text:
        raise ValidationError({field: _("Give %(label)s.") % {"label": label}}, code="required")
    if len(text) > max_length:
        raise ValidationError({field: _("%(label)s is longer than %(n)s characters.") % {
            "label": label, "n": max_length}}, code="max_length")
    return text
