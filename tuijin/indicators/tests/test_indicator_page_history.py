"""The indicator page's trend lines and outlook read ``history.cached_history``: ``monthly_history`` kept until a
figure it counts, a figure of the years before, a target, a unit or the catalogue changes. A draft save leaves it;
everything else shows at once."""
from decimal import Decimal

import pytest

from tuijin.core.scope import SYSTEM
from tuijin.indicators import history
from tuijin.indicators.services import actual_save, target_set

REV = "general_budget_revenue"


def _trend(member, zone, unit=None):
    return history.indicator_trend(member=member, zone=zone, indicator_code=REV, year=2023, unit=unit)["this_year"]


def _fresh(zone, ind, unit=None):
    return history.monthly_history(zone=zone, indicator=ind, years=[2022, 2023], unit=unit)[2023]


@pytest.fixture
def computed(monkeypatch):
    """How many times a history was computed (not taken from the cache)."""
    calls = []
    real = history.monthly_history
    monkeypatch.setattr(history, "monthly_history", lambda **k: calls.append(k) or real(**k))
    return calls


@pytest.mark.django_db
class TestCachedHistory:
    def test_a_draft_is_not_counted_and_not_recomputed(self, world, filed, computed):
        rev = filed[REV]
        assert _trend(world.office, world.zone_a)[5] == pytest.approx(8.6)
        n = len(computed)
        actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=7, ytd=Decimal("6.5"))
        trend = _trend(world.office, world.zone_a)
        assert len(computed) == n  # kept: a draft changes nothing it counts
        assert trend == _fresh(world.zone_a, rev)

    def test_counted_figures_show_at_once(self, world, filed):
        rev = filed[REV]
        assert _trend(world.office, world.zone_a)[6] is None
        for unit, v in ((world.street1, "6.5"), (world.street2, "3.5")):
            actual_save(member=SYSTEM, unit=unit, indicator=rev, year=2023, month=7, ytd=Decimal(v), approved=True)
        assert _trend(world.office, world.zone_a)[6] == pytest.approx(10.0)
        assert _trend(world.staff1, world.zone_a, unit=world.street1)[6] == pytest.approx(6.5)  # per unit, apart
        actual_save(member=SYSTEM, unit=world.street1, indicator=rev, year=2023, month=7, ytd=Decimal("7.5"),
                    approved=True)
        assert _trend(world.office, world.zone_a)[6] == pytest.approx(11.0)
        assert _trend(world.staff1, world.zone_a, unit=world.street1)[6] == pytest.approx(7.5)

    def test_a_figure_filed_last_year_makes_a_unit_expected(self, world, filed):
        rev = filed[REV]
        assert _trend(world.office, world.zone_a)[5] == pytest.approx(8.6)
        # a draft last June: the department is expected this June too, so June's total is not complete
        actual_save(member=world.office, unit=world.dept, indicator=rev, year=2022, month=6, ytd=Decimal("1"))
        assert _trend(world.office, world.zone_a)[5] is None
        assert _trend(world.office, world.zone_a) == _fresh(world.zone_a, rev)

    def test_a_target_makes_a_unit_expected(self, world, filed):
        rev = filed[REV]
        assert _trend(world.office, world.zone_a)[5] == pytest.approx(8.6)
        target_set(member=world.office, zone=world.zone_a, indicator=rev, year=2023, value=Decimal("2"),
                   unit=world.dept)
        assert _trend(world.office, world.zone_a)[5] is None
        assert _trend(world.office, world.zone_a) == _fresh(world.zone_a, rev)

    def test_a_unit_member_outside_the_unit_sees_nothing(self, world, filed):
        trend = history.indicator_trend(member=world.staff1, zone=world.zone_a, indicator_code=REV, year=2023,
                                        unit=world.street2)
        assert trend["indicator"] is None and trend["this_year"] == []
