"""催报 and 催办 tell each unit about itself: a street's inbox (page, API, e-mail) never names another unit nor
another unit's tickets, which it would get a 404 on; a member whose scope is a subtree hears of the subtree. The
zone's robots, the office's channel, get the whole list. And marking messages read with ids that are no ids."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from tuijin.notifications import services
from tuijin.notifications.models import Notification, Reminder
from tuijin.tickets.models import Ticket

from .conftest import AS_OF, as_member

OWN = {  # what each unit's members may read of the reminders: its own name and tickets
    "street1": ("钵池街道", "施工许可办理慢"),
    "park": ("钵池产业园", "园区道路积水"),
    "street2": ("枚乘街道", "枚乘路灯未修复"),
}


@pytest.fixture
def zone_with_two_streets(world):
    """2023-06 of zone A, nobody filed: 钵池街道, its park (钵池产业园, below it) and 枚乘街道 have a target each and
    an overdue ticket each. 钵池街道 has a unit member (staff1) and a subtree member (sub1); the park has its own."""
    from tuijin.indicators.services import catalogue_install, target_set
    from tuijin.org.demo import make_member
    from tuijin.org.models import Member, Unit
    from tuijin.org.services import unit_create
    from tuijin.core.scope import SYSTEM
    from tuijin.tickets.services import ticket_raise

    zone = world.zone_a
    zone.as_of = AS_OF
    zone.save()
    park = unit_create(member=SYSTEM, zone=zone, name="钵池产业园", kind=Unit.Kind.PARK, parent=world.street1)
    world.park = park
    world.sub1 = make_member(username="t_sub1", unit=world.street1, role=Member.Role.STAFF, scope=Member.Scope.SUBTREE)
    world.park_staff = make_member(username="t_park", unit=park, role=Member.Role.STAFF, scope=Member.Scope.UNIT)
    rev = {i.code: i for i in catalogue_install(zone=zone)}["general_budget_revenue"]
    for unit in (world.street1, world.street2, park):
        target_set(member=world.office, zone=zone, indicator=rev, year=2023, value=Decimal("9"), unit=unit)
    for m, address in ((world.staff1, "s1@example.com"), (world.staff2, "s2@example.com"),
                       (world.sub1, "sub1@example.com"), (world.park_staff, "park@example.com")):
        m.user.email = address
        m.user.save()
    with as_member(world.office):
        for unit, key in ((world.street1, "street1"), (world.street2, "street2"), (park, "park")):
            ticket_raise(member=world.office, zone=zone, title=OWN[key][1], assignee_unit=unit,
                         deadline=timezone.localdate() + dt.timedelta(days=10))
    # overdue: not acknowledged in time (counted to the real clock once the zone's fixed "today" is cleared below)
    Ticket.objects.update(ack_due=timezone.now() - dt.timedelta(hours=1))
    return world


def _send_both(world, client_for, api_for, receiver, django_capture_on_commit_callbacks):
    """The office sends 催报 and 催办 through the page, then again through the API, with a robot set."""
    services.channels_save(member=world.office, zone=world.zone_a, wecom_url=f"{receiver.url}/cgi-bin/webhook/send?k=1")
    page, api = client_for(world.office), api_for(world.office)
    with django_capture_on_commit_callbacks(execute=True):
        assert page.post("/notifications/reminders/", {"action": "filing", "period": "2023-06"}).status_code == 302
        assert api.post("/api/v1/reminders/", {"kind": "filing", "period": "2023-06"},
                        format="json").status_code == 201
    world.zone_a.as_of = None  # the tickets are overdue against today's clock
    world.zone_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert page.post("/notifications/reminders/", {"action": "tickets"}).status_code == 302
        assert api.post("/api/v1/reminders/", {"kind": "ticket"}, format="json").status_code == 201
    assert Reminder.objects.count() == 4


def _inbox(member, client_for, api_for) -> tuple[str, str]:
    page = client_for(member).get("/notifications/inbox/")
    assert page.status_code == 200
    api = api_for(member).get("/api/v1/notifications/")
    assert api.status_code == 200
    rows = api.json()["results"] if isinstance(api.json(), dict) else api.json()
    return page.content.decode(), " ".join(f"{r['title']} {r['body']}" for r in rows)


@pytest.mark.django_db
def test_each_unit_reads_only_its_own(zone_with_two_streets, client_for, api_for, receiver,
                                      django_capture_on_commit_callbacks):
    world = zone_with_two_streets
    _send_both(world, client_for, api_for, receiver, django_capture_on_commit_callbacks)
    readers = [  # (member, what they must read, what they must not)
        (world.staff1, ["street1"], ["street2", "park"]),
        (world.staff2, ["street2"], ["street1", "park"]),
        (world.park_staff, ["park"], ["street1", "street2"]),
        (world.sub1, ["street1", "park"], ["street2"]),  # a subtree: its own unit and the park below it
    ]
    for member, own, others in readers:
        html, api = _inbox(member, client_for, api_for)
        for where, text in (("page", html), ("api", api)):
            for key in own:
                for word in OWN[key]:
                    assert word in text, (member, where, word)
            for key in others:
                for word in OWN[key]:
                    assert word not in text, (member, where, word)
        assert Notification.objects.filter(recipient=member.user).count() == 4  # both reminders, both ways
        # the tickets named are the ones the member may open
        for t in Ticket.objects.all():
            opened = client_for(member).get(f"/tickets/{t.pk}/").status_code
            assert (opened == 200) == (t.title in api), (member, t.title, opened)
    # e-mail: each address its own
    for address, member, others in (("s1@example.com", world.staff1, ["street2", "park"]),
                                    ("s2@example.com", world.staff2, ["street1", "park"]),
                                    ("sub1@example.com", world.sub1, ["street2"])):
        got = " ".join(f"{m.subject} {m.body}" for m in mail.outbox if address in m.to)
        assert got, address
        assert not any(w in got for k in others for w in OWN[k]), (address, got)
    # the titles count the member's own tickets
    assert set(Notification.objects.filter(recipient=world.staff1.user, reminder__kind="ticket")
               .values_list("title", flat=True)) == {"催办:1件督办事项逾期"}
    assert set(Notification.objects.filter(recipient=world.sub1.user, reminder__kind="ticket")
               .values_list("title", flat=True)) == {"催办:2件督办事项逾期"}
    # the zone's robot (the office's channel) and the office's record keep the whole list
    robot = [r["json"]["text"]["content"] for r in receiver.requests]
    assert len(robot) == 4  # 催报 and 催办, each sent twice
    filing, tickets = [t for t in robot if "尚未报送" in t], [t for t in robot if "尚未报送" not in t]
    assert len(filing) == 2 and all(OWN[k][0] in t for t in filing for k in OWN)
    assert len(tickets) == 2 and all(OWN[k][1] in t for t in tickets for k in OWN)
    tickets_reminder = Reminder.objects.filter(kind="ticket").first()
    assert tickets_reminder.tickets.count() == 3 and tickets_reminder.units.count() == 3


@pytest.mark.django_db
def test_another_zone_and_leaders_read_nothing(zone_with_two_streets, client_for, api_for, receiver,
                                               django_capture_on_commit_callbacks):
    world = zone_with_two_streets
    _send_both(world, client_for, api_for, receiver, django_capture_on_commit_callbacks)
    for member in (world.staff_b, world.leader):
        html, api = _inbox(member, client_for, api_for)
        assert api == ""
        assert not any(w in html for k in OWN for w in OWN[k])


@pytest.mark.django_db
def test_escalation_tells_a_sponsor_only_what_their_scope_shows(world):
    """A sponsor leader whose scope is one street hears of that street's escalated ticket only."""
    from tuijin.core.scope import SYSTEM
    from tuijin.org.demo import make_member
    from tuijin.org.models import Member
    from tuijin.projects.services import project_create
    from tuijin.tickets.services import ticket_raise

    narrow = make_member(username="t_leader1", unit=world.street1, role=Member.Role.LEADER, scope=Member.Scope.UNIT)
    with as_member(world.office):
        for unit, title in ((world.street1, "钵池用地指标未落实"), (world.street2, "枚乘厂房未交付")):
            p = project_create(member=world.office, zone=world.zone_a, code=f"E{unit.pk}", name=f"{unit.name}项目",
                               category="industry", unit=unit, sponsor_member=narrow)
            ticket_raise(member=world.office, zone=world.zone_a, title=title, assignee_unit=unit, project=p,
                         deadline=timezone.localdate() + dt.timedelta(days=10))
    Ticket.objects.update(ack_due=timezone.now() - dt.timedelta(hours=2))
    assert services.escalation_run(member=SYSTEM, zone=world.zone_a) == 2
    got = Notification.objects.get(recipient=narrow.user)
    assert "钵池用地指标未落实" in got.body and "枚乘" not in got.body and got.title.startswith("1件")


