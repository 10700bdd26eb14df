"""The interface speaks Chinese: every page, for every role, shows no untranslated text.

The walk renders every page of the URL conf (found as ``test_bad_parameters`` finds them, with the same real records
of the demo) as the administrator, the office, a leader and a street's staff, reads the text a user sees (the text of
the page and the title, placeholder, aria-label and alt attributes; not scripts, styles, code or text areas) and fails
on any run of Latin letters that is not allowed. Allowed are codes, units and file formats (``ALLOWED``), anything in
a code with digits (``HA2023-005``, ``UTF-8``), and elements marked as data or as another language: ``translate="no"``
(a user name, a generated password: HTML's own marker for "not to be translated") and ``lang="en"`` (the language
switcher's "English"). So a missing translation, a field name (``zone_id``), a raw value (``True``, ``web``), a
model's default name (``object (1)``), a link to a file of the source tree (``docs/…md``) or Django's own untranslated
text (``- Select an option -``) fails the test, with the page, the role and the text around it.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from tuijin.core.tests.test_bad_parameters import ROUTES, _real_pages, demo_db  # noqa: F401  (demo_db: fixture)

ROLES = ("admin", "office", "leader", "street")

# Codes, units and formats a Chinese page writes in Latin letters.
ALLOWED = {
    "API", "USCC", "Excel", "WPS", "Word", "PDF", "ECharts", "GDP", "CPI", "km", "kg", "kW", "kWh", "MB", "KB", "GB",
    "ZIP", "PNG", "JPG", "UTF", "GBK", "CSV", "csv", "xlsx", "xls", "docx", "YAML", "JSON", "PPT", "TXT",
}
SKIP_TAGS = {"script", "style", "code", "pre", "textarea", "kbd", "samp"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
TEXT_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "data-no-results")
CHUNK = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
LETTERS = re.compile(r"[A-Za-z]{2,}")


class VisibleText(HTMLParser):
    """The text a user reads on a page, without the parts that are data, code or another language."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # open elements: (tag, hides what it holds)
        self.texts: list[str] = []

    @property
    def hidden(self) -> bool:
        return any(hides for _, hides in self.stack)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        hides = tag in SKIP_TAGS or a.get("translate") == "no" or a.get("lang", "").startswith("en")
        if not self.hidden and not hides:
            self.texts += [a[k] for k in TEXT_ATTRIBUTES if a.get(k)]
            if tag == "input" and a.get("type") in ("submit", "button", "reset") and a.get("value"):
                self.texts.append(a["value"])
        if tag not in VOID:
            self.stack.append((tag, hides))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.texts.append(data)


def untranslated(html: str) -> list[tuple[list[str], str]]:
    """(the words, the text they are in) for every text a user would read with runs of Latin letters that are not
    allowed."""
    parser = VisibleText()
    parser.feed(html)
    found = []
    for text in parser.texts:
        words = [word for chunk in CHUNK.findall(text) if not any(c.isdigit() for c in chunk)  # not a code
                 for word in LETTERS.findall(chunk) if word not in ALLOWED]
        if words:
            found.append((words, " ".join(text.split())[:120]))
    return found


def test_the_checker_finds_english_and_spares_data():
    html = ('<title>成员 · tuijin</title><h1>Members</h1><p>单位:钵池街道 (web)</p><p>is_active: True</p>'
            '<p>见 docs/projects.md</p><select><option value="">- Select an option -</option></select>'
            '<td translate="no">office</td><option lang="en">English</option><script>var x = "Hello";</script>'
            '<input placeholder="search"><p>HA2023-005 导出Excel,UTF-8 编码,面积 3 km</p><code>zone_id</code>')
    words = [w for found, _ in untranslated(html) for w in found]
    assert words == ["tuijin", "Members", "web", "is", "active", "True", "docs", "projects", "md", "Select", "an",
                     "option", "search"]


@pytest.mark.django_db
def test_the_sign_in_page_speaks_chinese(client):
    r = client.get("/accounts/login/")
    assert r.status_code == 200 and not untranslated(r.content.decode())


PAGES = [r for r in ROUTES if not r.api]


@pytest.mark.django_db
@pytest.mark.parametrize("route", PAGES, ids=[r.template or "/" for r in PAGES])
def test_every_page_speaks_chinese_to_every_role(route, demo_db):  # noqa: F811
    from tuijin.org.models import Member

    real = _real_pages() if route.kwargs else {}
    assert not route.kwargs or route.name in real, f"{route.template}: give it a real record in _real_pages"
    kwarg_sets = real.get(route.name, [{}]) if route.kwargs else [{}]
    failures, seen = [], 0
    for role in ROLES:
        client = Client(raise_request_exception=False)
        client.force_login(Member.objects.get(user__username=role).user)
        for kwargs in kwarg_sets:
            url = "/" + route.template.format(**kwargs)
            r = client.get(url)
            if not r.get("Content-Type", "").startswith("text/html") or r.status_code >= 500 or not r.content:
                continue
            seen += 1
            for words, text in untranslated(r.content.decode()):
                failures.append(f"{role} GET {url} ({r.status_code}): 「{text}」 {' '.join(words)}")
    if not seen:
        pytest.skip(f"{route.template}: no page (a download, a redirect or a POST-only address)")
    assert not failures, "untranslated text:\n" + "\n".join(dict.fromkeys(failures))


def test_every_message_is_translated():
    """No catalog keeps an empty or fuzzy translation (makemessages adds them; run it and fill them in)."""
    import polib

    from tuijin.core.i18n import po_files

    missing = []
    for po_path in po_files():
        if "zh_Hans" not in po_path.parts:
            continue
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags or not (entry.msgstr or all(entry.msgstr_plural.values())):
                missing.append(f"{po_path.relative_to(po_path.parents[4])}: {entry.msgid[:70]!r}")
    assert not missing, "untranslated messages:\n" + "\n".join(missing)


def test_every_translation_file_is_compiled():
    from tuijin.core.i18n import po_files

    files = po_files()
    assert files, "no translation files found"
    for po in files:
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo} missing: run make messages"


@pytest.mark.django_db
def test_english_is_one_choice_away(world, client_for):
    c = client_for(world.office)
    c.post("/i18n/setlang/", {"language": "en", "next": "/org/units/"})
    assert "Units" in c.get("/org/units/").content.decode()
    c.cookies["django_language"] = "zh-hans"
    assert "单位" in c.get("/org/units/").content.decode()


@pytest.mark.django_db
def test_browser_language_does_not_switch_to_english(world, client):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in html and not untranslated(html)


@pytest.mark.django_db
def test_the_top_bar_speaks_the_language_of_each_page(world, client_for):
    """The section names are translated once per language and process (core.context_processors): a page in English
    between two in Chinese shows its own."""
    import re

    c = client_for(world.office)

    def bar():
        html = c.get("/org/units/").content.decode()
        return re.findall(r'<a class="nav-link[^"]*" href="/dashboard/">([^<]+)</a>', html)

    assert bar() == ["驾驶舱"]
    c.post("/i18n/setlang/", {"language": "en", "next": "/org/units/"})
    assert bar() == ["Cockpit"]
    c.cookies["django_language"] = "zh-hans"
    assert bar() == ["驾驶舱"]
