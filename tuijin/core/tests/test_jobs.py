"""Background jobs: the queue, job state, a worker killed in the middle of a job (core/jobs.py, `tuijin worker`)."""
from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone

from tuijin.core import jobs
from tuijin.core.models import Job
from tuijin.core.tests import jobs_support

REPO = Path(__file__).resolve().parents[3]
LEASE = 4  # seconds: a live worker beats every LEASE/4 seconds


@pytest.mark.django_db
def test_a_job_records_its_state_and_a_refusal_names_the_field():
    job = jobs.start(jobs_support.refused, 5)
    assert job.state == Job.State.FAILED and "金额超出范围" in job.error and job.attempts == 1
    assert jobs_support.FAILED[-1] == job.error  # its record is told


@pytest.mark.django_db
def test_a_keyed_job_is_queued_once():
    first = jobs.start(jobs_support.refused, 1, key="once:1")
    assert first is not None and jobs.start(jobs_support.refused, 1, key="once:1") is None
    assert Job.objects.filter(key="once:1").count() == 1


@pytest.mark.django_db
def test_reap_requeues_then_fails_a_lost_job(settings, tmp_path):
    settings.TUIJIN_JOB_ATTEMPTS = 2
    settings.TUIJIN_JOB_LEASE_SECONDS = 60
    marker = tmp_path / "m"
    marker.write_text("x")  # the job ends at once when it runs
    job = Job.objects.create(kind="test-slow", task_path=jobs_support.slow_once.module_path, args=[str(marker)],
                             state=Job.State.RUNNING, attempts=1, heartbeat_at=timezone.now())
    assert jobs.reap() == {"requeued": 0, "failed": 0}  # a fresh heartbeat: its worker is alive
    later = timezone.now() + dt.timedelta(seconds=61)
    assert jobs.reap(later) == {"requeued": 1, "failed": 0}
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.attempts == 2  # run again (at once, by the immediate backend)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, heartbeat_at=timezone.now())
    assert jobs.reap(later) == {"requeued": 0, "failed": 1}  # the last attempt: failed with the reason
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "2" in job.error and job.finished_at


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_runs_in_a_worker(settings, tmp_path):
    """With the database backend a job waits queued until a worker takes it (never in the web process)."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    marker = tmp_path / "m"
    marker.write_text("x")
    job = jobs.start(jobs_support.slow_once, str(marker))
    assert job.state == Job.State.QUEUED and DBTaskResult.objects.get(id=job.task_id).status == "READY"
    Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
           max_tasks=None, worker_id="test", excluded_queue_names=[]).run()
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.progress == 100
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"


def _tuijin(env, *args, **kw):
    return subprocess.run([sys.executable, "-m", "tuijin", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120, **kw)


def _rows(db: Path, sql: str):
    con = sqlite3.connect(db, timeout=20)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _wait(predicate, seconds=60.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    """A migrated instance of its own (SQLite file) for worker subprocesses."""
    var = tmp_path_factory.mktemp("jobs-var")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TUIJIN_", "DATABASE_URL", "PYTEST"))}
    env.update(TUIJIN_VAR_DIR=str(var), TUIJIN_JOB_LEASE_SECONDS=str(LEASE), TUIJIN_JOB_ATTEMPTS="2", DEBUG="0")
    done = _tuijin(env, "manage", "migrate", "--noinput", "-v", "0")
    assert done.returncode == 0, done.stderr
    return env, var / "tuijin.sqlite3", var


def test_a_killed_worker_leaves_no_job_running(instance):
    env, db, var = instance
    marker = var / "marker"
    marker.unlink(missing_ok=True)
    code = ("from tuijin.core import jobs; from tuijin.core.tests.jobs_support import slow_once; "
            f"print(jobs.start(slow_once, {str(marker)!r}, 60).pk)")
    out = _tuijin(env, "manage", "shell", "-c", code)
    assert out.returncode == 0, out.stderr
    pk = int(out.stdout.strip().splitlines()[-1])
    assert _rows(db, f"select state from core_job where id={pk}") == [("queued",)]  # the web side only queues

    worker = subprocess.Popen([sys.executable, "-m", "tuijin", "worker", "--no-schedule", "--interval", "0.2",
                               "--no-startup-delay", "--no-reload"], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=(var / "worker.log").open("ab"))
    try:
        assert _wait(marker.exists), (var / "worker.log").read_text(errors="replace")[-3000:]
        assert _rows(db, f"select state, attempts from core_job where id={pk}") == [("running", 1)]
        time.sleep(LEASE + 0.5)  # longer than the lease: the heartbeat keeps a live worker's job its own
        reap = "from tuijin.core import jobs; print(jobs.reap())"
        assert "'requeued': 0, 'failed': 0" in _tuijin(env, "manage", "shell", "-c", reap).stdout
        assert _rows(db, f"select state from core_job where id={pk}") == [("running",)]
        worker.send_signal(signal.SIGKILL)  # in the middle of the job
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert _rows(db, f"select state from core_job where id={pk}") == [("running",)]  # as the kill left it
    time.sleep(LEASE + 0.5)  # the heartbeat ages past the lease
    out = _tuijin(env, "manage", "shell", "-c", reap)
    assert "'requeued': 1" in out.stdout, out.stderr
    assert _rows(db, f"select state from core_job where id={pk}") == [("queued",)]
    statuses = sorted(s for (s,) in _rows(db, "select status from django_tasks_database_dbtaskresult"))
    assert statuses == ["FAILED", "READY"]  # the lost attempt is failed, never left running; a new one waits

    done = _tuijin(env, "worker", "--batch", "--no-schedule", "--interval", "0", "--no-startup-delay")
    assert done.returncode == 0, done.stderr
    assert _rows(db, f"select state, attempts, progress from core_job where id={pk}") == [("done", 2, 100)]
    statuses = sorted(s for (s,) in _rows(db, "select status from django_tasks_database_dbtaskresult"))
    assert statuses == ["FAILED", "SUCCESSFUL"]


def test_a_job_lost_on_its_last_attempt_is_failed_with_the_reason(instance):
    env, db, var = instance
    env = {**env, "TUIJIN_JOB_ATTEMPTS": "1"}
    marker = var / "marker-last"
    marker.unlink(missing_ok=True)
    code = ("from tuijin.core import jobs; from tuijin.core.tests.jobs_support import slow_once; "
            f"print(jobs.start(slow_once, {str(marker)!r}, 60).pk)")
    pk = int(_tuijin(env, "manage", "shell", "-c", code).stdout.strip().splitlines()[-1])
    worker = subprocess.Popen([sys.executable, "-m", "tuijin", "worker", "--no-schedule", "--interval", "0.2",
                               "--no-startup-delay", "--no-reload"], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=(var / "worker.log").open("ab"))
    try:
        assert _wait(marker.exists), (var / "worker.log").read_text(errors="replace")[-3000:]
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    time.sleep(LEASE + 0.5)
    out = _tuijin(env, "manage", "shell", "-c", "from tuijin.core import jobs; print(jobs.reap())")
    assert "'failed': 1" in out.stdout, out.stderr
    [(state, error)] = _rows(db, f"select state, error from core_job where id={pk}")
    assert state == "failed" and "中断" in error
    assert not _rows(db, "select id from django_tasks_database_dbtaskresult where status='RUNNING'")


@pytest.mark.django_db
def test_the_schedule_runs_once_a_minute_across_workers_and_one_failure_does_not_stop_the_others(monkeypatch):
    import types

    seen = []

    def broken(now):
        raise RuntimeError("钉钉机器人不可达")

    apps = [("a", types.SimpleNamespace(tick=broken)), ("b", types.SimpleNamespace(tick=seen.append)),
            ("c", types.SimpleNamespace())]
    monkeypatch.setattr(jobs, "app_modules", lambda name: apps if name == "schedule" else [])
    now = timezone.now().replace(second=5)
    first = jobs.minute_tick(now)
    assert jobs.minute_tick(now.replace(second=40)) is None  # another worker, the same minute: not again
    assert len(seen) == 1 and seen[0] == now.replace(second=0, microsecond=0)
    assert first.state == Job.State.FAILED and "a: 钉钉机器人不可达" in first.error
    assert jobs.minute_tick(now + dt.timedelta(minutes=1)) is not None and len(seen) == 2
