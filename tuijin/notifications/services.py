"""Every write of 待办 and notifications: the zone's channels and schedule, 催报 and 催办, messages and their
delivery with retries.

A reminder is recorded in its own transaction; its messages are handed to the task queue only once that
transaction has committed, and a channel that fails is retried with back-off and logged attempt by attempt, so a
failing channel never blocks nor undoes the action that caused it.
"""
from __future__ import annotations

import datetime as dt
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.core.context import current_actor
from tuijin.core.params import parse_id
from tuijin.core.periods import check_period, is_locked, period_label
from tuijin.core.scope import require_office
from tuijin.core.validators import clean_name, to_int
from tuijin.notifications import channels as send
from tuijin.notifications.models import (
    FILING_DAY_MAX, FILING_DAY_MIN, REMINDER_DAYS_MAX, REMINDER_DAYS_MIN, SECRET_MAX, URL_MAX, Delivery,
    DeliveryAttempt, Notification, Reminder, ZoneChannels,
)
from tuijin.notifications.selectors import bump, channels_of, filing_deadline, overdue_tickets, units_to_remind
from tuijin.org.models import Member, Unit
from tuijin.org.services import ensure_zone
from tuijin.tickets.models import Ticket

RETRY_DELAYS = (60, 300, 1800, 7200)  # seconds after attempt 1, 2, 3, 4; the fifth failure gives up
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
NOTE_MAX = 200
D = Delivery


def _label(name: str) -> str:
    return str(ZoneChannels._meta.get_field(name).verbose_name)


def check_webhook(value, *, field: str) -> str:
    """An http(s) address of at most 500 characters, or empty."""
    text = clean_name(value, field=field, label=_label(field), max_length=URL_MAX, required=False)
    if not text:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        raise ValidationError({field: _("%(label)s must be an http:// or https:// address.") % {
            "label": _label(field)}}, code="invalid") from None
    return text


@transaction.atomic
def channels_save(*, member, zone, dingtalk_url=None, dingtalk_secret=None, wecom_url=None, email_enabled=True,
                  filing_day=5, reminder_enabled=True, reminder_days=2, escalate_enabled=True, run_hour=9,
                  clear_dingtalk=False, clear_wecom=False) -> ZoneChannels:
    """The office sets the zone's channels and schedule. An address or secret given as None (or empty) keeps the
    one stored; ``clear_*`` removes a robot."""
    require_office(member)
    ensure_zone(member, zone)
    row = ZoneChannels.objects.select_for_update().filter(zone=zone).first() or ZoneChannels(zone=zone)
    url = check_webhook(dingtalk_url, field="dingtalk_url")
    secret = clean_name(dingtalk_secret, field="dingtalk_secret", label=_label("dingtalk_secret"),
                        max_length=SECRET_MAX, required=False)
    wecom = check_webhook(wecom_url, field="wecom_url")
    if clear_dingtalk:
        row.dingtalk_url, row.dingtalk_secret = "", ""
    else:
        row.dingtalk_url = url or row.dingtalk_url
        row.dingtalk_secret = secret or row.dingtalk_secret
    row.wecom_url = "" if clear_wecom else (wecom or row.wecom_url)
    row.email_enabled = bool(email_enabled)
    row.reminder_enabled = bool(reminder_enabled)
    row.escalate_enabled = bool(escalate_enabled)
    row.filing_day = to_int(filing_day, field="filing_day", label=_label("filing_day"), lo=FILING_DAY_MIN,
                            hi=FILING_DAY_MAX)
    row.reminder_days = to_int(reminder_days, field="reminder_days", label=_label("reminder_days"),
                               lo=REMINDER_DAYS_MIN, hi=REMINDER_DAYS_MAX)
    row.run_hour = to_int(run_hour, field="run_hour", label=_label("run_hour"), lo=0, hi=23)
    row.save()
    return row


def _recipients(zone, units) -> list[Member]:
    """The active members who work in the units (not leaders: they read)."""
    return list(Member.objects.filter(zone=zone, unit__in=units, user__is_active=True)
                .exclude(role=Member.Role.LEADER).select_related("user", "unit"))


def _shown(member, model, pks) -> frozenset:
    """Which of the records ``pks`` the member's data scope shows (``restrict``, as every page reads them)."""
    return frozenset(model.objects.restrict(member).filter(pk__in=pks).values_list("pk", flat=True))


