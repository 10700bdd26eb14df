from django import template
from django.conf import settings

from tuijin.core.changelog import history_for
from tuijin.engine.numbers import format_fixed

register = template.Library()


@register.inclusion_tag("core/changelog_table.html")
def changelog_for(obj, limit=50):
    """The change history of one record, newest first."""
    rows = list(history_for(obj)[:limit]) if obj is not None and obj.pk else []
    labels = {}
    if obj is not None:
        for f in obj._meta.concrete_fields:
            labels[f.attname] = str(f.verbose_name)
    return {"rows": rows, "labels": labels}


@register.filter
def field_label(name, labels):
    return labels.get(name, name)


@register.filter
def fixed(value, places=2):
    """Half-up rounded number with fixed decimals (四舍五入), "—" when missing."""
    return format_fixed(value, int(places))


@register.filter
def percent(value, places=1):
    """A fraction shown as a percentage, half-up: 0.3675 → 36.8%."""
    if value in (None, ""):
        return "—"
    from tuijin.engine.numbers import to_decimal

    return format_fixed(to_decimal(value) * 100, int(places)) + "%"


@register.simple_tag
def demo_mode():
    return getattr(settings, "DEMO", False)
