"""Reads: what waits for each member (待办), their notifications, the reminders sent and how deliveries went.

Every read goes through the member's data scope. The top bar's counts are cached (``badges``): a page view reads
two cache entries and no table, until something a 待办 depends on is saved (``receivers``) or a minute passes.
"""
from __future__ import annotations

import calendar
import datetime as dt
import time
import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuijin.core.cache import Rows, table_version
from tuijin.core.models import FilingPeriod
from tuijin.core.periods import as_of_date, current_period, period_code, period_label
from tuijin.indicators.models import Actual
from tuijin.indicators.selectors import filing_status
from tuijin.notifications.models import Delivery, Notification, Reminder, ZoneChannels
from tuijin.tickets.models import Ticket
from tuijin.tickets.services import overdue_kinds

KINDS = {
    "file": _("figures to file"),
    "returned": _("figures returned"),
    "review": _("filings to review"),
    "ack": _("ticket to acknowledge"),
    "answer": _("ticket to handle"),
    "verify": _("ticket to verify"),
}
TO_SEND = ("not_filed", "draft", "partial", "returned")  # a unit still has to send something
BADGE_FRESH_SECONDS = 60
S = Ticket.State


@dataclass
class TodoItem:
    kind: str
    title: str
    unit: str
    due: dt.date | None
    overdue: bool
    link: str
    detail: str = ""

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])


def channels_of(zone) -> ZoneChannels:
    """The zone's channels and schedule (the defaults when the office has not set them)."""
    return ZoneChannels.objects.filter(zone=zone).first() or ZoneChannels(zone=zone)


def filing_deadline(zone, year: int, month: int, channels: ZoneChannels | None = None) -> dt.date:
    """The month's own deadline, else the zone's filing day of the following month."""
    own = FilingPeriod.objects.filter(zone=zone, year=year, month=month).values_list("deadline", flat=True).first()
    if own:
        return own
    channels = channels or channels_of(zone)
    y, m = (year + 1, 1) if month == 12 else (year, month + 1)
    return dt.date(y, m, min(channels.filing_day, calendar.monthrange(y, m)[1]))


def _now(zone) -> dt.datetime:
    """Overdue is counted to the zone's "today" (``Zone.as_of``) when it has fixed one."""
    if zone.as_of:
        return timezone.make_aware(dt.datetime.combine(zone.as_of, dt.time(23, 59)))
    return timezone.now()


def units_to_remind(*, member, zone, year: int, month: int):
    """The units in the member's scope that still have to send figures of the month (not filed, drafts, partly
    filed, returned), with where each stands."""
    return [s for s in filing_status(member=member, zone=zone, year=year, month=month) if s.state in TO_SEND]


def overdue_tickets(*, member, zone, now: dt.datetime | None = None) -> list[Ticket]:
    """Open tickets in the member's scope with a broken promise (not acknowledged, no feedback, not resolved)."""
    now = now or _now(zone)
    qs = Ticket.objects.restrict(member).filter(zone=zone, state__in=[S.ASSIGNED, S.ACKNOWLEDGED]) \
        .select_related("assignee_unit").order_by("deadline", "pk")
    out = []
    for t in qs:
        t.overdue = overdue_kinds(t, now)
        if t.overdue:
            out.append(t)
    return out


def todo_items(*, member, zone, now: dt.datetime | None = None) -> list[TodoItem]:
    """What waits for ``member`` in ``zone``, overdue first, then by due date.

    Unit staff: figures of the current month to file and returned figures (their units), tickets to acknowledge
    and to handle (their units), resolved tickets their unit raised to verify. The office: filings to review,
    resolved tickets to verify, and the tickets assigned to its own unit. Leaders read: nothing waits for them."""
    if member is None or zone is None or not member.is_active or not member.can_change:
        return []
    if not (member.sees_all_zones or member.zone_id == zone.pk):
        return []
    now = now or _now(zone)
    today = timezone.localtime(now).date()
    items: list[TodoItem] = []
    year, month = current_period(zone)
    period = FilingPeriod.objects.filter(zone=zone, year=year, month=month).first()
    if period is None or not period.locked:
        deadline = filing_deadline(zone, year, month)
        label = period_label(year, month)
        code = period_code(year, month)
        for s in filing_status(member=member, zone=zone, year=year, month=month):
            if member.is_office:
                if s.submitted:
                    items.append(TodoItem("review", label, s.unit.name, deadline, False,
                                          f"{reverse('indicators:review')}?period={code}", s.shortfall()))
                continue
            if s.state not in TO_SEND:
                continue
            kind = "returned" if s.returned else "file"
            items.append(TodoItem(kind, label, s.unit.name, deadline, today > deadline,
                                  f"{reverse('indicators:filing')}?unit={s.unit.pk}&period={code}",
                                  s.return_reason if s.returned else s.shortfall()))
    handling = Ticket.objects.filter(zone=zone, state__in=[S.ASSIGNED, S.ACKNOWLEDGED])
    handling = handling.filter(assignee_unit_id=member.unit_id) if member.is_office \
        else handling.filter(pk__in=Ticket.objects.restrict(member, "change").values("pk"))
    for t in handling.select_related("assignee_unit").order_by("deadline", "pk"):
        late = bool(overdue_kinds(t, now))
        if t.state == S.ASSIGNED:
            items.append(TodoItem("ack", t.title, t.assignee_unit.name, timezone.localtime(t.ack_due).date(), late,
                                  reverse("tickets:detail", args=[t.pk])))
        else:
            due = t.deadline if t.last_feedback_at else min(timezone.localtime(t.feedback_due).date(), t.deadline)
            items.append(TodoItem("answer", t.title, t.assignee_unit.name, due, late,
                                  reverse("tickets:detail", args=[t.pk])))
    verify = Ticket.objects.filter(zone=zone, state=S.RESOLVED)
    if member.is_office:
        verify = verify.filter(pk__in=Ticket.objects.restrict(member).values("pk"))
    else:
        verify = verify.filter(raised_unit_id=member.unit_id)
    for t in verify.select_related("assignee_unit").order_by("resolved_at", "pk"):
        items.append(TodoItem("verify", t.title, t.assignee_unit.name, None, False,
                              reverse("tickets:detail", args=[t.pk])))
    items.sort(key=lambda i: (not i.overdue, i.due or dt.date.max, i.kind, i.title))
    return items