def _by_scope(members, model, pks) -> list[tuple[frozenset, list[Member]]]:
    """The members grouped by which of the records ``pks`` their scope shows, so that a message names a unit's own
    records (or its subtree's) and never another unit's, which the member would get a 404 on. One query per
    (scope, unit): nothing else of a member of the zone changes what a view shows them."""
    shown: dict[tuple, frozenset] = {}
    groups: dict[frozenset, list[Member]] = {}
    for m in members:
        key = (m.scope, m.unit_id)
        if key not in shown:
            shown[key] = _shown(m, model, pks)
        if shown[key]:
            groups.setdefault(shown[key], []).append(m)
    return list(groups.items())


def _record(zone, kind: str, *, note: str, scheduled: bool, summary: str, units, tickets=(), year=None,
            month=None) -> Reminder:
    actor = current_actor()
    reminder = Reminder.objects.create(zone=zone, kind=kind, year=year, month=month, by_id=actor.user_id,
                                       by_name=actor.username or str(_("system")), scheduled=scheduled, note=note,
                                       summary=summary[:500])
    reminder.units.set(units)
    if tickets:
        reminder.tickets.set(tickets)
    return reminder


def notify(*, zone, title: str, body: str, link: str = "", members=(), reminder: Reminder | None = None,
           robots: bool = True) -> list[Delivery]:
    """Send a message: in-app to each member, by e-mail to those with an address (when the zone sends e-mail),
    and to the zone's robots. The outside channels are queued once the current transaction commits."""
    channels = channels_of(zone)
    title = title[:200]
    Notification.objects.bulk_create([
        Notification(zone=zone, unit=m.unit, recipient=m.user, reminder=reminder, title=title, body=body, link=link)
        for m in members])
    now = timezone.now()
    deliveries = []
    if channels.email_enabled:
        for address in sorted({m.user.email for m in members if m.user.email}):
            deliveries.append(D(zone=zone, reminder=reminder, channel=D.Channel.EMAIL, address=address, title=title,
                                body=body, next_attempt_at=now))
    if robots and channels.dingtalk_url:
        deliveries.append(D(zone=zone, reminder=reminder, channel=D.Channel.DINGTALK, title=title, body=body,
                            next_attempt_at=now))
    if robots and channels.wecom_url:
        deliveries.append(D(zone=zone, reminder=reminder, channel=D.Channel.WECOM, title=title, body=body,
                            next_attempt_at=now))
    for d in deliveries:
        d.save()
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: enqueue_deliveries(ids), robust=True)
    bump(zone.pk)
    return deliveries


def enqueue_deliveries(ids) -> None:
    """Hand deliveries to the task queue; a queue that refuses leaves them to the schedule's next tick."""
    from tuijin.notifications.tasks import deliver

    for pk in ids:
        try:
            deliver.enqueue(pk)
        except Exception:  # noqa: BLE001 - the queue being down must not undo nor block the action
            continue


@transaction.atomic
def filing_reminder_send(*, member, zone, year: int, month: int, note: str = "", scheduled: bool = False) -> Reminder:
    """催报: remind every unit in scope that has not sent its figures of the month, in one go, recorded."""
    require_office(member)
    ensure_zone(member, zone)
    year, month = check_period(to_int(year, field="year", label=_("year"), lo=2000, hi=2100),
                               to_int(month, field="month", label=_("month"), lo=1, hi=12))
    note = clean_name(note, field="note", label=_("note"), max_length=NOTE_MAX, required=False)
    if is_locked(zone, year, month):
        raise ValidationError({"month": _("%(label)s is locked: there is nothing left to file.") % {
            "label": period_label(year, month)}})
    pending = units_to_remind(member=member, zone=zone, year=year, month=month)
    if not pending:
        raise ValidationError(_("Every unit has sent its figures of %(label)s.") % {"label": period_label(year, month)})
    label = period_label(year, month)
    deadline = filing_deadline(zone, year, month)
    units = [s.unit for s in pending]
    names = "、".join(u.name for u in units)
    title = _("Filing reminder: %(label)s figures") % {"label": label}
    link = f"{reverse('indicators:filing')}?period={year}-{month:02d}"

    def body(listed):
        text = _("Units that have not sent their figures of %(label)s: %(units)s. Please file by %(deadline)s.") % {
            "label": label, "units": "、".join(u.name for u in listed),
            "deadline": f"{deadline.month}月{deadline.day}日"}
        return text + (f"\n{note}" if note else "")

    reminder = _record(zone, Reminder.Kind.FILING, note=note, scheduled=scheduled, summary=names, units=units,
                       year=year, month=month)
    # each unit is told about itself (a member whose scope is a subtree: the units of it), never about the others
    for shown, members in _by_scope(_recipients(zone, units), Unit, [u.pk for u in units]):
        notify(zone=zone, title=title, body=body([u for u in units if u.pk in shown]), link=link, members=members,
               reminder=reminder, robots=False)
    _robots(zone=zone, title=title, body=body(units), link=link, reminder=reminder)
    return reminder


