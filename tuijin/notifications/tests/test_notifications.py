from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tuijin.core.models import ChangeLog
from tuijin.notifications import channels as send
from tuijin.notifications import selectors, services
from tuijin.notifications.models import Delivery, DeliveryAttempt, Notification, Reminder, ScheduleRun, ZoneChannels
from tuijin.notifications.schedule import tick
from tuijin.tickets.models import Ticket

from .conftest import as_member

SECRET = "SEC" + "0123456789abcdef" * 3


def kinds(items):
    return sorted(i.kind for i in items)


def set_channels(world, **values):
    with as_member(world.office):
        return services.channels_save(member=world.office, zone=world.zone_a, **values)


# --- 待办 ---------------------------------------------------------------------------------------------------------

@pytest.mark.django_db
class TestTodo:
    def test_counts_per_role(self, world, month, ticket):
        z = world.zone_a
        assert kinds(selectors.todo_items(member=world.staff1, zone=z)) == ["ack"]  # filed; a ticket to sign for
        s2 = selectors.todo_items(member=world.staff2, zone=z)
        assert kinds(s2) == ["file"] and s2[0].unit == "枚乘街道" and s2[0].due == dt.date(2023, 7, 5)
        assert not s2[0].overdue
        assert kinds(selectors.todo_items(member=world.office, zone=z)) == ["review"]  # 钵池街道 submitted
        assert selectors.todo_items(member=world.leader, zone=z) == []  # leaders read
        assert selectors.todo_items(member=world.staff_b, zone=z) == []  # another zone's member
        assert selectors.todo_items(member=world.office_b, zone=z) == []

    def test_returned_resolved_and_overdue_first(self, world, month, ticket):
        from tuijin.indicators.services import actual_review
        from tuijin.tickets.services import ticket_acknowledge, ticket_resolve

        z = world.zone_a
        with as_member(world.office):
            actual_review(member=world.office, unit=world.street1, year=2023, month=6, approve=False, reason="口径不对")
        with as_member(world.staff1):
            ticket_acknowledge(member=world.staff1, ticket=ticket)
        items = selectors.todo_items(member=world.staff1, zone=z)
        assert kinds(items) == ["answer", "returned"]
        assert next(i for i in items if i.kind == "returned").detail == "口径不对"
        z.as_of = dt.date(2023, 7, 9)  # past the filing deadline: the filing comes first, marked overdue
        z.save()
        items = selectors.todo_items(member=world.staff1, zone=z)
        assert items[0].kind == "returned" and items[0].overdue
        with as_member(world.staff1):
            ticket_resolve(member=world.staff1, ticket=ticket, resolution="已办结")
        assert "verify" in kinds(selectors.todo_items(member=world.office, zone=z))
        assert "verify" not in kinds(selectors.todo_items(member=world.staff2, zone=z))

    def test_page_and_scope(self, world, month, ticket, client_for):
        page = client_for(world.staff1).get("/notifications/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "施工许可办理慢" in html and "枚乘街道" not in html  # a street never sees another street's 待办
        html = client_for(world.staff2).get("/notifications/").content.decode()
        assert "枚乘街道" in html and "施工许可办理慢" not in html
        assert 'id="todo-badge"' in html

    def test_badge_is_cached_and_recounted_after_a_change(self, world, month, django_assert_num_queries):
        from tuijin.indicators.services import actual_save, actual_submit

        z = world.zone_a
        assert selectors.badges(world.staff2, z)["todo"] == 1
        with django_assert_num_queries(0):  # the next page view reads the cache only
            assert selectors.badges(world.staff2, z)["todo"] == 1
        with as_member(world.staff2):
            actual_save(member=world.staff2, unit=world.street2, indicator=month["general_budget_revenue"], year=2023,
                        month=6, ytd="3")
            actual_submit(member=world.staff2, unit=world.street2, year=2023, month=6)
        assert selectors.badges(world.staff2, z)["todo"] == 0

    def test_badge_follows_others_writes_within_a_minute(self, world, month, monkeypatch):
        """Another member's write reaches a badge within BADGE_FRESH_SECONDS, not on the very next page view: a
        zone's every save must not make every member recount."""
        import time

        from tuijin.indicators.services import actual_save, actual_submit

        z = world.zone_a
        before = selectors.badges(world.office, z)["todo"]
        with as_member(world.staff2):
            actual_save(member=world.staff2, unit=world.street2, indicator=month["general_budget_revenue"], year=2023,
                        month=6, ytd="3")
            actual_submit(member=world.staff2, unit=world.street2, year=2023, month=6)
        assert selectors.badges(world.office, z)["todo"] == before  # still the counted figure
        later = time.time() + selectors.BADGE_FRESH_SECONDS + 1
        monkeypatch.setattr(selectors.time, "time", lambda: later)
        assert selectors.badges(world.office, z)["todo"] == before + 1  # the submission now waits for review

    def test_api(self, world, month, ticket, api_for):
        got = api_for(world.staff2).get("/api/v1/todo/")
        assert got.status_code == 200 and [i["kind"] for i in got.json()] == ["file"]
        assert api_for(world.leader).get("/api/v1/todo/").json() == []


# --- 催报 / 催办 --------------------------------------------------------------------------------------------------

@pytest.mark.django_db
class TestReminders:
    def test_filing_reminder_recorded_and_notified(self, world, month, django_capture_on_commit_callbacks):
        with as_member(world.office), django_capture_on_commit_callbacks(execute=True):
            r = services.filing_reminder_send(member=world.office, zone=world.zone_a, year=2023, month=6,
                                              note="请今日内报送")
        assert r.kind == Reminder.Kind.FILING and (r.year, r.month) == (2023, 6)
        assert [u.name for u in r.units.all()] == ["枚乘街道"]  # 钵池街道 has submitted
        assert r.by_id == world.office.user.pk and r.by_name == "t_office"
        n = Notification.objects.get(reminder=r)
        assert n.recipient == world.staff2.user and "枚乘街道" in n.body and "请今日内报送" in n.body
        assert [m.to for m in mail.outbox] == [["s2@example.com"]]
        assert Delivery.objects.get(reminder=r, channel="email").state == Delivery.State.SENT
        assert ChangeLog.objects.filter(object_repr=str(r)).exists()  # in the change history
        assert selectors.notification_list(member=world.staff2, unread_only=True).count() == 1
        assert selectors.notification_list(member=world.staff1).count() == 0

    def test_refusals_and_scope(self, world, month):
        with pytest.raises(PermissionDenied):
            services.filing_reminder_send(member=world.staff1, zone=world.zone_a, year=2023, month=6)
        with pytest.raises(PermissionDenied):  # another zone's office cannot 催报 yours
            services.filing_reminder_send(member=world.office_b, zone=world.zone_a, year=2023, month=6)
        with pytest.raises(PermissionDenied):
            services.ticket_reminder_send(member=world.office_b, zone=world.zone_a)
        with pytest.raises(ValidationError) as e:
            services.filing_reminder_send(member=world.office, zone=world.zone_a, year=2023, month=13)
        assert "month" in e.value.message_dict
        with pytest.raises(ValidationError):  # nothing expected in 2022: nobody to remind
            services.filing_reminder_send(member=world.office, zone=world.zone_a, year=2022, month=6)
        with pytest.raises(ValidationError):
            services.ticket_reminder_send(member=world.office, zone=world.zone_a)  # no ticket overdue
        assert not Reminder.objects.exists()

    def test_ticket_reminder(self, world, ticket, django_capture_on_commit_callbacks):
        Ticket.objects.filter(pk=ticket.pk).update(ack_due=timezone.now() - dt.timedelta(hours=1))
        with as_member(world.office), django_capture_on_commit_callbacks(execute=True):
            r = services.ticket_reminder_send(member=world.office, zone=world.zone_a)
        assert list(r.tickets.all()) == [ticket] and [u.name for u in r.units.all()] == ["钵池街道"]
        assert Notification.objects.filter(reminder=r, recipient=world.staff1.user).exists()

    def test_page_and_api_give_the_same(self, world, month, client_for, api_for):
        c = client_for(world.office)
        page = c.get("/notifications/reminders/?period=2023-06")
        assert page.status_code == 200 and "枚乘街道" in page.content.decode()
        answer = c.post("/notifications/reminders/", {"action": "filing", "period": "2023-06", "note": "请报送"})
        assert answer.status_code == 302
        api = api_for(world.office).post("/api/v1/reminders/", {"kind": "filing", "period": "2023-06",
                                                                "note": "请报送"}, format="json")
        assert api.status_code == 201 and api.json()["units"] == ["枚乘街道"]
        a, b = Reminder.objects.order_by("pk")
        assert [u.pk for u in a.units.all()] == [u.pk for u in b.units.all()] and a.note == b.note == "请报送"
        # refusals the same way: a street, another zone's office, a malformed period
        assert client_for(world.staff1).get("/notifications/reminders/").status_code == 403
        assert api_for(world.staff1).post("/api/v1/reminders/", {"kind": "filing", "period": "2023-06"},
                                          format="json").status_code == 403
        assert api_for(world.office).post("/api/v1/reminders/", {"kind": "filing", "period": "2023-13"},
                                          format="json").status_code == 400
        assert api_for(world.office_b).get("/api/v1/reminders/").json()["results"] == []
        assert api_for(world.staff1).get("/api/v1/reminders/").json()["results"] == []
        assert Reminder.objects.count() == 2

    def test_messages_read(self, world, month, client_for, api_for):
        with as_member(world.office):
            services.filing_reminder_send(member=world.office, zone=world.zone_a, year=2023, month=6)
        n = Notification.objects.get()
        assert services.notifications_read(member=world.staff1, ids=[n.pk]) == 0  # not theirs
        assert api_for(world.staff1).get("/api/v1/notifications/").json()["results"] == []
        html = client_for(world.staff2).get("/notifications/inbox/").content.decode()
        assert "填报" in html or n.title in html
        assert api_for(world.staff2).post("/api/v1/notifications/read/", {"ids": [n.pk]},
                                          format="json").json() == {"read": 1}
        n.refresh_from_db()
        assert n.read_at is not None
        assert api_for(world.staff2).post("/api/v1/notifications/read/", {"ids": ["x"]},
                                          format="json").status_code == 400


# --- robots, retries, the attempt log ---------------------------------------------------------------------------

@pytest.mark.django_db
class TestDelivery:
    def test_dingtalk_signature_and_payload(self, world, month, receiver, django_capture_on_commit_callbacks):
        set_channels(world, dingtalk_url=f"{receiver.url}/robot/send?access_token=tok", dingtalk_secret=SECRET,
                     wecom_url=f"{receiver.url}/cgi-bin/webhook/send?key=k")
        with as_member(world.office), django_capture_on_commit_callbacks(execute=True):
            r = services.filing_reminder_send(member=world.office, zone=world.zone_a, year=2023, month=6)
        ding = next(q for q in receiver.requests if q["path"] == "/robot/send")
        ts = ding["query"]["timestamp"][0]
        expected = base64.b64encode(hmac.new(SECRET.encode(), f"{ts}\n{SECRET}".encode(), hashlib.sha256).digest())
        assert ding["query"]["sign"][0] == expected.decode()  # parse_qs undid the URL-encoding
        assert "sign=" + send.dingtalk_sign(SECRET, int(ts)) in ding["raw_query"]
        assert abs(int(ts) / 1000 - timezone.now().timestamp()) < 60
        assert ding["query"]["access_token"] == ["tok"]
        assert ding["json"]["msgtype"] == "text" and "枚乘街道" in ding["json"]["text"]["content"]
        assert ding["content_type"].startswith("application/json")
        wecom = next(q for q in receiver.requests if q["path"] == "/cgi-bin/webhook/send")
        assert "sign" not in wecom["query"] and "枚乘街道" in wecom["json"]["text"]["content"]
        assert set(Delivery.objects.filter(reminder=r).values_list("state", flat=True)) == {"sent"}
        assert DeliveryAttempt.objects.filter(ok=True).count() == 3  # e-mail, 钉钉, 企业微信

    def test_unreachable_robot_logged_retried_never_blocking(self, world, month, receiver, closed_port_url,
                                                             django_capture_on_commit_callbacks):
        set_channels(world, wecom_url=closed_port_url, dingtalk_url=f"{receiver.url}/robot/send?access_token=t",
                     dingtalk_secret=SECRET, reminder_enabled=False, escalate_enabled=False)
        with as_member(world.office), django_capture_on_commit_callbacks(execute=True):
            r = services.filing_reminder_send(member=world.office, zone=world.zone_a, year=2023, month=6)
        assert Reminder.objects.filter(pk=r.pk).exists() and Notification.objects.filter(reminder=r).exists()
        d = Delivery.objects.get(reminder=r, channel="wecom")
        assert d.state == Delivery.State.PENDING and d.attempts == 1 and d.next_attempt_at > timezone.now()
        first = d.attempt_log.get()
        assert not first.ok and first.detail and "key=k" not in first.detail
        assert tick(timezone.now()) == 0  # not due yet
        at = timezone.now()
        for delay in services.RETRY_DELAYS:  # each retry after a longer wait
            at += dt.timedelta(seconds=delay + 1)
            assert tick(at) >= 1
        d.refresh_from_db()
        assert d.state == Delivery.State.FAILED and d.attempts == services.MAX_ATTEMPTS and d.next_attempt_at is None
        log = list(d.attempt_log.values_list("number", "ok"))
        assert log == [(i, False) for i in range(1, services.MAX_ATTEMPTS + 1)]
        assert Delivery.objects.get(reminder=r, channel="dingtalk").state == Delivery.State.SENT
        assert tick(at + dt.timedelta(days=1)) == 0  # nothing left to retry, jobs off

    def test_backoff_grows(self, world, month, closed_port_url, django_capture_on_commit_callbacks):
        set_channels(world, wecom_url=closed_port_url, email_enabled=False)
        with as_member(world.office), django_capture_on_commit_callbacks(execute=True):
            services.filing_reminder_send(member=world.office, zone=world.zone_a, year=2023, month=6)
        d = Delivery.objects.get()
        now = timezone.now()
        waits = []
        for _ in range(3):
            before = now
            now = d.next_attempt_at
            services.delivery_attempt(d.pk, now=now)
            d.refresh_from_db()
            waits.append((d.next_attempt_at - now).total_seconds())
            assert before < now
        assert waits == list(services.RETRY_DELAYS[1:4])

    def test_secret_never_shown_nor_logged(self, world, month, closed_port_url, client_for,
                                           django_capture_on_commit_callbacks):
        set_channels(world, dingtalk_url=closed_port_url.replace("/cgi-bin/webhook/send?key=k",
                                                                 "/robot/send?access_token=TOKEN123"),
                     dingtalk_secret=SECRET)
        with as_member(world.office), django_capture_on_commit_callbacks(execute=True):
            services.filing_reminder_send(member=world.office, zone=world.zone_a, year=2023, month=6)
        for url in ("/notifications/channels/", "/notifications/reminders/?period=2023-06"):
            html = client_for(world.office).get(url).content.decode()
            assert SECRET not in html and "TOKEN123" not in html
        logged = " ".join(f"{c.before} {c.after}" for c in ChangeLog.objects.all())
        assert SECRET not in logged and "TOKEN123" not in logged
        details = " ".join(DeliveryAttempt.objects.values_list("detail", flat=True))
        assert SECRET not in details and "TOKEN123" not in details
        # left empty on the page, the stored secret stays
        c = client_for(world.office)
        c.post("/notifications/channels/", {"action": "save", "filing_day": "5", "reminder_days": "2", "run_hour": "9"})
        row = ZoneChannels.objects.get(zone=world.zone_a)
        assert row.dingtalk_secret == SECRET and "TOKEN123" in row.dingtalk_url


# --- settings: bad input ----------------------------------------------------------------------------------------

@pytest.mark.django_db
class TestChannelSettings:
    @pytest.mark.parametrize("values, field", [
        ({"dingtalk_url": "ftp://example.com/robot"}, "dingtalk_url"),
        ({"dingtalk_url": "javascript:alert(1)"}, "dingtalk_url"),
        ({"wecom_url": "example.com/webhook"}, "wecom_url"),
        ({"wecom_url": "https://" + "a" * 600 + ".com/"}, "wecom_url"),
        ({"dingtalk_secret": "s" * 129}, "dingtalk_secret"),
        ({"dingtalk_secret": "ab\x00cd"}, "dingtalk_secret"),
        ({"reminder_days": 0}, "reminder_days"),
        ({"reminder_days": 16}, "reminder_days"),
        ({"reminder_days": "两天"}, "reminder_days"),
        ({"filing_day": 31}, "filing_day"),
        ({"run_hour": 24}, "run_hour"),
    ])
    def test_refused_naming_the_field(self, world, values, field):
        with pytest.raises(ValidationError) as e:
            set_channels(world, **values)
        assert field in e.value.message_dict
        assert not ZoneChannels.objects.exists()

    def test_only_the_office_of_the_zone(self, world):
        for m in (world.staff1, world.leader, world.office_b):
            with pytest.raises(PermissionDenied):
                services.channels_save(member=m, zone=world.zone_a, reminder_days=3)
        assert not ZoneChannels.objects.exists()

    def test_page(self, world, client_for):
        c = client_for(world.office)
        bad = c.post("/notifications/channels/", {"action": "save", "dingtalk_url": "ftp://x.cn/", "filing_day": "5",
                                                  "reminder_days": "99", "run_hour": "9"})
        assert bad.status_code == 200 and not ZoneChannels.objects.exists()
        assert "http" in bad.content.decode()
        good = c.post("/notifications/channels/", {"action": "save", "dingtalk_url": "https://oapi.dingtalk.com/robot/"
                                                   "send?access_token=abc", "dingtalk_secret": "SECabc",
                                                   "filing_day": "6", "reminder_days": "3", "run_hour": "8",
                                                   "reminder_enabled": "on"})
        assert good.status_code == 302
        row = ZoneChannels.objects.get()
        assert (row.filing_day, row.reminder_days, row.run_hour, row.reminder_enabled, row.escalate_enabled) == \
            (6, 3, 8, True, False)
        assert "oapi.dingtalk.com" in c.get("/notifications/channels/").content.decode()
        assert client_for(world.staff1).get("/notifications/channels/").status_code == 403


# --- the schedule -----------------------------------------------------------------------------------------------

def local(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.mark.django_db
class TestSchedule:
    def test_filing_reminder_before_the_deadline_once_a_day(self, world, month, ticket):
        set_channels(world, reminder_days=2, filing_day=5, run_hour=9)
        day = dt.date(2023, 7, 3)  # two days before 5 July
        assert tick(local(day, 8)) == 0  # before the zone's hour
        assert tick(local(day, 9)) == 2  # the filing reminder and the escalation
        assert tick(local(day, 10)) == 0  # once a day, however often it ticks
        r = Reminder.objects.get(kind=Reminder.Kind.FILING)
        assert r.scheduled and (r.year, r.month) == (2023, 6) and [u.name for u in r.units.all()] == ["枚乘街道"]
        assert r.by_name == "定时任务"
        runs = dict(ScheduleRun.objects.values_list("job", "result"))
        assert runs["filing_reminder"].startswith("催报") and runs["escalate"] == "提级督办 0 件"
        assert tick(local(day + dt.timedelta(days=1), 9)) == 2  # the next day: no deadline in two days
        assert Reminder.objects.filter(kind=Reminder.Kind.FILING).count() == 1

    def test_escalation_reuses_the_ticket_service(self, world, ticket):
        set_channels(world, reminder_enabled=False)
        Ticket.objects.filter(pk=ticket.pk).update(ack_due=timezone.now() - dt.timedelta(hours=2))
        assert tick(local(timezone.localdate(), 23)) == 1
        ticket.refresh_from_db()
        assert ticket.escalated_at is not None
        assert ticket.events.filter(action="escalate").exists()
        r = Reminder.objects.get(kind=Reminder.Kind.ESCALATION)
        assert Notification.objects.filter(reminder=r, recipient=world.office.user).exists()

    def test_escalation_tells_the_sponsor_leader(self, world):
        """The overdue ticket of a project goes to the project's sponsor leader (a member), who hears of it in the
        app with a link to 我包挂的项目; nobody else gets that message."""
        from tuijin.projects.services import project_create
        from tuijin.tickets.services import ticket_raise

        set_channels(world, reminder_enabled=False)
        project = project_create(member=world.office, zone=world.zone_a, code="E1", name="智能装备产业园",
                                 category="industry", unit=world.street1, sponsor_member=world.leader)
        with as_member(world.office):
            t = ticket_raise(member=world.office, zone=world.zone_a, title="用地指标未落实", assignee_unit=world.street1,
                             project=project, deadline=timezone.localdate() + dt.timedelta(days=10))
        Ticket.objects.filter(pk=t.pk).update(ack_due=timezone.now() - dt.timedelta(hours=2))
        assert tick(local(timezone.localdate(), 23)) == 1
        got = Notification.objects.filter(recipient=world.leader.user)
        assert [(n.title, n.link) for n in got] == [("1件逾期督办事项已提请您督办", "/projects/sponsored/")]
        assert "用地指标未落实(钵池街道)" in got.get().body
        assert not Notification.objects.filter(recipient=world.staff1.user).exists()

    def test_zone_without_settings_runs_nothing(self, world):
        assert tick(local(dt.date(2023, 7, 3), 12)) == 0

    def test_command(self, world, ticket):
        from django.core.management import call_command

        set_channels(world, reminder_enabled=False, run_hour=0)
        call_command("run_schedule")
        assert ScheduleRun.objects.filter(job="escalate", day=timezone.localdate()).exists()


@pytest.mark.django_db
def test_planted_text_stays_text(world, month, client_for, django_capture_on_commit_callbacks):
    from tuijin.core.tests.planting import P1, P2, RAW_MARKERS
    from tuijin.tickets.services import ticket_raise

    with as_member(world.office):
        t = ticket_raise(member=world.office, zone=world.zone_a, title="甲" + P2, assignee_unit=world.street2,
                         deadline=timezone.localdate() + dt.timedelta(days=3))
    Ticket.objects.filter(pk=t.pk).update(ack_due=timezone.now() - dt.timedelta(hours=1))
    with as_member(world.office), django_capture_on_commit_callbacks(execute=True):
        services.filing_reminder_send(member=world.office, zone=world.zone_a, year=2023, month=6, note="乙" + P1[:40])
    world.zone_a.as_of = None
    world.zone_a.save()
    with as_member(world.office):
        services.ticket_reminder_send(member=world.office, zone=world.zone_a, note="丙" + P1[:40])
    for member, url in ((world.office, "/notifications/reminders/?period=2023-06"), (world.staff2, "/notifications/"),
                        (world.staff2, "/notifications/inbox/")):
        html = client_for(member).get(url).content.decode()
        assert "&lt;/script&gt;" in html, url
        for marker in RAW_MARKERS:
            assert marker not in html, (url, marker)


@pytest.mark.django_db(transaction=True)
def test_database_queue_retries_with_run_after(world, month, closed_port_url, settings):
    """With the database queue a failed delivery re-enqueues itself to run after the back-off, once."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    # the daily jobs off: after the zone's run hour the schedule would enqueue them too, whatever the test's clock
    set_channels(world, wecom_url=closed_port_url, email_enabled=False, reminder_enabled=False,
                 escalate_enabled=False)
    with as_member(world.office):
        services.filing_reminder_send(member=world.office, zone=world.zone_a, year=2023, month=6)
    d = Delivery.objects.get()
    assert d.attempts == 0 and DBTaskResult.objects.filter(status="READY").count() == 1  # queued, not run here

    def work():
        Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
               max_tasks=None, worker_id="test", excluded_queue_names=[]).run()

    work()
    d.refresh_from_db()
    assert d.attempts == 1 and d.state == Delivery.State.PENDING
    waiting = DBTaskResult.objects.get(status="READY")
    assert abs((waiting.run_after - d.next_attempt_at).total_seconds()) < 1
    work()  # not due yet: nothing runs
    d.refresh_from_db()
    assert d.attempts == 1 and DBTaskResult.objects.filter(status="READY").count() == 1
    assert tick(d.next_attempt_at + dt.timedelta(seconds=1)) == 1  # the schedule finds it due first
    work()
    d.refresh_from_db()
    assert d.attempts == 2 and DBTaskResult.objects.filter(status="READY").count() == 2  # the next, and the stale one
    DBTaskResult.objects.filter(status="READY", run_after=waiting.run_after).update(run_after=timezone.now())
    work()  # the stale copy finds the delivery not due: no attempt, nothing enqueued
    d.refresh_from_db()
    assert d.attempts == 2 and DBTaskResult.objects.filter(status="READY").count() == 1


@pytest.mark.django_db
def test_test_message_from_the_page(world, receiver, client_for, django_capture_on_commit_callbacks):
    c = client_for(world.office)
    c.post("/notifications/channels/", {"action": "test"})
    assert not Delivery.objects.exists()  # no robot yet: refused with a message
    set_channels(world, wecom_url=f"{receiver.url}/cgi-bin/webhook/send?key=k")
    with django_capture_on_commit_callbacks(execute=True):
        assert c.post("/notifications/channels/", {"action": "test"}).status_code == 302
    assert len(receiver.requests) == 1 and "甲经济技术开发区" in receiver.requests[0]["json"]["text"]["content"]
    assert Delivery.objects.get().state == Delivery.State.SENT
    assert client_for(world.staff1).post("/notifications/channels/", {"action": "test"}).status_code == 403


def test_only_a_write_that_can_change_a_count_makes_its_writer_recount(world, month, django_assert_num_queries):
    """A draft figure's new value or a ticket's feedback changes nobody's count: the writer's next page reads the
    cached count; a new figure, a submission or a state change recounts at once (notifications.receivers)."""
    from tuijin.indicators.models import Actual
    from tuijin.indicators.services import actual_save, actual_submit

    z, ind = world.zone_a, month["general_budget_revenue"]
    with as_member(world.staff2):
        actual_save(member=world.staff2, unit=world.street2, indicator=ind, year=2023, month=6, ytd="3")
    assert selectors.badges(world.staff2, z)["todo"] == 1  # recounted: a new figure
    stored = Actual.objects.get(unit=world.street2, indicator=ind, year=2023, month=6).ytd
    with as_member(world.staff2):
        actual_save(member=world.staff2, unit=world.street2, indicator=ind, year=2023, month=6, ytd="4")
    assert Actual.objects.get(unit=world.street2, indicator=ind, year=2023, month=6).ytd != stored
    with django_assert_num_queries(0):
        assert selectors.badges(world.staff2, z)["todo"] == 1  # a draft's value: no recount
    with as_member(world.staff2):
        actual_submit(member=world.staff2, unit=world.street2, year=2023, month=6)
    assert selectors.badges(world.staff2, z)["todo"] == 0  # a state change: at once
