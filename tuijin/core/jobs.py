"""Background jobs on Django's tasks framework (the database backend, django-tasks-db), with their state on a row.

An app turns a function into a job with ``@background("kind")`` in its own module; ``start(task, *args, …)`` records
a ``core.Job`` (queued) and enqueues the task in the same transaction, so a worker never sees one without the other.
``tuijin worker`` runs the queue: a job is marked running, its heartbeat is renewed every few seconds while it runs,
and it ends done or failed with the reason. A web server restart loses nothing (the queue is in the database); a
worker killed in the middle of a job leaves a heartbeat that stops aging, and ``reap`` (every worker runs it once a
minute) queues the job again or, after ``TUIJIN_JOB_ATTEMPTS`` attempts, marks it failed — never left running.

    from tuijin.core import jobs

    @jobs.background("bulletin", on_fail=mark_failed)
    def bulletin_render(job, bulletin_id):      # runs in the worker, as the user who started it
        job.step(40)                            # progress shown where the user waits
        ...

    job = jobs.start(bulletin_render, bulletin.pk, zone=bulletin.zone, target=jobs.target_of(bulletin))

Under tests the immediate backend runs the job inside ``start`` (settings ``TASKS``).
"""
from __future__ import annotations

import datetime
import functools
import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import F
from django.tasks import task as django_task
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tuijin.core.context import Actor, acting_as, current_actor
from tuijin.core.models import Job
from tuijin.core.params import parse_id
from tuijin.core.registry import app_modules

log = logging.getLogger("tuijin.jobs")

# Set by `tuijin worker`: only a real worker renews heartbeats from a thread of its own.
IN_WORKER = False
WORKER_ID = ""

_ON_FAIL: dict[str, Callable] = {}
_KIND: dict[str, str] = {}


class WorkerLost(Exception):
    """The worker running a job stopped (killed, machine restarted) before the job ended."""


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=max(settings.TUIJIN_JOB_LEASE_SECONDS, 2))


def target_of(obj) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def latest_for(obj) -> Job | None:
    """The newest job about a record (what its page shows while the user waits)."""
    return Job.objects.filter(target=target_of(obj)).order_by("-created_at", "-id").first()


def error_text(exc: BaseException) -> str:
    """The reason a user reads: a ValidationError's messages, a permission refusal, otherwise the exception."""
    if isinstance(exc, ValidationError):
        return ";".join(str(m) for m in exc.messages)[:2000]
    if isinstance(exc, PermissionDenied):
        return (str(exc) or _("Permission denied."))[:2000]
    return (str(exc) or type(exc).__name__)[:2000]


class _Heartbeat:
    """Renews the job's heartbeat from a thread (own database connection) while the job runs in the worker."""

    def __init__(self, job_id: int):
        self.job_id, self.stop = job_id, threading.Event()
        self.every = max(lease().total_seconds() / 4, 0.5)
        self.thread = threading.Thread(target=self._run, daemon=True, name=f"job-{job_id}-heartbeat")

    def _run(self):
        try:
            while not self.stop.wait(self.every):
                try:
                    Job.objects.filter(pk=self.job_id, state=Job.State.RUNNING).update(heartbeat_at=timezone.now())
                except Exception:  # a busy database skips one beat; the lease allows several
                    log.warning("heartbeat of job %s skipped", self.job_id, exc_info=True)
        finally:
            close_old_connections()
            from django.db import connections

            connections.close_all()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=5)


class _Progress:
    """What a job function gets: the row, and ``step(n)`` to record progress (which also renews the heartbeat)."""

    def __init__(self, job: Job):
        self.job = job
        self.pk = job.pk

    def step(self, percent: int) -> None:
        Job.objects.filter(pk=self.pk).update(progress=max(0, min(int(percent), 99)), heartbeat_at=timezone.now())


def _execute(fn: Callable, job_id: int):
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return None  # deleted, or already ended (a duplicate delivery)
    now = timezone.now()
    Job.objects.filter(pk=job_id).update(state=Job.State.RUNNING, attempts=F("attempts") + 1, started_at=now,
                                         heartbeat_at=now, worker=WORKER_ID[:64], error="")
    job.refresh_from_db()
    actor = Actor(user_id=job.user_id, username=job.username, source=job.source or "system")
    beat = _Heartbeat(job_id) if IN_WORKER else None
    try:
        if beat:
            beat.__enter__()
        with acting_as(actor):
            result = fn(_Progress(job), *job.args)
    except Exception as exc:
        _fail(job, error_text(exc))
        raise
    finally:
        if beat:
            beat.__exit__()
    Job.objects.filter(pk=job_id).update(state=Job.State.DONE, progress=100, finished_at=timezone.now(),
                                         result=result[:2000] if isinstance(result, str) else "")
    return result if isinstance(result, (str, int, float, bool, type(None), dict, list)) else None


def _fail(job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED, error=message, finished_at=timezone.now())
    handler = _ON_FAIL.get(job.task_path)
    if handler is not None:
        try:
            handler(job, message)
        except Exception:
            log.exception("on_fail of job %s", job.pk)


