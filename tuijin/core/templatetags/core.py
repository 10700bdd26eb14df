from django import template

from tuijin.core.changelog import history_rows
from tuijin.core.changelog import source_label as _source_label
from tuijin.engine.numbers import format_fixed

register = template.Library()


@register.inclusion_tag("core/changelog_table.html")
def changelog_for(obj, limit=50):
    """The change history of one record, newest first (its rows as plain values: core.changelog.history_rows)."""
    return {"rows": history_rows(obj, limit) if obj is not None and obj.pk else []}


@register.filter
def source_label(source):
    """Where something came from, in words: web → 网页, api → API, cli → 命令行."""
    return _source_label(source)


@register.filter
def field_label(name, labels):
    return labels.get(name, name)


@register.filter
def fixed(value, places=2):
    """Half-up rounded number with fixed decimals (四舍五入), "—" when missing."""
    return format_fixed(value, int(places))


@register.filter
def number(value, places=2):
    """A number to read: half-up to at most ``places`` decimals, no trailing zeros, thousands separated
    (5.1708863798929805 → 5.17, 3071400 → 3,071,400, 3.0 → 3); "—" when missing or not a number."""
    from tuijin.engine.numbers import round_half_up

    try:
        d = round_half_up(value, int(places))
    except (ValueError, TypeError):
        return "—"
    if d is None or not d.is_finite():
        return "—"
    text = f"{d:,.{int(places)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def percent(value, places=1):
    """A fraction shown as a percentage, half-up: 0.3675 → 36.8%."""
    if value in (None, ""):
        return "—"
    from tuijin.engine.numbers import to_decimal

    return format_fixed(to_decimal(value) * 100, int(places)) + "%"


def _period_choices(year: int, month: int, months: bool) -> dict:
    from django.utils import timezone

    today = timezone.localdate()
    last = max(today.year, year)
    return {"year": year, "month": month, "years": list(range(last, min(year, today.year) - 6, -1)),
            "months": list(range(1, 13)) if months else []}


@register.inclusion_tag("core/period_picker.html", takes_context=True)
def period_picker(context, year: int, month: int, months: bool = True):
    """A 年/月 picker that reads the same in every browser (a native month input shows "July 2023" in some)."""
    request = context.get("request")
    keep = [(k, v) for k, v in (request.GET.items() if request else []) if k not in ("period", "year", "month", "page")]
    return {**_period_choices(year, month, months), "keep": keep}


@register.inclusion_tag("core/period_fields.html")
def period_fields(year: int, month: int, months: bool = True):
    """The 年/月 selects alone, for a form of the page's own."""
    return _period_choices(year, month, months)


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (None when absent)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