@transaction.atomic
def ticket_reminder_send(*, member, zone, note: str = "") -> Reminder:
    """催办: remind the units of every overdue ticket in scope, in one go, recorded."""
    require_office(member)
    ensure_zone(member, zone)
    note = clean_name(note, field="note", label=_("note"), max_length=NOTE_MAX, required=False)
    late = overdue_tickets(member=member, zone=zone)
    if not late:
        raise ValidationError(_("No ticket is overdue."))
    units = list({t.assignee_unit_id: t.assignee_unit for t in late}.values())
    link = f"{reverse('tickets:inbox')}?overdue=1"

    def title(listed):
        return _("Ticket reminder: %(n)s overdue tickets") % {"n": len(listed)}

    def body(listed):
        lines = [f"{t.assignee_unit.name}:{t.title}" for t in listed]
        return "\n".join(lines[:30]) + ("\n……" if len(lines) > 30 else "") + (f"\n{note}" if note else "")

    reminder = _record(zone, Reminder.Kind.TICKET, note=note, scheduled=False,
                       summary="、".join(u.name for u in units), units=units, tickets=late)
    # each unit hears of its own tickets (a subtree member: those of the subtree), never of another unit's
    for shown, members in _by_scope(_recipients(zone, units), Ticket, [t.pk for t in late]):
        mine = [t for t in late if t.pk in shown]
        notify(zone=zone, title=title(mine), body=body(mine), link=link, members=members, reminder=reminder,
               robots=False)
    _robots(zone=zone, title=title(late), body=body(late), link=link, reminder=reminder)
    return reminder


def _robots(*, zone, title: str, body: str, link: str, reminder: Reminder) -> None:
    """The whole reminder (every unit, every ticket) to the zone's robots: the office's own channel, set by the
    office alone and posting to the group it chose, as the reminder page shows the office the whole list."""
    notify(zone=zone, title=title, body=body, link=link, members=[], reminder=reminder)


@transaction.atomic
def escalation_run(*, member, zone, now: dt.datetime | None = None) -> int:
    """The daily escalation (the same service as ``tuijin escalate``), announced to the zone's office and robots
    when it escalated anything."""
    require_office(member)
    from tuijin.tickets.services import escalation_leader, tickets_escalate

    now = now or timezone.now()
    n = tickets_escalate(zone=zone, now=now)
    if n:
        # each sponsor leader hears of the tickets escalated to them, in the app (robots get the office's one line)
        mine: dict = {}
        for t in Ticket.objects.filter(zone=zone, escalated_at=now).select_related(
                "assignee_unit", "project__sponsor_member__user", "project__sponsor_member__unit", "key_task__sponsor__user",
                "key_task__sponsor__unit").order_by("pk"):
            leader = escalation_leader(t)
            if leader is not None and leader.is_active:
                mine.setdefault(leader, []).append(t)
        for leader, tickets in mine.items():
            # only what the leader's own scope shows: a sponsor is never told of a ticket they would get a 404 on
            shown = _shown(leader, Ticket, [t.pk for t in tickets])
            tickets = [t for t in tickets if t.pk in shown]
            if not tickets:
                continue
            notify(zone=zone, title=_("%(n)s overdue tickets escalated to you") % {"n": len(tickets)},
                   body="\n".join(f"{t.title}({t.assignee_unit.name})" for t in tickets[:20]),
                   link=reverse("projects:sponsored"), members=[leader], robots=False)
        office = Member.objects.filter(zone=zone, role=Member.Role.OFFICE, user__is_active=True) \
            .select_related("user", "unit")
        reminder = _record(zone, Reminder.Kind.ESCALATION, note="", scheduled=True,
                           summary=_("%(n)s overdue tickets escalated") % {"n": n}, units=[])
        notify(zone=zone, title=_("Overdue escalation: %(n)s tickets") % {"n": n},
               body=_("%(n)s overdue tickets were escalated to their sponsor leaders.") % {"n": n},
               members=list(office), reminder=reminder)
    return n


