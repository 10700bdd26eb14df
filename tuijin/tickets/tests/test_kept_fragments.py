"""The inbox's list and figures, its filters and a ticket's card are kept rendered (``{% cache %}`` keyed by
``core.cache.fragment_key``): every change of what they show, by anyone and by time alone, shows at once, and what one
member sees is never served to another."""
import datetime as dt

import pytest
from django.utils import timezone

from tuijin.core.scope import SYSTEM
from tuijin.org.services import unit_create, unit_update
from tuijin.tickets import selectors, services
from tuijin.tickets.models import Ticket
from tuijin.tickets.tests.test_tickets import as_member

pytestmark = pytest.mark.django_db


def _html(client, url):
    r = client.get(url)
    assert r.status_code == 200
    return r.content.decode()


def _part(html, start, end):
    i = html.index(start)
    return html[i:html.index(end, i)]


def _rows(html):
    return _part(html, 'id="ticket-list"', "</table>")


def _figures(html):
    return _part(html, 'id="ticket-stats"', "</table>")


def _units(html):
    return _part(html, 'name="unit"', "</select>")


def _card(html):
    return _part(html, '<nav aria-label=', "</dl>")


@pytest.fixture
def two(world):
    with as_member(world.office):
        a = services.ticket_raise(member=world.office, zone=world.zone_a, title="用地指标", assignee_unit=world.street1,
                                  deadline=timezone.localdate() + dt.timedelta(days=10))
        b = services.ticket_raise(member=world.office, zone=world.zone_a, title="电力增容", assignee_unit=world.street2,
                                  deadline=timezone.localdate() + dt.timedelta(days=10))
    return a, b


def test_inbox_list_shows_every_step_taken_by_another_member(world, client_for, two):
    a, _b = two
    office = client_for(world.office)
    html = _html(office, "/tickets/")
    assert "已交办" in _rows(html) and "已签收" not in _rows(html)
    with as_member(world.staff1):
        services.ticket_acknowledge(member=world.staff1, ticket=a)
    assert "已签收" in _rows(_html(office, "/tickets/"))
    with as_member(world.staff1):
        services.ticket_resolve(member=world.staff1, ticket=a, resolution="已办结")
    figures = _figures(_html(office, "/tickets/"))
    assert '<td>钵池街道</td><td class="num">1</td><td class="num">1</td><td class="num">100%</td>' in figures


def test_inbox_list_shows_a_change_written_without_its_time_stamp(world, client_for, two):
    """Kept by what it shows, not by the rows' time stamps: a bulk update that leaves ``updated`` alone shows too."""
    a, _b = two
    office = client_for(world.office)
    assert "用地指标" in _rows(_html(office, "/tickets/"))
    Ticket.objects.filter(pk=a.pk).update(title="用地指标调整", deadline=dt.date(2031, 5, 6))
    rows = _rows(_html(office, "/tickets/"))
    assert "用地指标调整" in rows and "2031-05-06" in rows


def test_inbox_list_and_figures_show_a_unit_renamed(world, client_for, two):
    office = client_for(world.office)
    assert "钵池街道" in _rows(_html(office, "/tickets/"))
    unit_update(member=SYSTEM, unit=world.street1, name="钵池新街道")
    html = _html(office, "/tickets/")
    assert "钵池新街道" in _rows(html) and "钵池新街道" in _figures(html) and "钵池新街道" in _units(html)


def test_inbox_list_shows_what_becomes_overdue_with_time_alone(world, client_for, two, monkeypatch):
    a, _b = two
    soon = timezone.now() + dt.timedelta(minutes=1)
    Ticket.objects.filter(pk=a.pk).update(ack_due=soon)
    office = client_for(world.office)
    assert "未签收" not in _rows(_html(office, "/tickets/"))
    later = soon + dt.timedelta(minutes=1)
    monkeypatch.setattr(selectors.timezone, "now", lambda: later)
    html = _html(office, "/tickets/")
    assert "未签收" in _rows(html) and '<td class="num">1</td><td class="num">—</td>' in _figures(html)


def test_inbox_list_shows_another_broken_promise_of_a_ticket_already_overdue(world, client_for, two, monkeypatch):
    """Past its deadline already (counted overdue), then past the promise to acknowledge too: the figures stay, the
    row's words change."""
    a, _b = two
    soon = timezone.now() + dt.timedelta(minutes=1)
    Ticket.objects.filter(pk=a.pk).update(ack_due=soon, deadline=timezone.localdate() - dt.timedelta(days=1))
    office = client_for(world.office)
    rows = _rows(_html(office, "/tickets/"))
    assert '<td class="small">未办结 </td>' in rows
    monkeypatch.setattr(selectors.timezone, "now", lambda: soon + dt.timedelta(minutes=1))
    assert '<td class="small">未签收 未办结 </td>' in _rows(_html(office, "/tickets/"))


