"""The top bar's links, reversed once per process, and its section names, translated once per language: every page
shows them, and reversing twenty names and translating ten on every page cost more than the rest of the bar."""
from __future__ import annotations

import functools

from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# (url name, label, the paths where it is the current section)
SECTIONS = (
    ("projects:list", _("Projects"), ("/projects/", "/campaigns/")),
    ("promotion:funnel", _("Investment promotion"), ("/promotion/",)),
    ("indicators:dispatch", _("Dispatch"), ("/indicators/",)),
    ("enterprises:list", _("Enterprises"), ("/enterprises/",)),
    ("tickets:inbox", _("Supervision"), ("/tickets/",)),
    ("assessment:index", _("Assessment"), ("/assessment/",)),
    ("bulletins:index", _("Bulletins"), ("/bulletins/",)),
    ("dashboard:cockpit", _("Cockpit"), ("/dashboard/",)),
    ("standing:index", _("Standing"), ("/standing/",)),
    ("org:unit_list", _("Units"), ("/org/",)),
)
# the other links of the bar and its menu, by the name the template uses
LINKS = {
    "todo": "notifications:todo", "messages": "notifications:inbox", "zone_switch": "zone_switch",
    "password_change": "accounts:password_change", "members": "org:member_list", "changelog": "changelog",
    "login_log": "accounts:login_log", "operation_log": "operation_log", "api_docs": "api_docs",
    "set_language": "set_language", "logout": "accounts:logout",
}


@functools.cache
def _urls(prefix: str) -> dict[str, str]:
    out = {}
    for name in [s[0] for s in SECTIONS] + list(LINKS.values()):
        try:
            out[name] = reverse(name)
        except NoReverseMatch:  # a section whose app is not installed is left out of the bar
            out[name] = ""
    return out


@functools.cache
def _bar(prefix: str, language: str | None) -> tuple[tuple, dict[str, str]]:
    """(the sections as (address, name in ``language``, paths)), the other links) for the active language."""
    urls = _urls(prefix)
    sections = tuple((urls[name], str(label), paths) for name, label, paths in SECTIONS if urls[name])
    return sections, {key: urls[name] for key, name in LINKS.items()}


def top_bar(request):
    if getattr(request, "member", None) is None:
        return {}
    sections, links = _bar(get_script_prefix(), get_language())
    path = request.path
    return {"tj_sections": [(href, label, path.startswith(paths)) for href, label, paths in sections],
            "tj_links": links}
