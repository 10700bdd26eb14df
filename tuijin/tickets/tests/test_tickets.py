import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tuijin.core.context import Actor, acting_as
from tuijin.tickets import selectors, services
from tuijin.tickets.models import Ticket


def as_member(member):
    return acting_as(Actor(user_id=member.user.pk, username=member.user.username, source="web"))


@pytest.fixture
def ticket(world):
    with as_member(world.office):
        return services.ticket_raise(member=world.office, zone=world.zone_a, title="施工许可办理慢",
                                     assignee_unit=world.street1, deadline=timezone.localdate() + dt.timedelta(days=10),
                                     sponsor="刘主任")


@pytest.mark.django_db
class TestLoop:
    def test_full_loop_with_send_back(self, world, ticket, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        with as_member(world.staff1):
            services.ticket_acknowledge(member=world.staff1, ticket=ticket)
            services.ticket_feedback(member=world.staff1, ticket=ticket, note="已约住建局会商",
                                     attachment=SimpleUploadedFile("纪要.txt", "会议纪要".encode()))
            services.ticket_resolve(member=world.staff1, ticket=ticket, resolution="施工许可已办结")
        with pytest.raises(PermissionDenied):  # the handling unit cannot close its own ticket
            services.ticket_close(member=world.staff1, ticket=ticket)
        with as_member(world.office):
            services.ticket_reopen(member=world.office, ticket=ticket, reason="许可证未送达企业")
        with as_member(world.staff1):
            services.ticket_resolve(member=world.staff1, ticket=ticket, resolution="已送达企业")
        with as_member(world.office):
            t = services.ticket_close(member=world.office, ticket=ticket, note="核实无误")
        assert t.state == "closed" and t.reopen_count == 1
        actions = list(t.events.values_list("action", flat=True))
        assert actions == ["assign", "acknowledge", "feedback", "resolve", "reopen", "resolve", "close"]
        assert t.events.get(action="feedback").attachment.name.endswith(".txt")

    def test_wrong_order_and_empty_input(self, world, ticket):
        with pytest.raises(ValidationError):
            services.ticket_resolve(member=world.staff1, ticket=ticket, resolution="x")  # not acknowledged
        services.ticket_acknowledge(member=world.staff1, ticket=ticket)
        with pytest.raises(ValidationError):
            services.ticket_resolve(member=world.staff1, ticket=ticket, resolution="  ")
        with pytest.raises(ValidationError):
            services.ticket_raise(member=world.office, zone=world.zone_a, title="", assignee_unit=world.street1)
        with pytest.raises(ValidationError):
            services.ticket_raise(member=world.office, zone=world.zone_a, title="x", assignee_unit=world.street_b)
        with pytest.raises(ValidationError):
            services.ticket_raise(member=world.office, zone=world.zone_a, title="x", assignee_unit=world.street1,
                                  deadline=dt.date(2020, 1, 1))

    def test_other_street_cannot_handle(self, world, ticket):
        with pytest.raises(PermissionDenied):
            services.ticket_acknowledge(member=world.staff2, ticket=ticket)
        with pytest.raises(PermissionDenied):
            services.ticket_raise(member=world.leader, zone=world.zone_a, title="x", assignee_unit=world.street1)

    def test_overdue_and_escalation(self, world, ticket):
        later = timezone.now() + dt.timedelta(days=2)
        assert services.overdue_kinds(ticket, later) == ["ack"]
        assert services.tickets_escalate(zone=world.zone_a, now=later) == 1
        ticket.refresh_from_db()
        assert ticket.escalated_at is not None
        note = ticket.events.get(action="escalate").note
        assert "逾期未签收" in note and "刘主任" in note
        assert services.tickets_escalate(zone=world.zone_a, now=later) == 0  # once
        services.ticket_acknowledge(member=world.staff1, ticket=ticket)
        ticket.refresh_from_db()
        assert services.overdue_kinds(ticket, timezone.now() + dt.timedelta(days=4)) == ["feedback"]
        assert "resolve" in services.overdue_kinds(ticket, timezone.now() + dt.timedelta(days=12))

    def test_stats_by_unit(self, world, ticket):
        services.ticket_acknowledge(member=world.staff1, ticket=ticket)
        services.ticket_resolve(member=world.staff1, ticket=ticket, resolution="done")
        services.ticket_raise(member=world.office, zone=world.zone_a, title="二", assignee_unit=world.street1)
        services.ticket_raise(member=world.office, zone=world.zone_a, title="三", assignee_unit=world.street2)
        stats = {s["unit"]: s for s in selectors.ticket_stats_by_unit(member=world.office, zone=world.zone_a)}
        assert stats["钵池街道"]["received"] == 2 and stats["钵池街道"]["resolved"] == 1
        assert stats["钵池街道"]["resolution_rate"] == 0.5 and stats["枚乘街道"]["resolved"] == 0
        assert [s["unit"] for s in selectors.ticket_stats_by_unit(member=world.staff2, zone=world.zone_a)] == ["枚乘街道"]


@pytest.mark.django_db
class TestPagesAndApi:
    def test_inbox_is_scoped(self, world, ticket, client_for):
        assert "施工许可办理慢" in client_for(world.staff1).get("/tickets/").content.decode()
        assert "施工许可办理慢" not in client_for(world.staff2).get("/tickets/").content.decode()
        assert client_for(world.staff2).get(f"/tickets/{ticket.pk}/").status_code == 404

    def test_page_actions(self, world, ticket, client_for):
        c = client_for(world.staff1)
        c.post(f"/tickets/{ticket.pk}/", {"action": "acknowledge"})
        c.post(f"/tickets/{ticket.pk}/", {"action": "resolve", "note": "已办结"})
        ticket.refresh_from_db()
        assert ticket.state == "resolved"
        r = client_for(world.staff2).post(f"/tickets/{ticket.pk}/", {"action": "reopen", "note": "x"})
        assert r.status_code == 404

    def test_raise_by_page(self, world, client_for):
        c = client_for(world.office)
        r = c.post("/tickets/new/", {"title": "企业用工缺口", "assignee_unit": world.street2.pk, "deadline": "2099-01-01",
                                     "source": "enterprise", "enterprise": "华瑞科技"})
        assert r.status_code == 302 and Ticket.objects.get().source == "enterprise"

    def test_api_loop_and_scope(self, world, ticket, api_for):
        api = api_for(world.staff1)
        assert api.post(f"/api/v1/tickets/{ticket.pk}/step/", {"action": "acknowledge"}, format="json").status_code == 200
        r = api.post(f"/api/v1/tickets/{ticket.pk}/step/", {"action": "resolve", "note": ""}, format="json")
        assert r.status_code == 400
        assert api_for(world.staff2).post(f"/api/v1/tickets/{ticket.pk}/step/", {"action": "resolve", "note": "x"},
                                          format="json").status_code == 404
        r = api_for(world.office).post("/api/v1/tickets/", {"title": "接口交办", "assignee_unit": world.street2.pk,
                                                             "deadline": "2099-01-01"}, format="json")
        assert r.status_code == 201, r.content


@pytest.mark.django_db
def test_escalate_command(world, ticket):
    import io

    from django.core.management import call_command

    Ticket.objects.filter(pk=ticket.pk).update(ack_due=timezone.now() - dt.timedelta(hours=1))
    out = io.StringIO()
    call_command("escalate", "--zone", "za", stdout=out)
    assert "提级督办 1 件" in out.getvalue()
    ticket.refresh_from_db()
    assert ticket.escalated_at is not None
