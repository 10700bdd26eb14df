"""The rules of the register: who may write what, the bounds of the figures, the lists and their thresholds."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuijin.core.scope import SYSTEM
from tuijin.enterprises import selectors, services
from tuijin.enterprises.models import Enterprise, EnterpriseYear, KeptEnterprise

from .conftest import code

pytestmark = pytest.mark.django_db


def refused(fn, **kwargs) -> dict:
    with pytest.raises(ValidationError) as exc:
        fn(**kwargs)
    return exc.value.message_dict


class TestRegister:
    def test_office_adds_with_the_code_as_stored_and_names_cleaned(self, world):
        e = services.enterprise_save(member=world.office, zone=world.zone_a, credit_code=" " + code(7).lower(),
                                     name="  沐禾食品有限公司 ", unit=world.street1)
        assert (e.credit_code, e.name, e.zone_id) == (code(7), "沐禾食品有限公司", world.zone_a.pk)

    def test_every_problem_at_once_by_field(self, world):
        errors = refused(services.enterprise_save, member=world.office, zone=world.zone_a,
                         credit_code="91110000100000000X", name="", unit=None, land_area="-3")
        assert errors == {"credit_code": ["第18位校验码应为R,而不是X。"], "name": ["请填写企业名称。"],
                          "unit": ["请选择服务单位。"], "land_area": ["用地面积(亩)必须在0和1000000亩之间,而不是-3。"]}

    def test_name_with_invisible_characters_is_refused(self, world):
        errors = refused(services.enterprise_save, member=world.office, zone=world.zone_a, credit_code=code(8),
                         name="沐禾\u200b食品有限公司", unit=world.street1)
        assert list(errors) == ["name"]

    def test_code_and_name_are_unique_in_the_zone_only(self, world, enterprises):
        e1, e2, eb = enterprises
        errors = refused(services.enterprise_save, member=world.office, zone=world.zone_a, credit_code=e1.credit_code,
                         name=e2.name, unit=world.street1)
        assert errors == {"credit_code": [f"统一社会信用代码{e1.credit_code}已登记,企业名称为「{e1.name}」。"],
                          "name": [f"「{e2.name}」已在企业名录中。"]}
        # the same code and name in another zone is another zone's register
        other = services.enterprise_save(member=world.office, zone=world.zone_a, credit_code=eb.credit_code,
                                         name=eb.name, unit=world.street1)
        assert other.zone_id == world.zone_a.pk

    def test_only_the_office_adds(self, world):
        for member in (world.staff1, world.leader):
            with pytest.raises(PermissionDenied):
                services.enterprise_save(member=member, zone=world.zone_a, credit_code=code(9), name="x",
                                         unit=world.street1)
        assert not Enterprise.objects.filter(credit_code=code(9)).exists()

    def test_staff_change_their_units_enterprises_only(self, world, enterprises):
        e1, e2, _eb = enterprises
        changed = services.enterprise_save(member=world.staff1, zone=world.zone_a, enterprise=e1, address="科技路8号")
        assert changed.address == "科技路8号"
        with pytest.raises(PermissionDenied):
            services.enterprise_save(member=world.staff1, zone=world.zone_a, enterprise=e2, address="x")
        # nor move their own enterprise out of their scope
        errors = refused(services.enterprise_save, member=world.staff1, zone=world.zone_a, enterprise=e1,
                         unit=world.street2)
        assert errors == {"unit": ["「枚乘街道」不在您的数据权限范围内。"]}
        assert Enterprise.objects.get(pk=e1.pk).unit_id == world.street1.pk

    def test_no_unit_of_another_zone(self, world, enterprises):
        e1 = enterprises[0]
        errors = refused(services.enterprise_save, member=world.office, zone=world.zone_a, enterprise=e1,
                         unit=world.street_b)
        assert errors == {"unit": ["请选择本开发区的单位。"]}
        errors = refused(services.enterprise_save, member=world.office, zone=world.zone_a, credit_code=code(10),
                         name="新企业有限公司", unit=world.street_b)
        assert errors == {"unit": ["请选择本开发区的单位。"]}

    def test_no_write_into_another_zone(self, world, enterprises):
        eb = enterprises[2]
        with pytest.raises(PermissionDenied):
            services.enterprise_save(member=world.office, zone=world.zone_b, credit_code=code(11), name="x",
                                     unit=world.street_b)
        with pytest.raises(PermissionDenied):
            services.enterprise_save(member=world.office, zone=world.zone_a, enterprise=eb, name="x")
        with pytest.raises(PermissionDenied):
            services.enterprise_year_save(member=world.office, enterprise=eb, year=2022, revenue=1)

    def test_an_unchanged_save_writes_nothing(self, world, enterprises):
        from tuijin.core.models import ChangeLog

        e1 = enterprises[0]
        before = ChangeLog.objects.count()
        services.enterprise_save(member=world.office, zone=world.zone_a, enterprise=e1, name=e1.name,
                                 land_area="120.50")
        assert ChangeLog.objects.count() == before


class TestYearFigures:
    def test_bounds(self, world, enterprises):
        e1 = enterprises[0]
        save = services.enterprise_year_save
        assert refused(save, member=world.office, enterprise=e1, year=2022, revenue="-1") == {
            "revenue": ["营业收入(万元)不能为负数。"]}
        assert refused(save, member=world.office, enterprise=e1, year=2022, tax="1.255") == {
            "tax": ["税收(万元)最多两位小数,而不是1.255。"]}
        assert list(refused(save, member=world.office, enterprise=e1, year=2022, output="2e9")) == ["output"]
        assert list(refused(save, member=world.office, enterprise=e1, year=2022, rnd="NaN")) == ["rnd"]
        assert list(refused(save, member=world.office, enterprise=e1, year=2022, employees="2.5")) == ["employees"]
        assert list(refused(save, member=world.office, enterprise=e1, year=2022, above_scale="maybe")) == [
            "above_scale"]
        assert list(refused(save, member=world.office, enterprise=e1, year=1999, revenue=1)) == ["year"]
        future = dt.date.today().year + 1
        assert refused(save, member=world.office, enterprise=e1, year=future, revenue=1) == {
            "year": [f"{future}年还未到:只能填写往年和本年的数据。"]}
        # value added may be negative; the row as stored is untouched by the refusals
        row = save(member=world.office, enterprise=e1, year=2022, value_added="-12.5")
        assert row.value_added == Decimal("-12.50") and row.revenue == Decimal(12500)

    def test_a_figure_not_given_is_kept_and_an_empty_one_cleared(self, world, enterprises):
        e1 = enterprises[0]
        row = services.enterprise_year_save(member=world.office, enterprise=e1, year=2022, tax="")
        assert row.tax is None and row.revenue == Decimal(12500) and row.above_scale

    def test_an_empty_year_is_not_stored(self, world, enterprises):
        e1 = enterprises[0]
        assert services.enterprise_year_save(member=world.office, enterprise=e1, year=2021, revenue="",
                                             above_scale=False) is None
        assert not EnterpriseYear.objects.filter(enterprise=e1, year=2021).exists()

    def test_above_scale_of_the_enterprise_follows_its_latest_year(self, world, enterprises):
        e1 = enterprises[0]
        services.enterprise_year_save(member=world.office, enterprise=e1, year=2020, revenue=900, above_scale=False)
        assert Enterprise.objects.get(pk=e1.pk).above_scale  # 2020 is not its latest year
        services.enterprise_year_save(member=world.office, enterprise=e1, year=2023, revenue=1900, above_scale=False)
        assert not Enterprise.objects.get(pk=e1.pk).above_scale

    def test_staff_file_their_own_units_figures_only(self, world, enterprises):
        e1, e2, _ = enterprises
        row = services.enterprise_year_save(member=world.staff1, enterprise=e1, year=2023, revenue="13000.5")
        assert row.revenue == Decimal("13000.50")
        with pytest.raises(PermissionDenied):
            services.enterprise_year_save(member=world.staff1, enterprise=e2, year=2023, revenue=1)
        with pytest.raises(PermissionDenied):
            services.enterprise_year_save(member=world.leader, enterprise=e1, year=2023, revenue=1)


class TestLists:
    @pytest.fixture
    def spread(self, world):
        """Enterprises at the edges of the thresholds, in 2022."""
        made = {}
        for n, (name, revenue, above) in enumerate([("恰好一亿", "10000", True), ("差一分一亿", "9999.99", True),
                                                   ("恰好一千五", "1500", False), ("差一分一千五", "1499.99", False),
                                                   ("规上两千", "2100", True), ("未入规三千", "3000", False)]):
            e = services.enterprise_save(member=world.office, zone=world.zone_a, credit_code=code(100 + n),
                                         name=f"{name}有限公司", unit=world.street1 if n % 2 else world.street2)
            services.enterprise_year_save(member=world.office, enterprise=e, year=2022, revenue=revenue,
                                          above_scale=above)
            made[name] = e
        return made

    def names(self, rows):
        return [r.enterprise.name.removesuffix("有限公司") for r in rows]

    def test_thresholds(self, world, spread):
        z = world.zone_a
        assert self.names(selectors.big_enterprises(member=world.office, zone=z, year=2022)) == ["恰好一亿"]
        assert self.names(selectors.upgrade_candidates(member=world.office, zone=z, year=2022)) == [
            "未入规三千", "恰好一千五"]
        assert self.names(selectors.above_scale_enterprises(member=world.office, zone=z, year=2022)) == [
            "恰好一亿", "差一分一亿", "规上两千"]
        assert selectors.big_enterprises(member=world.office, zone=z, year=2021).count() == 0

    def test_lists_are_scoped(self, world, spread, enterprises):
        z = world.zone_a
        assert set(self.names(selectors.big_enterprises(member=world.staff1, zone=z, year=2022))) == {
            "澄川精密机械"}  # 恰好一亿 is 枚乘街道's
        assert self.names(selectors.big_enterprises(member=world.staff2, zone=z, year=2022)) == ["恰好一亿"]
        qs, year = selectors.enterprise_list(member=world.staff1, zone=z, filters={"year": "2022"})
        assert year == 2022 and {e.unit_id for e in qs} == {world.street1.pk}
        assert selectors.enterprise_list(member=world.office_b, zone=z, filters={})[0].count() == 0

    def test_list_filters_and_year_figures(self, world, enterprises):
        qs, year = selectors.enterprise_list(member=world.office, zone=world.zone_a, filters={"big": "1"})
        assert year == 2022 and [(e.name, e.y_revenue) for e in qs] == [("澄川精密机械有限公司", Decimal(12500))]
        for bad in ({"unit": "abc"}, {"rev_min": "NaN"}, {"rev_min": "1e999"}):
            assert selectors.enterprise_list(member=world.office, zone=world.zone_a, filters=bad)[0].count() == 0
        qs, year = selectors.enterprise_list(member=world.office, zone=world.zone_a,
                                             filters={"year": "99999", "sort": "nonsense", "q": "\x00翊衡"})
        assert year == 2022 and [e.name for e in qs] == ["翊衡新材料科技有限公司"]


class TestKept:
    def test_office_keeps_with_a_target(self, world, enterprises):
        e1, e2, _ = enterprises
        kept = services.kept_save(member=world.office, enterprise=e1, year=2022, target_revenue="12000")
        assert kept.target_revenue == Decimal(12000)
        services.kept_save(member=world.office, enterprise=e1, year=2022, target_revenue="15000", note="扩产")
        assert KeptEnterprise.objects.get(enterprise=e1, year=2022).target_revenue == Decimal(15000)
        rows = selectors.kept_list(member=world.office, zone=world.zone_a, year=2022)
        assert [(k.enterprise_id, k.actual, round(k.completion, 4)) for k in rows] == [
            (e1.pk, Decimal(12500), Decimal("0.8333"))]
        assert selectors.kept_list(member=world.staff2, zone=world.zone_a, year=2022) == []
        services.kept_remove(member=world.office, kept=kept)
        assert not KeptEnterprise.objects.exists()

    def test_refusals(self, world, enterprises):
        e1, _e2, eb = enterprises
        assert refused(services.kept_save, member=world.office, enterprise=e1, year=2022, target_revenue="0") == {
            "target_revenue": ["目标营业收入(万元)应大于零。"]}
        assert list(refused(services.kept_save, member=world.office, enterprise=e1, year=2022,
                            target_revenue="")) == ["target_revenue"]
        for member in (world.staff1, world.leader):
            with pytest.raises(PermissionDenied):
                services.kept_save(member=member, enterprise=e1, year=2022, target_revenue=1)
        with pytest.raises(PermissionDenied):
            services.kept_save(member=world.office, enterprise=eb, year=2022, target_revenue=1)


def test_the_system_actor_passes_every_check(world):
    e = services.enterprise_save(member=SYSTEM, zone=world.zone_b, credit_code=code(50), name="系统企业",
                                 unit=world.street_b)
    assert services.enterprise_year_save(member=SYSTEM, enterprise=e, year=2022, revenue=1).revenue == 1
