"""The layout's top bar, kept as rendered.

Its links, menu, zone and counts were close to half of what every page cost to render, yet they change only when
the member, their unit or zone, the page, the language or the counts do. So the rendered bar is kept in the shared
cache under all of these. Its forms' CSRF token is not kept: the bar is stored with a placeholder and every page
puts in its own freshly masked token (a token repeated in every answer would undo the masking that guards the
compressed pages, docs/security.md).
"""
from __future__ import annotations

import hashlib

from django import template
from django.core.cache import cache
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

NAVBAR = "core/_navbar.html"
NAVBAR_SECONDS = 600
# stands for the page's CSRF token in the kept bar; letters and digits only, as a token is, so escaping leaves it be
CSRF_SLOT = "tjCsrfSlot7q3xk9"


def navbar_key(request, badges) -> str | None:
    """The bar's cache key, or None when it is not kept: no signed-in member read through ``org.backends`` (whose
    stamp covers every user column and the member's, unit's and zone's last change), or a member who switches
    zones (their bar lists the zones)."""
    user, member, zone = getattr(request, "user", None), getattr(request, "member", None), getattr(request, "zone", None)
    stamp = getattr(user, "tuijin_stamp", None)
    if member is None or zone is None or stamp is None or zone.pk != member.zone_id:
        return None
    counts = (badges.get("todo"), badges.get("unread")) if badges else (None, None)
    what = repr((user.pk, stamp, zone.pk, get_language(), request.get_full_path(), counts))
    return "tuijin:navbar:" + hashlib.blake2b(what.encode(), digest_size=16).hexdigest()


@register.simple_tag(takes_context=True)
def navbar(context):
    nav = context.template.engine.get_template(NAVBAR)
    request = context.get("request")
    key = None if context.get("switchable_zones") else navbar_key(request, context.get("tj_badges"))
    if key is None:
        return nav.render(context)
    html = cache.get(key)
    if html is None:
        with context.push(csrf_token=CSRF_SLOT):
            html = str(nav.render(context))
        cache.set(key, html, NAVBAR_SECONDS)
    # the kept bar was rendered (and escaped) by the template above; the token is letters and digits
    return mark_safe(html.replace(CSRF_SLOT, str(context.get("csrf_token", ""))))
