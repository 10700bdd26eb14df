"""A month is never locked while holding a draft filed at the same moment (PostgreSQL).

Filing (`actual_file` → `actual_save` → `core.periods.ensure_open`) and locking (`period_lock` →
`period_get(for_update=True)`) both take the month's period row FOR UPDATE inside their transaction, so one waits
for the other. Without that row lock a lock could read the month's filing status (no draft yet), a filing could
then store its draft and commit, and the lock would write ``locked`` over it: a locked month holding a draft.

Two threads released together almost never hit that window, so the test opens it on purpose: the lock pauses just
after it has read the filing status and before it writes ``locked``; the filing then runs until it either waits on
the lock's transaction (the row lock at work) or finishes (no row lock); then the lock goes on."""
from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from tuijin.core.models import FilingPeriod
from tuijin.core.scope import SYSTEM
from tuijin.indicators import selectors, services
from tuijin.indicators.models import Actual

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's; SQLite writes are "
                       "serialised by its IMMEDIATE transactions (see accounts/core concurrency tests)"),
]

YEAR, MONTH = 2023, 6
WAIT = 10  # seconds: the bound of every wait here (each normally takes a fraction of a second)


def _backend_pid() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


def _waits_on(pid: int) -> bool:
    """Whether a session of this database is waiting for a lock held by the backend ``pid``."""
    with connection.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                    "AND %s = ANY(pg_blocking_pids(pid)))", [pid])
        return cur.fetchone()[0]


def _in_thread(name: str, job, results: dict) -> threading.Thread:
    def run():
        try:
            results[name] = job()
        except Exception as exc:  # a refusal (ValidationError) is an outcome; anything else is reported below
            results[name] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread


def test_lock_and_filing_serialise(world, cat, monkeypatch):
    rev = cat["general_budget_revenue"]
    # street 1's figure is approved, so the month can be locked; street 2 files a draft while the lock runs
    services.actual_save(member=SYSTEM, unit=world.street1, indicator=rev, year=YEAR, month=MONTH,
                         ytd=Decimal("5"), approved=True, confirmed=True)

    # period_lock imports filing_status when it runs: the lock pauses right after reading it (no draft yet),
    # holding the month's period row, and before it writes `locked`
    status_read, go_on, lock_pid = threading.Event(), threading.Event(), []
    real_filing_status = selectors.filing_status

    def filing_status_then_pause(**kwargs):
        status = real_filing_status(**kwargs)
        if threading.current_thread().name == "lock":
            lock_pid.append(_backend_pid())
            status_read.set()
            go_on.wait(WAIT)
        return status

    monkeypatch.setattr(selectors, "filing_status", filing_status_then_pause)

    results, threads, filing_waited = {}, [], False
    try:
        threads.append(_in_thread("lock", lambda: services.period_lock(
            member=world.office, zone=world.zone_a, year=YEAR, month=MONTH), results))
        assert status_read.wait(WAIT), f"the lock never read the month's filing status: {results}"

        filing = _in_thread("filing", lambda: services.actual_file(
            member=world.staff2, unit=world.street2, year=YEAR, month=MONTH,
            entries=[(rev, Decimal("0.5"), None)], confirmed=True), results)
        threads.append(filing)
        # the filing either queues behind the lock's transaction (row lock) or runs to its end (none)
        deadline = time.monotonic() + WAIT
        while filing.is_alive() and time.monotonic() < deadline:
            if _waits_on(lock_pid[0]):
                filing_waited = True
                break
            time.sleep(0.01)
    finally:
        go_on.set()  # the lock goes on (and the filing behind it), whatever happened above
        for t in threads:
            t.join(WAIT)
    assert not any(t.is_alive() for t in threads), f"a thread is still running: {results}"

    locked = FilingPeriod.objects.get(zone=world.zone_a, year=YEAR, month=MONTH).locked
    drafts = Actual.objects.filter(zone=world.zone_a, year=YEAR, month=MONTH, state=Actual.State.DRAFT).count()
    assert not (locked and drafts), (f"{YEAR}-{MONTH:02d} was locked while holding {drafts} draft(s) filed at the "
                                     f"same moment; lock: {results['lock']!r}, filing: {results['filing']!r}")
    # the lock read the month first and held its row: it locks, and the filing (which waited) is refused
    assert isinstance(results["lock"], services.LockResult), results["lock"]
    assert isinstance(results["filing"], ValidationError), f"the filing was not refused: {results['filing']!r}"
    refusal = " ".join(results["filing"].messages)
    assert f"{YEAR}年{MONTH}月" in refusal and ("已锁定" in refusal or "is locked" in refusal), refusal
    assert locked and not drafts
    assert filing_waited, "the filing never waited for the lock's transaction"
