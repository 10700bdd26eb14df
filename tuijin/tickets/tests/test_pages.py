"""The inbox's rows and a ticket's steps as the pages show them: worked out in the view (labels, addresses, local
times, overdue words), the pages show what they always showed."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tuijin.tickets import services
from tuijin.tickets.models import Ticket, TicketEvent
from tuijin.tickets.tests.test_tickets import as_member


def _html(client, url):
    r = client.get(url)
    assert r.status_code == 200
    return r.content.decode()


def _rows(html):
    start = html.index('id="ticket-list"')
    return html[start:html.index("</table>", start)]


@pytest.mark.django_db
def test_inbox_rows_with_overdue_words_links_and_units(world, client_for):
    with as_member(world.office):
        late = services.ticket_raise(member=world.office, zone=world.zone_a, title="<b>用地</b>迟迟未批",
                                     assignee_unit=world.street1, deadline=timezone.localdate() + dt.timedelta(days=3))
        fresh = services.ticket_raise(member=world.office, zone=world.zone_a, title="电力增容", assignee_unit=world.street2,
                                      deadline=timezone.localdate() + dt.timedelta(days=9), source="enterprise",
                                      enterprise="华瑞科技")
    past = timezone.now() - dt.timedelta(days=5)
    Ticket.objects.filter(pk=late.pk).update(ack_due=past, feedback_due=past,
                                             deadline=timezone.localdate() - dt.timedelta(days=1))
    rows = _rows(_html(client_for(world.office), "/tickets/"))
    day = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert (f'<tr class="warn-red"><td><input class="form-check-input" type="checkbox" name="ids" value="{late.pk}" '
            f'aria-label="选择 &lt;b&gt;用地&lt;/b&gt;迟迟未批"></td><td><a href="/tickets/{late.pk}/">&lt;b&gt;用地&lt;/b&gt;'
            f'迟迟未批</a><div class="small text-muted">手工发起</div></td><td>钵池街道</td><td>已交办</td><td>{day}</td>'
            f'<td class="small">未签收 未办结 </td></tr>') in rows
    assert f'<a href="/tickets/{fresh.pk}/">电力增容</a><div class="small text-muted">企业诉求</div>' in rows
    assert '<td class="small"></td></tr>' in rows
    leader = _rows(_html(client_for(world.leader), "/tickets/"))
    assert 'name="ids"' not in leader and f'<a href="/tickets/{late.pk}/">' in leader
    assert "电力增容" not in _rows(_html(client_for(world.staff1), "/tickets/"))
    page = _html(client_for(world.office), f"/tickets/?unit={world.street2.pk}")
    assert f'<option value="{world.street2.pk}" selected>枚乘街道</option>' in page
    assert f'<option value="{world.street1.pk}">钵池街道</option>' in page and "城南街道" not in page
    assert "迟迟未批" not in _rows(page)
    with as_member(world.staff1):
        services.ticket_acknowledge(member=world.staff1, ticket=late)
    assert '<td class="small">未反馈 未办结 </td>' in _rows(_html(client_for(world.office), "/tickets/"))


@pytest.mark.django_db
def test_ticket_steps_with_attachment_and_local_time(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with as_member(world.office):
        t = services.ticket_raise(member=world.office, zone=world.zone_a, title="施工许可办理慢",
                                  assignee_unit=world.street1, deadline=timezone.localdate() + dt.timedelta(days=10))
    with as_member(world.staff1):
        services.ticket_acknowledge(member=world.staff1, ticket=t)
        services.ticket_feedback(member=world.staff1, ticket=t, note="<i>已约</i>住建局会商",
                                 attachment=SimpleUploadedFile("纪要.txt", "会议纪要".encode()))
    event = TicketEvent.objects.get(ticket=t, action="feedback")
    TicketEvent.objects.filter(pk=event.pk).update(created=dt.datetime(2023, 6, 30, 17, 5, tzinfo=dt.UTC))
    html = _html(client_for(world.office), f"/tickets/{t.pk}/")
    steps = html[html.index('id="ticket-steps"'):]
    name = event.attachment.name.rsplit("/", 1)[-1]
    assert (f'<li class="list-group-item"><strong>进展反馈</strong> · t_staff1 · 2023-07-01 01:05'
            f'<div>&lt;i&gt;已约&lt;/i&gt;住建局会商</div><div><a href="/tickets/attachments/{event.pk}/">'
            f'<i class="bi bi-paperclip"></i> {name}</a></div></li>') in steps
    assert steps.count("<li ") == 3 and steps.count("bi-paperclip") == 1  # the step moved back in time comes first
    assert client_for(world.staff1).get(f"/tickets/attachments/{event.pk}/").status_code == 200
    assert client_for(world.staff2).get(f"/tickets/attachments/{event.pk}/").status_code == 404


@pytest.mark.django_db
def test_followed_ticket_is_one_of_followed_tickets(world):
    from tuijin.tickets.selectors import followed_ticket, followed_tickets

    with as_member(world.staff2):  # raised by 枚乘街道, handled by 钵池街道: 枚乘街道 follows it to the end
        raised = services.ticket_raise(member=world.staff2, zone=world.zone_a, title="跨街道协调",
                                       assignee_unit=world.street1)
    with as_member(world.office_b):
        other_zone = services.ticket_raise(member=world.office_b, zone=world.zone_b, title="乙区事项",
                                           assignee_unit=world.street_b)
    with as_member(world.office):
        own = services.ticket_raise(member=world.office, zone=world.zone_a, title="甲区事项",
                                    assignee_unit=world.dept)
    members = [world.admin, world.office, world.leader, world.staff1, world.staff2, world.office_b, world.staff_b,
               None]
    for member in members:
        for t in (raised, other_zone, own):
            expected = followed_tickets(member).filter(pk=t.pk).first()
            assert followed_ticket(member, t.pk) == expected, (member, t)
    assert followed_ticket(world.staff2, raised.pk, "assignee_unit").assignee_unit.name == "钵池街道"
    assert followed_ticket(world.staff1, own.pk) is None and followed_ticket(world.staff2, 10**9) is None
    world.staff2.user.is_active = False
    world.staff2.user.save()
    assert followed_ticket(world.staff2, raised.pk) is None and not followed_tickets(world.staff2).exists()


@pytest.mark.django_db
def test_inbox_pages_count_every_ticket_in_scope(world, client_for):
    with as_member(world.office):
        for i in range(31):
            services.ticket_raise(member=world.office, zone=world.zone_a, title=f"事项{i:02d}",
                                  assignee_unit=world.street1 if i % 2 else world.street2)
        services.ticket_raise(member=world.office_b, zone=world.zone_b, title="乙区事项", assignee_unit=world.street_b)
    office = client_for(world.office)
    first, second = _html(office, "/tickets/"), _html(office, "/tickets/?page=2")
    assert _rows(first).count('name="ids"') == 30 and _rows(second).count('name="ids"') == 1
    assert "第 1 页,共 2 页" in first and "第 2 页,共 2 页" in second and "乙区事项" not in first + second
    street = _html(client_for(world.staff1), "/tickets/")
    assert _rows(street).count('name="ids"') == 15 and ",共 2 页" not in street
    filtered = _html(office, f"/tickets/?unit={world.street2.pk}")
    assert _rows(filtered).count('name="ids"') == 16 and ",共 2 页" not in filtered
    assert _rows(_html(office, "/tickets/?page=9")).count('name="ids"') == 1  # past the end: the last page


@pytest.mark.django_db
class TestStepsFragment:
    """A ticket's steps are kept rendered (``{% cache %}`` keyed by ``core.cache.fragment_key``: member, address,
    language and the version of the ticket's steps)."""

    @staticmethod
    def _steps(client, t):
        import re

        html = _html(client, f"/tickets/{t.pk}/")
        html = re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1…", html)
        start = html.index('id="ticket-steps"')
        return html[start:html.index("</ul>", start)]

    def test_a_new_step_shows_at_once(self, world, client_for):
        with as_member(world.office):
            t = services.ticket_raise(member=world.office, zone=world.zone_a, title="施工许可办理慢",
                                      assignee_unit=world.street1)
        c = client_for(world.staff1)
        first = self._steps(c, t)
        assert first.count("<li ") == 1 and self._steps(c, t) == first  # the second view: from the cache
        with as_member(world.staff1):
            services.ticket_acknowledge(member=world.staff1, ticket=t, note="已签收,马上协调")
        assert "已签收,马上协调" in self._steps(c, t)
        r = c.post(f"/tickets/{t.pk}/", {"action": "feedback", "note": "已约住建局会商"})
        assert r.status_code == 302
        steps = self._steps(c, t)
        assert steps.count("<li ") == 3 and "已约住建局会商" in steps
        TicketEvent.objects.filter(ticket=t, action="feedback").update(note="改过的进展", updated=timezone.now())
        assert "改过的进展" in self._steps(c, t) and "已约住建局会商" not in self._steps(c, t)

    def test_never_shared_across_members_languages_or_zones(self, world, client_for):
        with as_member(world.office):
            t = services.ticket_raise(member=world.office, zone=world.zone_a, title="施工许可办理慢",
                                      assignee_unit=world.street1)
        office = client_for(world.office)
        chinese = self._steps(office, t)  # fills the cache first
        assert "<strong>assigned</strong>" not in chinese
        office.cookies["django_language"] = "en"
        english = self._steps(office, t)
        assert "<strong>assigned</strong>" in english
        assert self._steps(client_for(world.staff1), t) == chinese  # rendered under its own key, the same steps
        for outsider in (world.staff2, world.office_b):
            assert client_for(outsider).get(f"/tickets/{t.pk}/").status_code == 404

    def test_planted_note_stays_text(self, world, client_for):
        planted = "</li><script>alert(1)</script>"
        with as_member(world.office):
            t = services.ticket_raise(member=world.office, zone=world.zone_a, title="施工许可办理慢",
                                      assignee_unit=world.street1)
        with as_member(world.staff1):
            services.ticket_acknowledge(member=world.staff1, ticket=t, note=planted)
        c = client_for(world.office)
        for _ in range(2):  # rendered, then served from the cache
            steps = self._steps(c, t)
            assert planted not in steps and "&lt;/li&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in steps
