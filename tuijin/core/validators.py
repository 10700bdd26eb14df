"""Checks every way in shares: amounts within a documented range, finite numbers, sane dates, clean names and texts.

Every service calls these on what a member sends, so a form, the API, an import and the command line refuse the
same value with the same Chinese message naming the field (docs/security.md, "Limits", lists every range).

Amounts are stored as DecimalField(18, 4) (at most 99,999,999,999,999.9999 in the stored unit, 万元 for money):
a figure is refused well before that, at ``AMOUNT_LIMIT`` in the stored unit (10^13 万元 is a thousand times a
year of China's GDP), so a sum over thousands of units still fits and no value ever overflows a column. The
database refuses anything beyond ``STORABLE_AMOUNT`` (and NaN/Infinity) on the amount columns as a last belt
(``amount_constraint``): a value that SQLite could store but not read back would make every page that reads the
column fail. A stored value the services would refuse (outside ±``AMOUNT_LIMIT``) is shown as 异常值 by the pages
(``is_sane_amount``) until the office corrects it.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

AMOUNT_LIMIT = Decimal("1e13")  # in the stored unit (万元, 万美元, 个)
# The database's belt on amount columns: 14 integer digits, so the value reads back from every column that holds
# it (SQLite reads a number as a 15-digit float and Django then checks it against the column's digits).
STORABLE_AMOUNT = Decimal("99999999999999")
DATE_MIN, DATE_MAX = dt.date(1990, 1, 1), dt.date(2100, 12, 31)  # plans and actuals: anything else is a typo
INT_LIMIT = 2_000_000_000  # below every integer column's maximum (PostgreSQL integer: 2,147,483,647)

# Control, format (zero-width, bidirectional), surrogate and line/paragraph-separator characters (Unicode categories
# Cc, Cf, Cs, Zl, Zp; the test checks this list against unicodedata), the invisible Hangul fillers and the
# non-characters U+FFFE/U+FFFF: invisible in a name, confusing in a list, and a lone surrogate cannot be stored.
_CONTROLS = "\u0000-\u0009\u000b-\u001f"  # every C0 control but the line feed, which multi-line text keeps
_INVISIBLE_RANGES = (
    "\u007f-\u009f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "\u115f\u1160\u3164\uffa0\ufffe\uffff"
)
_INVISIBLE = re.compile(f"[{_CONTROLS}\n{_INVISIBLE_RANGES}]")
_INVISIBLE_BUT_NEWLINE = re.compile(f"[{_CONTROLS}{_INVISIBLE_RANGES}]")
_INVISIBLE_BUT_NEWLINE_TAB = re.compile(f"[\u0000-\u0008\u000b-\u001f{_INVISIBLE_RANGES}]")


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 30 else text[:30] + "…"


def _plain(d: Decimal) -> str:
    """A number as people write it (2,000,000,000 rather than 2.00000e+9); huge ones in scientific notation."""
    if d.adjusted() >= 18:  # not abs(d): beyond the context's exponent range (1e999999999) it would overflow
        return f"{d:.6g}"
    text = f"{d:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def field_label(model, name: str) -> str:
    """A model field's name as the reader sees it (its verbose name, translated): what every message names."""
    return str(model._meta.get_field(name).verbose_name)


def _decimal(value, *, field: str, label: str) -> Decimal:
    """A finite Decimal from a Decimal, int, float or text ("1,234.5"); ValidationError otherwise (NaN, sNaN,
    Infinity, booleans, text that is not a number)."""
    if isinstance(value, bool):
        d = None
    else:
        try:
            d = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
        except (InvalidOperation, ValueError, TypeError):
            d = None
    if d is None or not d.is_finite():  # is_finite first: NaN and sNaN compare badly (sNaN raises on <)
        raise ValidationError({field: _("%(label)s: 「%(v)s」 is not a number.") % {"label": label, "v": _short(value)}},
                              code="invalid")
    return d


def to_amount(value, *, field: str, label: str, scale: Decimal = Decimal(1), allow_negative: bool = True,
              unit: str = "", limit: Decimal = AMOUNT_LIMIT) -> Decimal:
    """A finite Decimal whose stored value (value × scale) is within ±``limit``; ValidationError on ``field``."""
    d = _decimal(value, field=field, label=label)
    if not allow_negative and d < 0:
        raise ValidationError({field: _("%(label)s cannot be negative.") % {"label": label}}, code="negative")
    # adjusted() first: 1e999999999 × scale would overflow the arithmetic before it could be compared
    if d.adjusted() > 40 or abs(d * scale) > limit:
        raise ValidationError({field: _("%(label)s: %(v)s is out of range (at most %(limit)s %(unit)s in absolute "
                                        "value).") % {"label": label, "v": _plain(d), "limit": f"{limit / scale:,.0f}",
                                                      "unit": unit}}, code="range")
    return d


def to_number_in(value, *, field: str, label: str, lo: Decimal | int, hi: Decimal | int, unit: str = "") -> Decimal:
    """A finite Decimal with lo ≤ value ≤ hi (coordinates, percentages, thresholds)."""
    d = _decimal(value, field=field, label=label)
    if d.adjusted() > 40 or not Decimal(lo) <= d <= Decimal(hi):
        raise ValidationError({field: _("%(label)s must be between %(lo)s and %(hi)s%(unit)s, not %(v)s.") % {
            "label": label, "lo": lo, "hi": hi, "unit": unit, "v": _plain(d)}}, code="range")
    return d


