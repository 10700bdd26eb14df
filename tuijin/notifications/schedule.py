"""The schedule: ``tick(now)`` enqueues every job due at ``now`` and every delivery whose next attempt is due.

Called once a minute by ``tuijin worker`` (every app's ``schedule.tick``, found by autodiscovery) and by
``tuijin manage run_schedule`` (for cron). A zone's daily jobs (the filing reminder N days before the deadline,
the overdue escalation) run at the zone's hour, once a day: the unique (zone, job, day) row makes a second tick of
the same day, or a second worker, enqueue nothing.
"""
from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from tuijin.notifications.models import ScheduleRun, ZoneChannels


def due_jobs(channels: ZoneChannels) -> list[str]:
    jobs = []
    if channels.reminder_enabled:
        jobs.append(ScheduleRun.Job.FILING_REMINDER)
    if channels.escalate_enabled:
        jobs.append(ScheduleRun.Job.ESCALATE)
    return jobs


def tick(now: dt.datetime | None = None) -> int:
    """Enqueue what is due at ``now``; returns how many tasks were enqueued."""
    from tuijin.notifications.services import due_deliveries
    from tuijin.notifications.tasks import deliver, run_job

    now = now or timezone.now()
    local = timezone.localtime(now)
    n = 0
    for channels in ZoneChannels.objects.select_related("zone").order_by("zone_id"):
        if local.hour < channels.run_hour:
            continue
        for job in due_jobs(channels):
            try:
                with transaction.atomic():
                    ScheduleRun.objects.create(zone=channels.zone, job=job, day=local.date())
            except IntegrityError:
                continue  # already enqueued today
            try:
                run_job.enqueue(channels.zone_id, str(job), local.date().isoformat())
            except Exception:  # the queue refused: free the day's row so the next tick tries again
                ScheduleRun.objects.filter(zone=channels.zone, job=job, day=local.date(), finished_at=None).delete()
                raise
            n += 1
    for pk in due_deliveries(now):
        deliver.enqueue(pk, now.isoformat())
        n += 1
    return n