def notification_list(*, member, unread_only: bool = False):
    """The member's own in-app messages, newest first."""
    if member is None or member.user is None:
        return Notification.objects.none()
    qs = Notification.objects.restrict(member).filter(recipient=member.user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def reminder_list(*, member, zone):
    return Reminder.objects.restrict(member).filter(zone=zone).prefetch_related("units", "tickets")


def delivery_list(*, member, zone):
    """Deliveries of the zone, with their attempts: the office's view of what was sent and how."""
    if member is None or not member.is_office:
        return Delivery.objects.none()
    return Delivery.objects.restrict(member).filter(zone=zone).prefetch_related("attempt_log")


# --- the top bar's counts, cached -------------------------------------------------------------------------------

def _generation_key(zone_id) -> str:
    return f"tuijin:todo-gen:{zone_id}"


def _own_key(user_id) -> str:
    return f"tuijin:todo-own:{user_id}"


def bump(zone_id, user_id=None) -> None:
    """Something a 待办 or a notification depends on changed in the zone. The member who changed it (``user_id``)
    recounts on their next page view; everybody else within a minute (``BADGE_FRESH_SECONDS``)."""
    marks = {_generation_key(zone_id): uuid.uuid4().hex}
    if user_id is not None:
        marks[_own_key(user_id)] = uuid.uuid4().hex
    cache.set_many(marks, timeout=None)


def _version(zone) -> str:
    z = zone.pk
    return table_version(Rows(Actual, zone=z), Rows(Ticket, zone=z), Rows(FilingPeriod, zone=z))


def badges(member, zone) -> dict:
    """{"todo": n, "unread": n} for the top bar. A page view reads three cache entries. The counts are recomputed
    when the member's own action changed something they depend on, when a day began, and otherwise at most once a
    minute when a save in the zone bumped its generation or (for writes that send no signal, such as bulk updates)
    the data version changed. Recounting on every save in the zone made every member's next page pay for every
    other member's writes; the 待办 page itself is always counted afresh."""
    if member is None or zone is None or getattr(member, "is_system", False) or not member.is_active:
        return {"todo": 0, "unread": 0}
    key = f"tuijin:todo:{zone.pk}:{member.pk}:{member.role}:{member.scope}:{member.unit_id}"
    got = cache.get_many([_generation_key(zone.pk), _own_key(member.user_id), key])
    generation, own, entry = got.get(_generation_key(zone.pk)), got.get(_own_key(member.user_id)), got.get(key)
    today = as_of_date(zone).isoformat() if zone.as_of else timezone.localdate().isoformat()
    clock = time.time()
    current = bool(entry) and entry["own"] == own and entry["day"] == today
    if current and clock - entry["at"] < BADGE_FRESH_SECONDS:
        return entry["counts"]
    version = _version(zone)
    if current and entry["gen"] == generation and entry["version"] == version:
        counts = entry["counts"]
    else:
        counts = {"todo": len(todo_items(member=member, zone=zone)),
                  "unread": notification_list(member=member, unread_only=True).filter(zone=zone).count()}
    cache.set(key, {"gen": generation, "own": own, "day": today, "at": clock, "version": version, "counts": counts},
              timeout=3600)
    return counts


def schedule_runs(*, member, zone):
    from tuijin.notifications.models import ScheduleRun

    if member is None or not member.is_office:
        return ScheduleRun.objects.none()
    return ScheduleRun.objects.restrict(member).filter(zone=zone)[:20]


def robot_host(url: str) -> str:
    """Where a robot's address points (its host), never the address itself: it carries the robot's token."""
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or "" if url else ""
