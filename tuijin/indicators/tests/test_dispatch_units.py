"""A member who sees a few units gets the dispatch table computed for those units alone (``compute_rows(units=…)``,
kept by their ids and the data version): exactly the whole zone's rows cut to them, ranked among every unit of
their group, and a write by anyone (their own draft, another unit's approved figure) shows at once."""
from decimal import Decimal

import pytest

from tuijin.core.scope import SYSTEM
from tuijin.indicators import dispatch
from tuijin.indicators.dispatch import dispatch_table
from tuijin.indicators.services import actual_save

REV, TAX = "general_budget_revenue", "tax_revenue"


def _table(member, zone):
    return [r.as_dict() for r in dispatch_table(member=member, zone=zone, year=2023, month=7)]


def _whole_cut_to(zone, unit_ids):
    """The whole zone's table (as the system sees it) cut to ``unit_ids``: what a member of those units is shown."""
    rows = dispatch.compute_rows(zone, 2023, 7)
    return [r.as_dict() for r in rows if not r.is_zone and r.unit_id in unit_ids]


def _month(world, cat):
    """July: both streets counted (so ranked), the department's revenue and street 1's tax as drafts."""
    for unit, rev, tax in ((world.street1, "6.1", "5.5"), (world.street2, "7.0", "3.0")):
        actual_save(member=SYSTEM, unit=unit, indicator=cat[REV], year=2023, month=7, ytd=Decimal(rev),
                    approved=True)
        actual_save(member=SYSTEM, unit=unit, indicator=cat[TAX], year=2023, month=7, ytd=Decimal(tax),
                    approved=unit == world.street2)
    actual_save(member=SYSTEM, unit=world.dept, indicator=cat[REV], year=2023, month=7, ytd=Decimal("1.0"))


@pytest.mark.django_db
class TestUnitsAlone:
    def test_a_unit_member_gets_the_whole_tables_rows_of_their_unit(self, world, filed, monkeypatch):
        _month(world, filed)
        wanted = []
        real = dispatch.compute_rows
        monkeypatch.setattr(dispatch, "compute_rows", lambda *a, **k: wanted.append(k.get("units")) or real(*a, **k))
        rows = _table(world.staff1, world.zone_a)
        assert wanted == [[world.street1.pk]]  # not the whole zone
        assert rows == _whole_cut_to(world.zone_a, {world.street1.pk})
        by_code = {r["indicator_code"]: r for r in rows}
        assert by_code[REV]["rank"] == 2  # ranked against street 2, which this member does not see
        assert by_code[TAX]["state"] == "draft" and by_code[TAX]["warning_reason"].startswith("草稿")
        assert by_code["tax_share"]["rank"] is None  # a ratio with a draft part is not ranked
        assert {r["unit_id"] for r in rows} == {world.street1.pk}

    def test_a_subtree_member_gets_the_rows_of_their_units(self, world, filed):
        from tuijin.org.demo import make_member

        _month(world, filed)
        member = make_member(username="t_subtree", unit=world.office_unit, role="leader", scope="subtree")
        units = {world.street1.pk, world.street2.pk, world.dept.pk, world.office_unit.pk}
        rows = _table(member, world.zone_a)
        assert rows == _whole_cut_to(world.zone_a, units)
        assert not any(r["is_zone"] for r in rows)
        with_zone = dispatch_table(member=member, zone=world.zone_a, year=2023, month=7, include_zone_row=True)
        assert any(r.is_zone for r in with_zone)  # asked for (bulletins): the whole zone's table, cut

    def test_another_units_figure_changes_the_rank_at_once(self, world, filed):
        _month(world, filed)
        assert {r["indicator_code"]: r for r in _table(world.staff1, world.zone_a)}[REV]["rank"] == 2
        actual_save(member=SYSTEM, unit=world.street2, indicator=filed[REV], year=2023, month=7, ytd=Decimal("5"),
                    approved=True)
        rows = _table(world.staff1, world.zone_a)
        assert {r["indicator_code"]: r for r in rows}[REV]["rank"] == 1
        assert rows == _whole_cut_to(world.zone_a, {world.street1.pk})

    def test_the_members_own_draft_shows_at_once(self, world, filed):
        _month(world, filed)
        _table(world.staff1, world.zone_a)
        actual_save(member=world.staff1, unit=world.street1, indicator=filed[TAX], year=2023, month=7,
                    ytd=Decimal("5.8"))
        rows = _table(world.staff1, world.zone_a)
        assert {r["indicator_code"]: r for r in rows}[TAX]["actual_ytd"] == Decimal("5.8")
        assert rows == _whole_cut_to(world.zone_a, {world.street1.pk})

    def test_members_of_other_units_do_not_share_rows(self, world, filed):
        _month(world, filed)
        one, two = _table(world.staff1, world.zone_a), _table(world.staff2, world.zone_a)
        assert {r["unit_id"] for r in one} == {world.street1.pk}
        assert {r["unit_id"] for r in two} == {world.street2.pk}
        assert two == _whole_cut_to(world.zone_a, {world.street2.pk})
