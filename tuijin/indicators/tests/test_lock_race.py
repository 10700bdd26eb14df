"""A lock sent at the same moment as a filing never leaves a locked month holding a draft (PostgreSQL).

Filing and locking both take the month's period row FOR UPDATE inside their transaction
(`core.periods.ensure_open` / `period_get(for_update=True)`), so one waits for the other."""
from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from tuijin.core.models import FilingPeriod
from tuijin.core.scope import SYSTEM
from tuijin.indicators import services
from tuijin.indicators.models import Actual

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's; SQLite writes are "
                       "serialised by its IMMEDIATE transactions (see accounts/core concurrency tests)"),
]


def _run_together(*jobs):
    barrier = threading.Barrier(len(jobs))
    errors = []

    def wrap(job):
        try:
            barrier.wait()
            job()
        except ValidationError:
            pass  # a refusal is a fine outcome: the month was locked first, or a draft came first
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors


def test_lock_and_filing_serialise(world, cat):
    rev = cat["general_budget_revenue"]
    for month in range(1, 13):
        services.actual_save(member=SYSTEM, unit=world.street1, indicator=rev, year=2023, month=month,
                             ytd=Decimal(month), approved=True, confirmed=True)
    for month in range(1, 13):
        _run_together(
            lambda m=month: services.period_lock(member=world.office, zone=world.zone_a, year=2023, month=m),
            lambda m=month: services.actual_save(member=world.staff2, unit=world.street2, indicator=rev, year=2023,
                                                 month=m, ytd=Decimal("0.5"), confirmed=True),
        )
    locked = set(FilingPeriod.objects.filter(zone=world.zone_a, locked=True).values_list("month", flat=True))
    drafts_in_locked = Actual.objects.filter(zone=world.zone_a, year=2023, month__in=locked,
                                             state=Actual.State.DRAFT)
    assert not drafts_in_locked.exists(), list(drafts_in_locked.values_list("month", flat=True))
    # every month ended one way or the other: locked without the draft, or open with it
    for month in range(1, 13):
        has_draft = Actual.objects.filter(month=month, state=Actual.State.DRAFT).exists()
        assert (month in locked) != has_draft