def test_inbox_figures_show_a_change_of_a_ticket_on_another_page(world, client_for):
    with as_member(world.office):
        first = services.ticket_raise(member=world.office, zone=world.zone_a, title="最早的事项",
                                      assignee_unit=world.street1)
        for i in range(30):
            services.ticket_raise(member=world.office, zone=world.zone_a, title=f"事项{i:02d}",
                                  assignee_unit=world.street2)
    office = client_for(world.office)
    html = _html(office, "/tickets/")
    assert "最早的事项" not in _rows(html) and '<td>钵池街道</td><td class="num">1</td><td class="num">0</td>' in _figures(html)
    with as_member(world.staff1):
        services.ticket_acknowledge(member=world.staff1, ticket=first)
        services.ticket_resolve(member=world.staff1, ticket=first, resolution="已办结")
    html = _html(office, "/tickets/")
    assert '<td>钵池街道</td><td class="num">1</td><td class="num">1</td>' in _figures(html)


def test_inbox_filters_show_a_unit_added(world, client_for, two):
    office = client_for(world.office)
    assert "招商局" not in _units(_html(office, "/tickets/"))
    unit_create(member=SYSTEM, zone=world.zone_a, name="招商局", kind="department", parent=world.office_unit)
    assert "招商局" in _units(_html(office, "/tickets/"))


def test_inbox_fragments_are_never_served_to_another_member(world, client_for, two):
    office, street = _html(client_for(world.office), "/tickets/"), _html(client_for(world.staff1), "/tickets/")
    assert "电力增容" in _rows(office) and "电力增容" not in _rows(street)
    assert "枚乘街道" in _units(office) and "枚乘街道" not in _units(street)
    assert 'name="ids"' in _rows(office) and 'name="ids"' not in _rows(_html(client_for(world.leader), "/tickets/"))


def test_ticket_card_shows_every_change_of_what_it_shows(world, client_for, two, monkeypatch):
    a, b = two
    office = client_for(world.office)
    url = f"/tickets/{a.pk}/"
    card = _card(_html(office, url))
    assert "已交办" in card and "钵池街道" in card
    with as_member(world.staff1):  # another member's step
        services.ticket_acknowledge(member=world.staff1, ticket=a)
    assert "已签收" in _card(_html(office, url))
    with as_member(world.staff1):  # a progress note changes nothing the card shows (and keeps it)
        services.ticket_feedback(member=world.staff1, ticket=a, note="已约谈")
    assert "已签收" in _card(_html(office, url))
    Ticket.objects.filter(pk=a.pk).update(description="第一行\n第二行", sponsor="王主任")  # no time stamp
    card = _card(_html(office, url))
    assert "第一行<br>第二行" in card and "王主任" in card
    unit_update(member=SYSTEM, unit=world.street1, name="钵池新街道")
    assert "钵池新街道" in _card(_html(office, url))
    # time alone: a minute past the promise to acknowledge
    soon = timezone.now() + dt.timedelta(minutes=1)
    Ticket.objects.filter(pk=b.pk).update(ack_due=soon)
    assert "未签收" not in _card(_html(office, f"/tickets/{b.pk}/"))
    monkeypatch.setattr(timezone, "now", lambda: soon + dt.timedelta(minutes=1))
    assert "未签收" in _card(_html(office, f"/tickets/{b.pk}/"))


def test_ticket_card_shows_the_project_renamed(world, client_for):
    from tuijin.projects.models import Project
    from tuijin.projects.services import project_create

    project = project_create(member=SYSTEM, zone=world.zone_a, code="XM-1", name="智能装备产业园", category="industry",
                             unit=world.street1)
    with as_member(world.office):
        t = services.ticket_raise(member=world.office, zone=world.zone_a, title="用地", assignee_unit=world.street1,
                                  project=project)
    office = client_for(world.office)
    assert "XM-1" in _card(_html(office, f"/tickets/{t.pk}/"))
    Project.objects.filter(pk=project.pk).update(code="XM-2")
    assert "XM-2" in _card(_html(office, f"/tickets/{t.pk}/"))


def test_follows_is_whether_followed_ticket_finds_it(world):
    with as_member(world.staff2):
        raised = services.ticket_raise(member=world.staff2, zone=world.zone_a, title="跨街道协调",
                                       assignee_unit=world.street1)
    with as_member(world.office_b):
        other = services.ticket_raise(member=world.office_b, zone=world.zone_b, title="乙区事项",
                                      assignee_unit=world.street_b)
    for member in (world.admin, world.office, world.leader, world.staff1, world.staff2, world.office_b, None):
        for t in (raised, other):
            assert selectors.follows(member, t.pk) is (selectors.followed_ticket(member, t.pk) is not None)
    assert not selectors.follows(world.office, 10**9)