def to_int(value, *, field: str, label: str, lo: int = 0, hi: int = INT_LIMIT) -> int:
    """A whole number with lo ≤ value ≤ hi, from an int or its digits (not a boolean, not 2.5)."""
    if isinstance(value, bool):
        n = None
    elif isinstance(value, int):
        n = value
    else:
        text = str(value).strip() if value is not None else ""
        n = int(text) if re.fullmatch(r"[+-]?\d{1,12}", text) else None
    if n is None:
        raise ValidationError({field: _("%(label)s: 「%(v)s」 is not a whole number.") % {
            "label": label, "v": _short(value)}}, code="invalid")
    if not lo <= n <= hi:
        raise ValidationError({field: _("%(label)s must be between %(lo)s and %(hi)s%(unit)s, not %(v)s.") % {
            "label": label, "lo": lo, "hi": hi, "unit": "", "v": n}}, code="range")
    return n


def check_date(value, *, field: str, label: str, lo: dt.date = DATE_MIN, hi: dt.date = DATE_MAX) -> dt.date | None:
    """A date (or its ISO text) within lo..hi (default 1990-01-01 … 2100-12-31); None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            parsed = parse_date(str(value).strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError({field: _("%(label)s: 「%(v)s」 is not a date (write it as 2023-03-01).") % {
                "label": label, "v": _short(value)}}, code="invalid")
        value = parsed
    if not lo <= value <= hi:
        raise ValidationError({field: _("%(label)s must be between %(lo)s and %(hi)s%(unit)s, not %(v)s.") % {
            "label": label, "lo": lo.isoformat(), "hi": hi.isoformat(), "unit": "", "v": value.isoformat()}},
            code="range")
    return value


def is_sane_amount(value, limit: Decimal = AMOUNT_LIMIT) -> bool:
    """A stored figure the pages may compute with: finite and within ±``limit`` (None is simply missing)."""
    if value is None:
        return True
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
        return d.is_finite() and abs(d) <= limit
    except (InvalidOperation, ValueError, TypeError):
        return False


def clean_name(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    """One line of text (a name, a title, a reason): trimmed, NFC-normalised, without control or invisible
    characters, not empty unless ``required`` is False, at most ``max_length`` characters."""
    text = unicodedata.normalize("NFC", str(value if value is not None else "")).strip()
    if _INVISIBLE.search(text):
        raise ValidationError({field: _("%(label)s contains control or invisible characters.") % {"label": label}},
                              code="invisible")
    return _length(text, field=field, label=label, max_length=max_length, required=required)


def clean_text(value, *, field: str, label: str, max_length: int, required: bool = False,
               tabs: bool = False) -> str:
    """Several lines of text (a description, a note): like ``clean_name`` but line breaks are kept (\\r\\n and \\r
    become \\n); every other control or invisible character is refused — a tab too, unless ``tabs`` (a YAML
    document may hold one inside a value)."""
    text = str(value if value is not None else "").replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text).strip()
    if (_INVISIBLE_BUT_NEWLINE_TAB if tabs else _INVISIBLE_BUT_NEWLINE).search(text):
        raise ValidationError({field: _("%(label)s contains control or invisible characters.") % {"label": label}},
                              code="invisible")
    return _length(text, field=field, label=label, max_length=max_length, required=required)


def printable(value, max_length: int) -> str:
    """Text as a log may keep it whatever it is: control and invisible characters shown as U+FFFD, cut to length."""
    return _INVISIBLE.sub("\ufffd", str(value if value is not None else ""))[:max_length]


def _length(text: str, *, field: str, label: str, max_length: int, required: bool) -> str:
    if not text and required:
        raise ValidationError({field: _("Give %(label)s.") % {"label": label}}, code="required")
    if len(text) > max_length:
        raise ValidationError({field: _("%(label)s is longer than %(n)s characters.") % {
            "label": label, "n": max_length}}, code="max_length")
    return text


def amount_constraint(field: str, name: str, limit: Decimal = STORABLE_AMOUNT) -> models.CheckConstraint:
    """The database's belt on an amount column: within ±``limit``. NaN and Infinity fail it too (PostgreSQL orders
    NaN above every number; SQLite stores Infinity as a REAL and "NaN" as text, which sorts above every number); an
    empty (NULL) value passes, as every CHECK lets NULL pass."""
    return models.CheckConstraint(condition=models.Q(**{f"{field}__gte": -limit, f"{field}__lte": limit}), name=name)


def repair_out_of_range(table: str, column: str, limit, *, to_null: bool = False):
    """A migration step to run before a range constraint is added to a column that may already hold values outside
    it (written before these checks, or by hand): an out-of-range, infinite or NaN value becomes the nearest bound
    (so the pages show it as 异常值 and the office corrects it), or empty with ``to_null``. Values within the
    range are not touched; the constraint could not be added otherwise."""
    from django.db import migrations

    lo, hi = (-int(limit), int(limit)) if not isinstance(limit, tuple) else (int(limit[0]), int(limit[1]))

    def run(apps, schema_editor):
        qn = schema_editor.quote_name
        col, where = qn(column), f"NOT ({qn(column)} >= %s AND {qn(column)} <= %s)"
        with schema_editor.connection.cursor() as cursor:
            if to_null:
                cursor.execute(f"UPDATE {qn(table)} SET {col} = NULL WHERE {where}", [lo, hi])
            else:  # NaN sorts above every number (PostgreSQL; SQLite's text "NaN" too): it becomes the upper bound
                cursor.execute(f"UPDATE {qn(table)} SET {col} = CASE WHEN {col} > 0 THEN %s ELSE %s END WHERE {where}",
                               [hi, lo, lo, hi])

    return migrations.RunPython(run, migrations.RunPython.noop, elidable=True)
