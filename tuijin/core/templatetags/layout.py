"""Parts of pages kept as rendered, forms included: the layout's top bar, and ``{% kept key %}`` blocks.

The top bar's links, menu, zone and counts were close to half of what every page cost to render, yet they change
only when the member, their unit or zone, the page, the language or the counts do. So the rendered bar is kept in
the shared cache under all of these. A page's own part that holds forms is kept the same way under a key its view
works out (``core.cache.fragment_key`` and the versions of the data it shows). Their forms' CSRF token is not kept:
the part is stored with a placeholder and every page puts in its own freshly masked token (a token repeated in every
answer would undo the masking that guards the compressed pages, docs/security.md). Django's ``{% cache %}`` would
keep the token: it serves only parts without forms.
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
KEPT_SECONDS = 3600
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


def kept(context, key: str | None, render, seconds: int) -> str:
    """``render(context)`` as kept under ``key`` (rendered now when None or missing), with this page's CSRF token."""
    if key is None:
        return render(context)
    html = cache.get(key)
    if html is None:
        with context.push(csrf_token=CSRF_SLOT):
            html = str(render(context))
        cache.set(key, html, seconds)
    # the kept part was rendered (and escaped) by its template; the token is letters and digits
    return mark_safe(html.replace(CSRF_SLOT, str(context.get("csrf_token", ""))))


@register.simple_tag(takes_context=True)
def navbar(context):
    nav = context.template.engine.get_template(NAVBAR)
    key = None if context.get("switchable_zones") else navbar_key(context.get("request"), context.get("tj_badges"))
    return kept(context, key, nav.render, NAVBAR_SECONDS)


class KeptNode(template.Node):
    def __init__(self, nodelist, key):
        self.nodelist, self.key = nodelist, key

    def render(self, context):
        key = self.key.resolve(context)
        return kept(context, f"tuijin:kept:{key}" if key else None, self.nodelist.render, KEPT_SECONDS)


@register.tag("kept")
def do_kept(parser, token):
    """``{% kept key %}…{% endkept %}``: the block kept as rendered under ``key`` (a view's ``fragment_key`` of the
    data the block shows); rendered every time when the key is empty (a form posted with errors)."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% kept key %} takes one argument")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, parser.compile_filter(bits[1]))
