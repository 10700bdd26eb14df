import numpy as np
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuijin.core.scope import SYSTEM
from tuijin.indicators import selectors, services
from tuijin.indicators.dispatch import dispatch_table, zone_row
from tuijin.indicators.province import province_dispatch
from tuijin.indicators.models import Actual
from tuijin.core.models import PeriodEvent


@pytest.mark.django_db
class TestDispatchTable:
    def test_zone_row_sums_units_and_ratio_is_computed(self, world, filed):
        rows = dispatch_table(member=world.office, zone=world.zone_a, year=2023, month=6)
        rev = zone_row(rows, "general_budget_revenue")
        assert rev.actual_ytd == Decimal("8.6") and rev.target == Decimal("20")
        assert rev.completion == pytest.approx(0.43) and rev.pace_gap_pp == pytest.approx(-7.0)
        assert rev.yoy_growth == pytest.approx(8.6 / 7.5 - 1)
        share = zone_row(rows, "tax_share")
        assert share.actual_ytd == Decimal("7.9") / Decimal("8.6") * 100

    def test_ranks_and_warnings_within_group(self, world, filed):
        rows = dispatch_table(member=world.office, zone=world.zone_a, year=2023, month=6)
        s1 = next(r for r in rows if r.unit == "钵池街道" and r.indicator_code == "general_budget_revenue")
        s2 = next(r for r in rows if r.unit == "枚乘街道" and r.indicator_code == "general_budget_revenue")
        assert (s1.rank, s2.rank) == (1, 2)
        assert s1.warning == "green" and s2.warning == "red"
        assert "低于序时进度16.7个百分点" in s2.warning_reason and "同比下降14.3%" in s2.warning_reason

    def test_street_sees_only_its_rows_and_no_zone_total(self, world, filed):
        rows = dispatch_table(member=world.staff1, zone=world.zone_a, year=2023, month=6)
        assert {r.unit for r in rows} == {"钵池街道"}

    def test_split_check_is_shown(self, world, filed):
        check = selectors.split_check(member=world.office, zone=world.zone_a, year=2023)
        rev = next(c for c in check if c["indicator"].code == "general_budget_revenue")
        assert rev["status"] == "short" and rev["difference"] == Decimal("-1")

    def test_unfiled_units(self, world, filed):
        Actual.objects.filter(unit=world.street2, year=2023).update(state="submitted")  # waiting for review
        assert [u.name for u in selectors.unfiled_units(member=world.office, zone=world.zone_a, year=2023, month=6)] \
            == ["枚乘街道"]