def background(kind: str, *, on_fail: Callable | None = None):
    """Make ``fn(job, *args)`` a task run by the worker; ``on_fail(job, message)`` tells its record it failed."""

    def decorate(fn):
        @functools.wraps(fn)
        def run(job_id: int):
            return _execute(fn, job_id)

        t = django_task(run)
        _KIND[t.module_path] = kind
        if on_fail is not None:
            _ON_FAIL[t.module_path] = on_fail
        return t

    return decorate


def _enqueue(job: Job) -> None:
    result = import_string(job.task_path).enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def start(task, *args, zone=None, target: str = "", key: str | None = None, inline: bool = False) -> Job | None:
    """Queue a job (as the current actor); with ``key``, only if no job of that key exists (returns None then).
    ``inline`` runs it here and now instead (the command line), with the same row and the same outcome."""
    actor = current_actor()
    if inline:
        job = Job.objects.create(kind=_KIND.get(task.module_path, task.name)[:40], task_path=task.module_path,
                                 args=list(args), zone=zone, target=target[:80], user_id=actor.user_id,
                                 username=actor.username[:150], source=actor.source[:10])
        try:
            task.func(job.pk)
        except Exception:  # recorded on the job (and its record) as failed with the reason
            log.info("job %s failed", job.pk, exc_info=True)
        job.refresh_from_db()
        return job
    try:
        with transaction.atomic():
            job = Job.objects.create(kind=_KIND.get(task.module_path, task.name)[:40], task_path=task.module_path,
                                     args=list(args), key=key, zone=zone, target=target[:80],
                                     user_id=actor.user_id, username=actor.username[:150],
                                     source=actor.source[:10])
            _enqueue(job)  # the queue row is written in the same transaction (the immediate backend runs it now)
    except IntegrityError:
        if key is not None and Job.objects.filter(key=key).exists():
            return None
        raise
    job.refresh_from_db()
    return job


def _mark_task_lost(task_id: str, message: str) -> None:
    """The queue's own row of a lost attempt: failed with the reason, never left running."""
    import uuid

    from django_tasks_db.models import DBTaskResult

    try:
        uuid.UUID(task_id)
    except (TypeError, ValueError):
        return  # not a database queue's task (the immediate backend)

    DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(
        status="FAILED", finished_at=timezone.now(), exception_class_path=f"{__name__}.WorkerLost",
        traceback=message)


def reap(now: datetime.datetime | None = None) -> dict:
    """Jobs whose worker stopped (heartbeat older than the lease): queue them again, or fail them after the last
    attempt. Safe to run from several workers at once (each job is taken under a row lock)."""
    now = now or timezone.now()
    cut = now - lease()
    requeued = failed = 0
    for pk in list(Job.objects.filter(state=Job.State.RUNNING, heartbeat_at__lt=cut).values_list("pk", flat=True)):
        with transaction.atomic():
            job = Job.objects.select_for_update().filter(pk=pk, state=Job.State.RUNNING, heartbeat_at__lt=cut).first()
            if job is None:
                continue
            lost = _("The worker stopped while running this job (attempt %(n)d).") % {"n": job.attempts}
            _mark_task_lost(job.task_id, lost)
            if job.attempts < settings.TUIJIN_JOB_ATTEMPTS:
                Job.objects.filter(pk=pk).update(state=Job.State.QUEUED, error=lost, heartbeat_at=None)
                job.refresh_from_db()
                _enqueue(job)
                requeued += 1
            else:
                message = _("The worker stopped while running this job; it was tried %(n)d times and is not "
                            "tried again. Start it again.") % {"n": job.attempts}
                import_string(job.task_path)  # registers its on_fail
                _fail(job, message)
                failed += 1
    return {"requeued": requeued, "failed": failed}


@background("schedule")
def run_schedule(job, when: str):
    """Every app's ``schedule.tick(now)`` (autodiscovered); one app's failure does not stop the others."""
    now = datetime.datetime.fromisoformat(when)
    problems = []
    for label, module in app_modules("schedule"):
        tick = getattr(module, "tick", None)
        if tick is None:
            continue
        try:
            tick(now)
        except Exception as exc:
            log.exception("schedule.tick of %s", label)
            problems.append(f"{label}: {error_text(exc)}")
    if problems:
        raise RuntimeError(";".join(problems))
    return len(problems)


def minute_tick(now: datetime.datetime | None = None) -> Job | None:
    """Once a minute, from every worker: reap lost jobs, then queue the minute's schedule run — once across all
    workers and servers (the job's key is the minute), and prune the schedule's rows older than a day."""
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    reap(now)
    Job.objects.filter(kind="schedule", state=Job.State.DONE,
                       finished_at__lt=now - datetime.timedelta(days=1)).delete()
    with acting_as(Actor(source="system", username="system")):
        return start(run_schedule, now.isoformat(), key=f"schedule:{now:%Y-%m-%dT%H:%M}")


def visible_job(member, pk) -> Job | None:
    """A job a member may watch: one they started, or (the office) one of a zone they see."""
    from tuijin.core.scope import Scope, member_zone_ids

    pk = parse_id(pk)  # from an address (``?job=``): anything but an id is no job
    if member is None or pk is None:
        return None
    job = Job.objects.filter(pk=pk).first()
    if job is None:
        return None
    if job.user_id is not None and job.user_id == getattr(member, "user_id", None):
        return job
    if member.is_office and (member.scope == Scope.ALL or job.zone_id in member_zone_ids(member)):
        return job
    return None
