"""The layout's top bar is kept as rendered (core.templatetags.layout): a page shows the kept bar only while the
member, their unit and zone, the page, the language and the counts are what it was rendered with, and every
answer carries its own CSRF token."""
import re

import pytest
from django.test import Client

from tuijin.org.models import Member
from tuijin.org.services import member_update, unit_update

NAVBAR = "core/_navbar.html"


def _page(c, url="/tickets/"):
    r = c.get(url)
    assert r.status_code == 200
    html = r.content.decode()
    return html[html.index("<nav"):html.index("</nav>")], [t.name for t in r.templates]


def _tokenless(nav):
    return re.sub(r'(csrfmiddlewaretoken" value=")[^"]+', r"\1", nav)


def _user_menu(nav):
    return re.search(r'id="user-menu">([^<]*)</a>', nav).group(1)


@pytest.mark.django_db
def test_the_bar_is_kept_and_follows_every_change_it_shows(world, client_for):
    c = client_for(world.staff1)
    nav, templates = _page(c)
    assert NAVBAR in templates and _user_menu(nav) == "t_staff1 · 钵池街道"
    nav_again, templates = _page(c)
    assert NAVBAR not in templates and _tokenless(nav_again) == _tokenless(nav)  # kept: not rendered again

    staff = Member.objects.get(pk=world.staff1.pk)
    member_update(member=world.office, target=staff, full_name="李填报")
    assert _user_menu(_page(c)[0]) == "李填报 · 钵池街道"
    unit_update(member=world.office, unit=world.street1, name="钵池街道办事处")
    assert _user_menu(_page(c)[0]) == "李填报 · 钵池街道办事处"
    world.zone_a.name = "甲国家级经济技术开发区"
    world.zone_a.save()
    assert "甲国家级经济技术开发区" in _page(c)[0]
    member_update(member=world.office, target=Member.objects.get(pk=world.staff1.pk), role=Member.Role.LEADER,
                  scope=Member.Scope.ZONE)
    assert "领导" in _page(c)[0]


@pytest.mark.django_db
def test_the_bar_marks_the_page_it_is_on(world, client_for):
    c = client_for(world.office)
    for url, section in (("/tickets/", "/tickets/"), ("/projects/", "/projects/"), ("/tickets/", "/tickets/")):
        nav = _page(c, url)[0]
        assert re.findall(r'<a class="nav-link active" href="([^"]+)"', nav) == [section]


@pytest.mark.django_db
def test_the_bar_shows_the_counts_of_the_moment(world, client_for, monkeypatch):
    from tuijin.notifications import selectors

    c = client_for(world.office)
    for todo in (3, 4, 3):
        monkeypatch.setattr(selectors, "badges", lambda member, zone, n=todo: {"todo": n, "unread": 0})
        nav = _page(c)[0]
        assert re.search(r'id="todo-badge".*?text-bg-warning">(\d+)<', nav, re.S).group(1) == str(todo)


@pytest.mark.django_db
def test_members_and_zones_never_share_a_bar(world, client_for):
    seen = {}
    for member in (world.office, world.staff1, world.office_b, world.office):
        seen.setdefault(member.pk, set()).add(_user_menu(_page(client_for(member))[0]))
    assert seen[world.office.pk] == {f"{world.office} · 党政办公室"}
    assert seen[world.staff1.pk] == {"t_staff1 · 钵池街道"}
    assert "乙经济开发区" in _page(client_for(world.office_b))[0]
    assert "乙经济开发区" not in _page(client_for(world.office))[0]


@pytest.mark.django_db
def test_a_kept_bar_carries_a_fresh_token_that_works(world):
    c = Client(enforce_csrf_checks=True)
    c.force_login(world.staff1.user)
    tokens = []
    for _ in range(3):
        nav, _templates = _page(c)
        tokens.append(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', nav))
    assert all(len(t) == 2 and t[0] == t[1] for t in tokens)  # the language and sign-out forms: the page's token
    assert len({t[0] for t in tokens}) == 3  # masked anew on every answer, kept bar or not
    assert "tjCsrfSlot" not in "".join(t[0] for t in tokens)
    r = c.post("/accounts/logout/", {"csrfmiddlewaretoken": tokens[-1][0]})
    assert r.status_code == 302 and c.get("/tickets/").status_code == 302  # signed out