@pytest.mark.django_db
class TestMarkReadWithBadIds:
    @pytest.mark.parametrize("ids", [["abc"], ["²"], ["9999999999999999999999999"], [""], ["-1"], ["0"],
                                     ["1", "9999999999999999999999999"], [" 1e3 "]])
    def test_page_says_so_and_changes_nothing(self, zone_with_two_streets, client_for, api_for, receiver,
                                              django_capture_on_commit_callbacks, ids):
        world = zone_with_two_streets
        _send_both(world, client_for, api_for, receiver, django_capture_on_commit_callbacks)
        c = client_for(world.staff1)
        mine = list(Notification.objects.filter(recipient=world.staff1.user).values_list("pk", flat=True))
        ids = [str(mine[0]) if i == "1" else i for i in ids]
        r = c.post("/notifications/inbox/", {"ids": ids}, follow=True)
        assert r.status_code == 200
        assert "请从列表中选择消息" in r.content.decode() or "Choose messages" in r.content.decode()
        assert Notification.objects.filter(read_at__isnull=False).count() == 0
        api = api_for(world.staff1).post("/api/v1/notifications/read/", {"ids": ids}, format="json")
        assert api.status_code == 400
        assert Notification.objects.filter(read_at__isnull=False).count() == 0

    def test_service_refuses_them_too(self, zone_with_two_streets):
        from django.core.exceptions import ValidationError

        for bad in (["²"], ["9999999999999999999999999"], [2**63], [-5], [""], [None]):
            with pytest.raises(ValidationError):
                services.notifications_read(member=zone_with_two_streets.staff1, ids=bad)

    def test_good_ids_still_work(self, zone_with_two_streets, client_for, api_for, receiver,
                                 django_capture_on_commit_callbacks):
        world = zone_with_two_streets
        _send_both(world, client_for, api_for, receiver, django_capture_on_commit_callbacks)
        mine = list(Notification.objects.filter(recipient=world.staff1.user).values_list("pk", flat=True))
        other = Notification.objects.filter(recipient=world.staff2.user).values_list("pk", flat=True).first()
        r = client_for(world.staff1).post("/notifications/inbox/", {"ids": [str(mine[0]), str(other)]})
        assert r.status_code == 302
        assert list(Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True)) == [mine[0]]