@transaction.atomic
def notifications_read(*, member, ids=None) -> int:
    """Mark the member's own messages read (the ones given, or all)."""
    if member is None or member.user is None:
        raise PermissionDenied(_("Only a member can read messages."))
    qs = Notification.objects.restrict(member).filter(recipient=member.user, read_at__isnull=True)
    if ids is not None:
        wanted = [parse_id(i) for i in ids]
        if None in wanted:  # not a message id at all (text, "²", a 25-digit number that no column holds)
            raise ValidationError({"ids": _("Choose messages from the list.")})
        qs = qs.filter(pk__in=set(wanted))
    n = qs.update(read_at=timezone.now())
    if n:
        bump(member.zone_id, member.user_id)
    return n


def delivery_attempt(delivery_id: int, *, now: dt.datetime | None = None) -> Delivery | None:
    """One attempt to send a waiting delivery that is due: claimed in a short transaction (so two workers never
    send it twice), sent outside it, logged; on failure the next attempt is set after a growing delay, and after
    the last one the delivery is marked failed. The delivery returned has ``attempted`` set when this call sent."""
    now = now or timezone.now()
    with transaction.atomic():
        d = Delivery.objects.select_for_update().filter(pk=delivery_id, state=D.State.PENDING).first()
        if d is None or (d.next_attempt_at is not None and d.next_attempt_at > now):
            return d  # gone, done, or not due (another worker has just tried it)
        d.attempted = True
        d.attempts += 1
        d.next_attempt_at = now + dt.timedelta(seconds=RETRY_DELAYS[min(d.attempts, len(RETRY_DELAYS)) - 1])
        d.save(update_fields=["attempts", "next_attempt_at", "updated"])
    started = time.monotonic()
    outcome = _send(d)
    DeliveryAttempt.objects.create(delivery=d, number=d.attempts, ok=outcome.ok, status=outcome.status[:20],
                                   detail=outcome.detail[:300], duration_ms=int((time.monotonic() - started) * 1000))
    if outcome.ok:
        d.state, d.sent_at, d.next_attempt_at = D.State.SENT, timezone.now(), None
    elif d.attempts >= MAX_ATTEMPTS:
        d.state, d.next_attempt_at = D.State.FAILED, None
    d.save(update_fields=["state", "sent_at", "next_attempt_at", "updated"])
    return d


def _send(d: Delivery) -> send.Outcome:
    channels = channels_of(d.zone)
    if d.channel == D.Channel.EMAIL:
        return send.send_email(d.address, d.title, d.body)
    if d.channel == D.Channel.DINGTALK:
        if not channels.dingtalk_url:
            return send.Outcome(False, "unset", "钉钉机器人未设置")
        return send.send_dingtalk(channels.dingtalk_url, channels.dingtalk_secret, d.title, d.body)
    if not channels.wecom_url:
        return send.Outcome(False, "unset", "企业微信机器人未设置")
    return send.send_wecom(channels.wecom_url, d.title, d.body)


def due_deliveries(now: dt.datetime) -> list[int]:
    """Waiting deliveries whose next attempt is due (first attempts the queue never ran, and retries)."""
    return list(Delivery.objects.filter(state=D.State.PENDING, next_attempt_at__lte=now)
                .order_by("next_attempt_at").values_list("pk", flat=True)[:500])


def channels_test(*, member, zone) -> list[Delivery]:
    """A test message to the zone's robots, to check the addresses and the secret."""
    require_office(member)
    ensure_zone(member, zone)
    channels = channels_of(zone)
    if not (channels.dingtalk_url or channels.wecom_url):
        raise ValidationError(_("No robot is set up."))
    with transaction.atomic():
        return notify(zone=zone, title=str(_("Test message")),
                     body=str(_("The robot of %(zone)s is set up.") % {"zone": zone.name}), members=[])

