"""Background work (Django's tasks): sending a delivery, and a zone's scheduled job of the day.

With the default (immediate) backend a task runs at once; with a database queue the worker runs it. A failed
delivery is retried with back-off: re-enqueued with ``run_after`` where the backend can defer, else picked up by
the schedule's next tick (``schedule.tick``) once its next attempt is due.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from tuijin.core.context import Actor, acting_as
from tuijin.core.models import Zone
from tuijin.core.scope import SYSTEM
from tuijin.notifications.models import Delivery, ScheduleRun

SCHEDULE_ACTOR = "定时任务"


@task
def deliver(delivery_id: int, at: str | None = None) -> str:
    """One attempt at a delivery; ``at`` (ISO time) is the moment the schedule found it due (default: now)."""
    from tuijin.notifications.services import delivery_attempt

    d = delivery_attempt(delivery_id, now=dt.datetime.fromisoformat(at) if at else None)
    if d is None:
        return "gone"
    # Only the call that made the attempt schedules the next one (a duplicate that found it not due stays quiet).
    if getattr(d, "attempted", False) and d.state == Delivery.State.PENDING and d.next_attempt_at \
            and deliver.get_backend().supports_defer:
        deliver.using(run_after=d.next_attempt_at).enqueue(d.pk)
    return d.state


@task
def run_job(zone_id: int, job: str, day: str) -> str:
    """One zone's job of one day (its ScheduleRun row was made when it was enqueued)."""
    from tuijin.notifications import services
    from tuijin.notifications.selectors import channels_of, filing_deadline

    zone = Zone.objects.get(pk=zone_id)
    run_day = dt.date.fromisoformat(day)
    result = ""
    with acting_as(Actor(username=SCHEDULE_ACTOR, source="system")):
        if job == ScheduleRun.Job.ESCALATE:
            n = services.escalation_run(member=SYSTEM, zone=zone)
            result = f"提级督办 {n} 件"
        elif job == ScheduleRun.Job.FILING_REMINDER:
            channels = channels_of(zone)
            year, month = reminder_period(zone, run_day, channels.reminder_days, filing_deadline)
            if year is None:
                result = "今日无截止期"
            else:
                from django.core.exceptions import ValidationError

                try:
                    r = services.filing_reminder_send(member=SYSTEM, zone=zone, year=year, month=month,
                                                      scheduled=True)
                    result = f"催报 {r.units.count()} 个单位"
                except ValidationError as exc:
                    result = "".join(exc.messages)[:200]
    with transaction.atomic():
        ScheduleRun.objects.filter(zone=zone, job=job, day=run_day).update(finished_at=timezone.now(),
                                                                         result=result[:200])
    return result


def reminder_period(zone, day: dt.date, days_before: int, deadline_of) -> tuple[int | None, int | None]:
    """The month whose filing deadline falls ``days_before`` days after ``day`` (None when none does)."""
    target = day + dt.timedelta(days=days_before)
    for back in (1, 2):  # the month before the deadline's month, or (a late own deadline) the one before that
        y, m = target.year, target.month - back
        while m < 1:
            y, m = y - 1, m + 12
        if deadline_of(zone, y, m) == target:
            return y, m
    return None, None
