"""tuijin worker: run the background queue (Django's tasks framework, database backend) and, once a minute, the
schedule (every app's ``schedule.tick(now)``) and the search for jobs whose worker was lost (core/jobs.py)."""
from __future__ import annotations

import logging
import threading

from django.db import connections
from django_tasks_db.management.commands.db_worker import Command as QueueWorkerCommand

from tuijin.core import jobs

log = logging.getLogger("tuijin.jobs")


def _minutely(stop: threading.Event, every: float) -> None:
    while True:
        try:
            jobs.minute_tick()
        except Exception:  # a busy database: try again at the next minute
            log.exception("minute tick")
        finally:
            connections.close_all()
        if stop.wait(every):
            return


class Command(QueueWorkerCommand):
    help = "Run the background queue; once a minute run the schedule and requeue or fail jobs of lost workers."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--no-schedule", action="store_true",
                            help="Only run queued jobs (another worker runs the schedule).")
        parser.add_argument("--tick-seconds", type=float, default=60.0, help="How often the schedule runs.")

    def handle(self, *args, no_schedule=False, tick_seconds=60.0, **options):
        jobs.IN_WORKER = True
        jobs.WORKER_ID = options["worker_id"]
        if not no_schedule and not options.get("batch"):
            threading.Thread(target=_minutely, args=(threading.Event(), max(tick_seconds, 1.0)), daemon=True,
                             name="tuijin-schedule").start()
        return super().handle(*args, **options)