@pytest.mark.django_db
class TestFilingLoop:
    def test_draft_submit_return_resubmit_approve_lock_reopen(self, world, cat):
        rev = cat["general_budget_revenue"]
        a = services.actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=3,
                                 ytd=Decimal("2.5"))
        assert a.state == "draft" and a.ytd == Decimal("25000")  # stored in 万元
        services.actual_submit(member=world.staff1, unit=world.street1, year=2023, month=3)
        review = dict(member=world.office, unit=world.street1, year=2023, month=3)
        with pytest.raises(ValidationError):
            services.actual_review(**review, approve=False, reason=" ")
        services.actual_review(**review, approve=False, reason="数据与税务口径不符")
        a.refresh_from_db()
        assert a.state == "returned" and a.return_reason == "数据与税务口径不符"
        services.actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=3,
                             ytd=Decimal("2.4"))
        services.actual_submit(member=world.staff1, unit=world.street1, year=2023, month=3)
        services.actual_review(**review, approve=True)
        services.period_lock(member=world.office, zone=world.zone_a, year=2023, month=3)
        with pytest.raises(ValidationError, match="锁定|locked"):
            services.actual_save(member=world.office, unit=world.street1, indicator=rev, year=2023, month=3,
                                 ytd=Decimal("2.6"))
        with pytest.raises(ValidationError):
            services.period_reopen(member=world.office, zone=world.zone_a, year=2023, month=3, reason="")
        services.period_reopen(member=world.office, zone=world.zone_a, year=2023, month=3, reason="税务局更正数据")
        assert PeriodEvent.objects.filter(action="reopen", reason="税务局更正数据").exists()
        services.actual_save(member=world.office, unit=world.street1, indicator=rev, year=2023, month=3,
                             ytd=Decimal("2.6"))

    def test_lock_refused_while_figures_pending(self, world, cat):
        services.actual_save(member=world.staff1, unit=world.street1, indicator=cat["exports"], year=2023, month=4,
                             ytd=Decimal("1"))
        with pytest.raises(ValidationError, match="钵池街道: 1项草稿未报送"):
            services.period_lock(member=world.office, zone=world.zone_a, year=2023, month=4)

    def test_ytd_below_last_month_needs_confirmation(self, world, cat):
        rev = cat["general_budget_revenue"]
        services.actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=4, ytd=Decimal("3"))
        with pytest.raises(ValidationError) as exc:
            services.actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=5,
                                 ytd=Decimal("2.8"))
        assert exc.value.error_list[0].code == "confirm" and "上月" in str(exc.value)
        assert not Actual.objects.filter(month=5).exists()
        services.actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=5,
                             ytd=Decimal("2.8"), confirmed=True)

    def test_wan_yuan_for_yi_yuan_is_questioned(self, world, cat):
        rev = cat["general_budget_revenue"]
        services.actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=4, ytd=Decimal("3"))
        with pytest.raises(ValidationError, match="万元"):
            services.actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=5,
                                 ytd=Decimal("32000"))

    def test_bad_inputs(self, world, cat):
        rev = cat["general_budget_revenue"]
        with pytest.raises(ValidationError, match="1"):
            services.actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=13,
                                 ytd=Decimal("1"))
        with pytest.raises(ValidationError, match="税占比"):
            services.actual_save(member=world.staff1, unit=world.street1, indicator=cat["tax_share"], year=2023,
                                 month=6, ytd=Decimal("90"))
        with pytest.raises(ValidationError, match="0"):
            services.target_set(member=world.office, zone=world.zone_a, indicator=rev, year=2023, value=Decimal("0"))
        with pytest.raises(ValidationError):
            services.target_set(member=world.office, zone=world.zone_a, indicator=rev, year=2023, value=Decimal("-5"))
        assert not Actual.objects.exists()

    def test_street_cannot_file_for_another_street_or_approve(self, world, cat):
        rev = cat["general_budget_revenue"]
        with pytest.raises(PermissionDenied):
            services.actual_save(member=world.staff1, unit=world.street2, indicator=rev, year=2023, month=6,
                                 ytd=Decimal("1"))
        with pytest.raises(PermissionDenied):
            services.period_lock(member=world.staff1, zone=world.zone_a, year=2023, month=6)
        assert not Actual.objects.exists()

    def test_system_member_sees_everything(self, world, filed):
        rows = dispatch_table(member=SYSTEM, zone=world.zone_a, year=2023, month=6)
        assert any(r.is_zone for r in rows)


@pytest.mark.django_db
def test_province_dispatch_agrees_with_the_zone_table(world, filed):
    table = dispatch_table(member=SYSTEM, zone=world.zone_a, year=2023, month=6)
    prov = province_dispatch(member=SYSTEM, zones=[world.zone_a, world.zone_b], year=2023, month=6)
    by = {(int(u), int(i)): k for k, (u, i) in enumerate(zip(prov["unit"], prov["indicator"]))}
    checked = 0
    for r in table:
        if r.is_zone or r.computed or r.actual_ytd is None:
            continue
        k = by[(r.unit_id, r.indicator_id)]
        assert prov["actual"][k] == pytest.approx(float(r.actual_ytd))
        assert (r.completion is None) == bool(np.isnan(prov["completion"][k]))
        if r.completion is not None:
            assert prov["completion"][k] == pytest.approx(r.completion)
        assert (r.rank or None) == (None if np.isnan(prov["rank"][k]) else int(prov["rank"][k]))
        assert prov["warning"][k] == r.warning
        checked += 1
    assert checked >= 4
    rev = zone_row(table, "general_budget_revenue")
    assert prov["zone_totals"][(world.zone_a.pk, rev.indicator_id)] == pytest.approx(float(rev.actual_ytd))


@pytest.mark.django_db
def test_cached_table_follows_every_change(world, filed):
    rev = filed["general_budget_revenue"]
    before = zone_row(dispatch_table(member=world.office, zone=world.zone_a, year=2023, month=6),
                                "general_budget_revenue").actual_ytd
    services.actual_save(member=SYSTEM, unit=world.street2, indicator=rev, year=2023, month=6,
                         ytd=Decimal("3.4"), approved=True, confirmed=True)
    after = zone_row(dispatch_table(member=world.office, zone=world.zone_a, year=2023, month=6),
                               "general_budget_revenue").actual_ytd
    assert before == Decimal("8.6") and after == Decimal("9.0")


@pytest.mark.django_db
def test_a_street_sees_its_true_rank_among_all_streets(world, filed):
    rows = dispatch_table(member=world.staff2, zone=world.zone_a, year=2023, month=6)
    rev = next(r for r in rows if r.indicator_code == "general_budget_revenue")
    assert rev.unit == "枚乘街道" and rev.rank == 2
