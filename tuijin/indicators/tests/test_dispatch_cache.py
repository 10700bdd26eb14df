"""The dispatch table keeps what it reads, but for the month's figures not counted yet, in the shared cache
(``dispatch.month_inputs``, keyed by ``reads_version``): a unit's draft save reads only those figures again, and
every write still shows at once, in the table and in the zone's filing status."""
from decimal import Decimal

import pytest
from django.core.cache import cache

from tuijin.core.scope import SYSTEM
from tuijin.indicators import dispatch
from tuijin.indicators.dispatch import dispatch_table, zone_row
from tuijin.indicators.selectors import filing_status
from tuijin.indicators.services import actual_review, actual_save, actual_submit, actual_withdraw

REV = "general_budget_revenue"


@pytest.fixture
def reads(monkeypatch):
    """How many times the month's reads were made (not taken from the cache)."""
    calls = []
    real = dispatch._read
    monkeypatch.setattr(dispatch, "_read", lambda *a: calls.append(a) or real(*a))
    return calls


def _rows(member, zone):
    return {(r.unit_id, r.indicator_code): r for r in dispatch_table(member=member, zone=zone, year=2023, month=7)}


def _fresh(member, zone):
    """The same table computed from nothing kept."""
    cache.clear()
    return _rows(member, zone)


def _status(zone, unit):
    return next(s for s in filing_status(member=SYSTEM, zone=zone, year=2023, month=7) if s.unit.pk == unit.pk)


@pytest.mark.django_db
class TestMonthReadsKept:
    def test_a_draft_save_shows_at_once_without_reading_the_month_again(self, world, filed, reads):
        rev = filed[REV]
        actual_save(member=SYSTEM, unit=world.street2, indicator=rev, year=2023, month=7, ytd=Decimal("3.5"),
                    approved=True)
        before = _rows(world.office, world.zone_a)
        assert (world.street1.pk, REV) in before and before[(world.street1.pk, REV)].actual_ytd is None
        assert len(reads) == 1
        actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=7, ytd=Decimal("6.5"))
        after = _rows(world.office, world.zone_a)
        assert len(reads) == 1  # only the draft was read again
        row = after[(world.street1.pk, REV)]
        assert (row.actual_ytd, row.state, row.counted_in_total) == (Decimal("6.5"), "draft", False)
        assert row.warning_reason.startswith("草稿")
        assert zone_row(list(after.values()), REV).actual_ytd == Decimal("3.5")  # a draft is not counted
        status = _status(world.zone_a, world.street1)
        assert (status.draft, status.submitted) == (1, 0)
        assert after == _fresh(world.office, world.zone_a)

    def test_submit_return_and_withdraw_change_the_totals_at_once(self, world, filed, reads):
        rev = filed[REV]
        actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=7, ytd=Decimal("6.5"))
        _rows(world.office, world.zone_a)
        actual_submit(member=world.staff1, unit=world.street1, year=2023, month=7)
        rows = _rows(world.office, world.zone_a)
        assert zone_row(list(rows.values()), REV).actual_ytd == Decimal("6.5")  # counted at once
        assert rows[(world.street1.pk, REV)].counted_in_total
        assert _status(world.zone_a, world.street1).submitted == 1
        assert rows == _fresh(world.office, world.zone_a)
        actual_withdraw(member=world.staff1, unit=world.street1, year=2023, month=7)
        rows = _rows(world.office, world.zone_a)
        assert zone_row(list(rows.values()), REV).actual_ytd is None  # no longer counted
        assert rows[(world.street1.pk, REV)].state == "draft"
        assert rows == _fresh(world.office, world.zone_a)
        actual_submit(member=world.staff1, unit=world.street1, year=2023, month=7)
        actual_review(member=world.office, unit=world.street1, year=2023, month=7, approve=False, reason="数据有误")
        rows = _rows(world.office, world.zone_a)
        assert rows[(world.street1.pk, REV)].state == "returned"
        assert _status(world.zone_a, world.street1).return_reason == "数据有误"
        assert rows == _fresh(world.office, world.zone_a)

    def test_never_shared_between_zones_or_members(self, world, filed):
        actual_save(member=world.staff1, unit=world.street1, indicator=filed[REV], year=2023, month=7,
                    ytd=Decimal("6.5"))
        zone_a = _rows(world.office, world.zone_a)  # kept first
        assert {uid for uid, _code in zone_a} >= {world.street1.pk, world.street2.pk}
        zone_b = _rows(world.office_b, world.zone_b)
        assert not {uid for uid, _code in zone_b} & {world.street1.pk, world.street2.pk, world.dept.pk}
        street2 = _rows(world.staff2, world.zone_a)
        assert {uid for uid, _code in street2} <= {world.street2.pk}
        seen = {s.unit.pk for s in filing_status(member=world.staff2, zone=world.zone_a, year=2023, month=7)}
        assert seen <= {world.street2.pk}
