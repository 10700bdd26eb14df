"""Months of a zone: how a period is written, checked, labelled, locked, and which one a page opens on.

Every app reads and checks periods here, so "2023-06", "1—6月" and "locked" mean the same everywhere.

    year, month = parse_period("2023-06")        # PeriodError (a ValidationError) with a Chinese message
    period_label(2023, 6)                        # "2023年1—6月"
    month_end(2023, 6)                           # date(2023, 6, 30)
    ensure_open(zone, 2023, 6)                   # ValidationError when the office has locked the month
    current_period(zone)                         # the month the zone is working on
    latest_locked_period(zone)                   # the newest month the office has locked, or None
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.core.models import FilingPeriod

YEAR_MIN, YEAR_MAX = 2000, 2100  # a year outside this range is a typing error, never a period
PERIOD_RE = re.compile(r"\s*(\d{4})\s*-\s*(\d{1,2})\s*")


class PeriodError(ValidationError):
    """A period that cannot be: malformed, month outside 1—12, year outside the sane range, or in the future."""

    def __str__(self) -> str:
        return "".join(self.messages)


def check_year(year: int, *, field: str = "year") -> int:
    if not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        raise PeriodError({field: _("The year must be between %(lo)s and %(hi)s, not %(y)s.") % {
            "lo": YEAR_MIN, "hi": YEAR_MAX, "y": year}})
    return year


def check_month(month: int, *, field: str = "month") -> int:
    if not isinstance(month, int) or not 1 <= month <= 12:
        raise PeriodError({field: _("The month must be between 1 and 12, not %(m)s.") % {"m": month}})
    return month


def check_period(year: int, month: int) -> tuple[int, int]:
    return check_year(year), check_month(month)


def parse_period(text: str | None) -> tuple[int, int]:
    """"2023-06" (or "2023-6") → (2023, 6); anything else raises PeriodError naming what was given."""
    m = PERIOD_RE.fullmatch(text or "")
    if not m:
        raise PeriodError({"period": _("Write the period as YYYY-MM, e.g. 2023-06, not 「%(text)s」.") % {
            "text": (text or "")[:20]}})
    return check_period(int(m.group(1)), int(m.group(2)))


def parse_year(text: str | int | None) -> int:
    try:
        year = int(str(text).strip())
    except (TypeError, ValueError):
        raise PeriodError({"year": _("Write the year as four digits, e.g. 2023, not 「%(text)s」.") % {
            "text": str(text)[:20]}}) from None
    return check_year(year)


def ensure_not_future(year: int, month: int) -> None:
    today = timezone.localdate()
    if (year, month) > (today.year, today.month):
        raise PeriodError(_("%(y)s年%(m)s月 has not come yet.") % {"y": year, "m": month})


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_label(year: int, month: int) -> str:
    """2023年1月 / 2023年1—6月: how the zones' reports name a year-to-date period."""
    return f"{year}年1月" if month == 1 else f"{year}年1—{month}月"


def period_code(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def period_get(zone, year: int, month: int, *, create: bool = False, for_update: bool = False) -> FilingPeriod | None:
    """The zone's period row; ``for_update`` locks it until the transaction ends (writes of one month queue up
    behind each other, so a lock and a filing can never interleave)."""
    check_period(year, month)
    if create:
        FilingPeriod.objects.get_or_create(zone=zone, year=year, month=month)
    qs = FilingPeriod.objects.filter(zone=zone, year=year, month=month)
    if for_update:
        qs = qs.select_for_update()
    return qs.first()


def ensure_open(zone, year: int, month: int, *, for_update: bool = True) -> FilingPeriod:
    """Refuse a change to a locked month. Call inside the writing transaction: the period row stays locked
    until it commits, so the office's lock waits for the write (and the write for the lock)."""
    period = period_get(zone, year, month, create=True, for_update=for_update)
    if period.locked:
        raise ValidationError({"month": ValidationError(_("%(y)s年%(m)s月 is locked; the office must reopen it (with a "
                                                        "reason) before figures change.") % {"y": year, "m": month},
                                                      code="locked")})
    return period


def is_locked(zone, year: int, month: int) -> bool:
    return FilingPeriod.objects.filter(zone=zone, year=year, month=month, locked=True).exists()


def latest_locked_period(zone) -> tuple[int, int] | None:
    found = FilingPeriod.objects.filter(zone=zone, locked=True).order_by("-year", "-month") \
        .values_list("year", "month").first()
    return tuple(found) if found else None


def current_period(zone) -> tuple[int, int]:
    """The month the zone is working on: the newest month anything was filed for (a filing opens its month),
    never in the future; a zone with nothing filed yet works on last month."""
    today = as_of_date(zone)
    found = FilingPeriod.objects.filter(zone=zone).exclude(year__gt=today.year) \
        .exclude(year=today.year, month__gt=today.month).order_by("-year", "-month").values_list("year", "month").first()
    if found:
        return tuple(found)
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.year, last.month


def as_of_date(zone) -> dt.date:
    """The date lag, days late and overdue are counted to: today, or the zone's fixed "data as of" date."""
    return zone.as_of or timezone.localdate()


def period_from_params(params, zone, *, default: tuple[int, int] | None = None) -> tuple[int, int]:
    """A page's period from its query: ``period=2023-06`` or ``year=2023&month=6``; anything missing or malformed
    opens the page on ``default`` (the zone's current period unless given)."""
    text = params.get("period") or ""
    if not text and params.get("year") and params.get("month"):
        text = f"{params.get('year')}-{params.get('month')}"
    if text:
        try:
            return parse_period(text)
        except PeriodError:
            pass
    return default or current_period(zone)
