"""The monthly loop a zone can trust: nothing typed is lost, nothing unfinished reads as a slump.

Each test reproduces a failure seen in the demo before the loop was rebuilt (see docs/dispatch.md)."""
from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from tuijin.core.models import FilingPeriod
from tuijin.core.scope import SYSTEM
from tuijin.indicators import history, selectors, services
from tuijin.indicators.dispatch import dispatch_table, zone_row
from tuijin.indicators.models import Actual, FilingException
from tuijin.indicators.province import province_dispatch
from tuijin.org.services import unit_create

pytestmark = pytest.mark.django_db


def post_filing(client, unit, period, values: dict, action="save", **extra):
    data = {"unit": unit.pk, "period": period, "action": action, **extra}
    data.update(values)
    return client.post("/indicators/filing/", data)


def typed(cat, codes_values: dict) -> dict:
    return {f"ytd_{cat[c].pk}": v for c, v in codes_values.items()}


FILED = ["general_budget_revenue", "tax_revenue", "trade_total", "exports", "utilized_fdi", "industrial_output",
         "above_scale_value_added", "fixed_asset_investment"]  # the counts of new signed projects come from the ledger


class TestFiling:
    def test_submit_without_saving_first_keeps_every_typed_value(self, world, cat, client_for):
        """报送审核 without 保存草稿 used to submit only the rows saved earlier (11 of 12 values lost)."""
        c = client_for(world.staff1)
        post_filing(c, world.street1, "2023-03", typed(cat, {"general_budget_revenue": "1.5"}))  # one saved earlier
        values = typed(cat, {code: str(10 + i) for i, code in enumerate(FILED)})
        r = post_filing(c, world.street1, "2023-03", values, action="submit")
        assert r.status_code == 302
        stored = Actual.objects.filter(unit=world.street1, year=2023, month=3)
        assert stored.count() == 8 and set(stored.values_list("state", flat=True)) == {"submitted"}
        assert stored.get(indicator=cat["exports"]).ytd == Decimal("13") * 10000
        page = c.get(r["Location"]).content.decode()
        assert "已报送8项数据待审核" in page

    def test_one_bad_cell_stores_nothing_and_keeps_what_was_typed(self, world, cat, client_for):
        c = client_for(world.staff1)
        values = typed(cat, {"general_budget_revenue": "2.5", "exports": "abc", "trade_total": "7.25"})
        r = post_filing(c, world.street1, "2023-03", values)
        html = r.content.decode()
        assert r.status_code == 200 and not Actual.objects.exists()
        line = re.search(r'id="line-exports".*?</div>\s*</div>', html, re.S).group(0)
        assert "is-invalid" in line and "不是有效的数字「abc」" in line and 'value="abc"' in html
        assert 'value="2.5"' in html and 'value="7.25"' in html  # the good cells stay on the screen
        assert "未保存任何数据" in html

    def test_out_of_range_and_not_a_number_are_refused_by_field(self, world, cat, client_for):
        c = client_for(world.staff1)
        for bad in ("1e308", "NaN", "Infinity", "sNaN", "99999999999999.9999"):
            r = post_filing(c, world.street1, "2023-03", typed(cat, {"general_budget_revenue": bad}))
            assert r.status_code == 200 and "is-invalid" in r.content.decode(), bad
        assert not Actual.objects.exists()

    def test_submitted_figure_is_withdrawn_before_it_changes(self, world, cat, client_for):
        rev = cat["general_budget_revenue"]
        services.actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=3,
                             ytd=Decimal("2"))
        services.actual_submit(member=world.staff1, unit=world.street1, year=2023, month=3)
        with pytest.raises(ValidationError, match="撤回"):
            services.actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=3,
                                 ytd=Decimal("2.1"))
        c = client_for(world.staff1)
        html = c.get("/indicators/filing/?period=2023-03").content.decode()
        assert 'value="withdraw"' in html and "readonly" in html
        post_filing(c, world.street1, "2023-03", {}, action="withdraw")
        assert Actual.objects.get().state == "draft"
        services.actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=3,
                             ytd=Decimal("2.1"))
        services.actual_submit(member=world.staff1, unit=world.street1, year=2023, month=3)
        services.actual_review(member=world.office, unit=world.street1, year=2023, month=3, approve=True)
        with pytest.raises(ValidationError, match="退回"):
            services.actual_withdraw(member=world.staff1, unit=world.street1, year=2023, month=3)
        with pytest.raises(ValidationError, match="办公室"):
            services.actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=3,
                                 ytd=Decimal("2.2"))
        # after review only the office can send it back
        services.actual_review(member=world.office, unit=world.street1, year=2023, month=3, approve=False,
                               reason="口径有误")
        assert Actual.objects.get().state == "returned"
        services.actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=3,
                             ytd=Decimal("2.2"))

    def test_filing_for_a_unit_outside_the_scope_is_refused_not_redirected(self, world, cat, client_for):
        r = post_filing(client_for(world.staff1), world.street2, "2023-03", typed(cat, {"exports": "1"}))
        assert r.status_code == 403 and not Actual.objects.exists()
        assert client_for(world.staff1).get(f"/indicators/filing/?unit={world.street2.pk}").status_code == 403


class TestReviewAndLock:
    def _submitted(self, world, cat, unit, member, value="2"):
        for code in ("general_budget_revenue", "exports"):
            services.actual_save(member=member, unit=unit, indicator=cat[code], year=2023, month=4,
                                 ytd=Decimal(value))
        services.actual_submit(member=member, unit=unit, year=2023, month=4)

    def test_return_says_returned_and_a_returned_unit_is_not_pending(self, world, cat, client_for):
        self._submitted(world, cat, world.street1, world.staff1)
        self._submitted(world, cat, world.street2, world.staff2)
        c = client_for(world.office)
        r = c.post("/indicators/review/", {"period": "2023-04", "action": "return", "unit": [world.street1.pk],
                                           "reason": "出口口径与海关不符"}, follow=True)
        html = r.content.decode()
        assert "钵池街道:已退回2项数据,待重报" in html and "已审核" not in html.split("review-table")[0]
        r = c.post("/indicators/review/", {"period": "2023-04", "action": "approve", "unit": [world.street1.pk]},
                   follow=True)
        assert "钵池街道没有待审核的数据(已退回2项)" in r.content.decode()
        r = c.post("/indicators/review/", {"period": "2023-04", "action": "approve", "unit": [world.street2.pk]},
                   follow=True)
        assert "枚乘街道:已审核通过2项数据" in r.content.decode()
        # the returned unit blocks the lock only until the office states why it locks without it
        r = c.post("/indicators/review/", {"period": "2023-04", "action": "lock"})
        html = r.content.decode()
        assert "钵池街道: 2项已退回待重报" in html and not FilingPeriod.objects.get(month=4).locked
        r = c.post("/indicators/review/", {"period": "2023-04", "action": "lock",
                                           f"reason_{world.street1.pk}": "街道换届,数据待核"}, follow=True)
        assert FilingPeriod.objects.get(month=4).locked
        assert FilingException.objects.get().reason == "街道换届,数据待核"
        rows = dispatch_table(member=world.office, zone=world.zone_a, year=2023, month=4)
        s1 = next(r for r in rows if r.unit == "钵池街道" and r.indicator_code == "exports")
        assert s1.not_reported == "街道换届,数据待核" and not s1.counted_in_total

    def test_reason_for_a_return_is_stated_once_per_unit(self, world, cat, client_for):
        self._submitted(world, cat, world.street1, world.staff1)
        services.actual_review(member=world.office, unit=world.street1, year=2023, month=4, approve=False,
                               reason="请核对出口数据")
        review = client_for(world.office).get("/indicators/review/?period=2023-04").content.decode()
        assert review.count("请核对出口数据") == 1
        filing = client_for(world.staff1).get("/indicators/filing/?period=2023-04").content.decode()
        assert filing.count("请核对出口数据") == 1

    def test_lock_lists_every_unit_missing_a_figure(self, world, cat):
        services.target_set(member=world.office, zone=world.zone_a, indicator=cat["exports"], year=2023,
                            value=Decimal("8"), unit=world.dept)
        self._submitted(world, cat, world.street1, world.staff1)
        services.actual_review(member=world.office, unit=world.street1, year=2023, month=4, approve=True)
        with pytest.raises(ValidationError) as exc:
            services.period_lock(member=world.office, zone=world.zone_a, year=2023, month=4)
        assert exc.value.messages == ["经济发展局: 未填报"]
        services.period_lock(member=world.office, zone=world.zone_a, year=2023, month=4,
                             exceptions={world.dept.pk: "本月无出口业务"})
        assert FilingPeriod.objects.get(month=4).locked

    def test_a_reason_is_needed_for_each_unit_not_reported(self, world, cat):
        services.target_set(member=world.office, zone=world.zone_a, indicator=cat["exports"], year=2023,
                            value=Decimal("8"), unit=world.street2)
        self._submitted(world, cat, world.street1, world.staff1)
        with pytest.raises(ValidationError, match="待审核"):
            services.period_lock(member=world.office, zone=world.zone_a, year=2023, month=4)
        services.actual_review(member=world.office, unit=world.street1, year=2023, month=4, approve=True)
        with pytest.raises(ValidationError, match="枚乘街道"):
            services.period_lock(member=world.office, zone=world.zone_a, year=2023, month=4,
                                 exceptions={world.street2.pk: "   "})
        assert not FilingException.objects.exists()
        services.period_lock(member=world.office, zone=world.zone_a, year=2023, month=4,
                             exceptions={world.street2.pk: "尚未成立统计岗"})
        services.period_reopen(member=world.office, zone=world.zone_a, year=2023, month=4, reason="补报")
        assert not FilingException.objects.exists()


@pytest.fixture
def july(world, filed):
    """Three units expected; 2023-07: 钵池街道 submitted, 枚乘街道 still a draft, 经济发展局 nothing."""
    rev = filed["general_budget_revenue"]
    services.target_set(member=world.office, zone=world.zone_a, indicator=rev, year=2023, value=Decimal("1"),
                        unit=world.dept)
    services.actual_save(member=SYSTEM, unit=world.dept, indicator=rev, year=2023, month=6, ytd=Decimal("1"),
                         approved=True)
    services.actual_save(member=SYSTEM, unit=world.dept, indicator=rev, year=2022, month=7, ytd=Decimal("9"),
                         approved=True)
    for unit, v23, v22 in ((world.street1, "6.5", "4.6"), (world.street2, "3.5", "4.1")):
        services.actual_save(member=SYSTEM, unit=unit, indicator=rev, year=2022, month=7, ytd=Decimal(v22),
                             approved=True)
    services.actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=7,
                         ytd=Decimal("6.5"))
    services.actual_save(member=world.staff1, unit=world.street1, indicator=filed["tax_revenue"], year=2023, month=7,
                         ytd=Decimal("6"))
    services.actual_submit(member=world.staff1, unit=world.street1, year=2023, month=7)
    services.actual_save(member=world.staff2, unit=world.street2, indicator=rev, year=2023, month=7,
                         ytd=Decimal("3.5"))
    return filed


class TestTotalsOfAnUnfinishedMonth:
    def test_zone_row_counts_submitted_figures_and_says_how_many(self, world, july):
        row = zone_row(dispatch_table(member=world.office, zone=world.zone_a, year=2023, month=7),
                       "general_budget_revenue")
        assert row.actual_ytd == Decimal("6.5")  # the draft is not counted
        assert (row.units_reported, row.units_expected, row.complete) == (1, 3, False)
        assert row.completion is None  # a partial sum is not measured against the full-year target
        assert row.yoy_growth == pytest.approx(6.5 / 4.6 - 1)  # like for like: the same unit last year
        assert "已报1/3" in row.warning_reason

    def test_unit_rows_say_whether_they_are_counted(self, world, july):
        rows = dispatch_table(member=world.office, zone=world.zone_a, year=2023, month=7)
        rev = {r.unit: r for r in rows if r.indicator_code == "general_budget_revenue" and not r.is_zone}
        assert rev["钵池街道"].counted_in_total and not rev["枚乘街道"].counted_in_total
        assert rev["经济发展局"].actual_ytd is None and rev["经济发展局"].warning_reason == "未填报"

    def test_dispatch_json_carries_the_counting(self, world, july, capsys):
        call_command("dispatch", "--zone", "za", "--period", "2023-07", "--format", "json")
        data = json.loads(capsys.readouterr().out)
        z = next(r for r in data["rows"] if r["is_zone"] and r["indicator_code"] == "general_budget_revenue")
        assert (z["units_reported"], z["units_expected"], z["complete"]) == (1, 3, False)
        units = {r["unit"]: r for r in data["rows"] if not r["is_zone"] and
                 r["indicator_code"] == "general_budget_revenue"}
        assert units["钵池街道"]["counted_in_total"] is True and units["枚乘街道"]["counted_in_total"] is False

    def test_page_shows_reported_of_expected_beside_the_total(self, world, july, client_for):
        html = client_for(world.office).get("/indicators/?period=2023-07").content.decode()
        assert "已报1/3" in html and "可比同比" in html

    def test_complete_month_is_measured_against_the_target(self, world, filed):
        row = zone_row(dispatch_table(member=world.office, zone=world.zone_a, year=2023, month=6),
                       "general_budget_revenue")
        assert row.complete is True and row.completion == pytest.approx(0.43)

    def test_outlook_makes_no_probability_from_an_incomplete_month(self, world, july):
        row = zone_row(dispatch_table(member=world.office, zone=world.zone_a, year=2023, month=7),
                       "general_budget_revenue")
        out = history.outlook_for(zone=world.zone_a, indicator=july["general_budget_revenue"], year=2023, month=7,
                                  row=row)
        assert out.chance is None and out.estimate is None and "已报1/3" in out.note

    def test_trend_has_no_point_for_an_incomplete_month(self, world, july):
        trend = history.indicator_trend(member=world.office, zone=world.zone_a,
                                        indicator_code="general_budget_revenue", year=2023)
        assert trend["this_year"][5] == pytest.approx(9.6) and trend["this_year"][6] is None

    def test_assessment_from_stored_figures_ignores_drafts(self, world, july):
        from tuijin.assessment.services import dispatch_data

        rows = dispatch_data(member=SYSTEM, zone=world.zone_a, year=2023, month=7)
        header, body = rows[0], {r[0]: r for r in rows[1:]}
        col = header.index("general_budget_revenue")
        assert body["钵池街道"][col] == 6.5 and body["枚乘街道"][col] is None


class TestOneCalculation:
    def test_province_view_ranks_as_the_zone_table(self, world, filed):
        """Units without a target, without last year, and returned: the same numbers and ranks in both."""
        rev, exports = filed["general_budget_revenue"], filed["exports"]
        s3 = unit_create(member=SYSTEM, zone=world.zone_a, name="徐杨街道", kind="street", parent=world.office_unit,
                         group="街道")
        services.actual_save(member=SYSTEM, unit=s3, indicator=rev, year=2023, month=6, ytd=Decimal("1"),
                             approved=True)  # no target, no last year
        for unit, value in ((world.street1, "3"), (world.street2, "2")):  # exports: no targets, last year known
            services.actual_save(member=SYSTEM, unit=unit, indicator=exports, year=2022, month=6,
                                 ytd=Decimal("2.5"), approved=True)
            services.actual_save(member=SYSTEM, unit=unit, indicator=exports, year=2023, month=6,
                                 ytd=Decimal(value), approved=True)
        services.actual_review(member=world.office, unit=world.street2, year=2023, month=6, approve=False,
                               reason="复核")
        table = dispatch_table(member=SYSTEM, zone=world.zone_a, year=2023, month=6)
        prov = province_dispatch(member=SYSTEM, zones=[world.zone_a, world.zone_b], year=2023, month=6)
        at = {(int(u), int(i)): k for k, (u, i) in enumerate(zip(prov["unit"], prov["indicator"]))}
        checked = 0
        for r in table:
            if r.is_zone or r.computed or r.actual_ytd is None:
                continue
            k = at[(r.unit_id, r.indicator_id)]
            assert prov["actual"][k] == pytest.approx(float(r.actual_ytd))
            assert (r.completion is None) == bool(np.isnan(prov["completion"][k]))
            assert r.rank == (None if np.isnan(prov["rank"][k]) else int(prov["rank"][k])), r
            assert prov["warning"][k] == r.warning and bool(prov["counted"][k]) == r.counted_in_total
            checked += 1
        assert checked >= 6
        ranks = {(r.unit, r.indicator_code): r.rank for r in table if not r.is_zone}
        assert ranks[("徐杨街道", "general_budget_revenue")] is None  # no target where others have one
        assert ranks[("枚乘街道", "exports")] is None  # returned: not counted, not ranked
        assert ranks[("钵池街道", "exports")] == 1  # ranked by year on year where nobody has a target


class TestOneRuleForEveryWayIn:
    def test_staff_import_cannot_overwrite_an_approved_figure(self, world, filed, tmp_path):
        from openpyxl import Workbook

        from tuijin.core.context import Actor, acting_as
        from tuijin.exchange.base import get_importer, run_import

        wb = Workbook()
        wb.active.append(["年度", "月份", "责任单位", "指标", "本年累计", "上年同期累计"])
        wb.active.append([2023, 6, "钵池街道", "一般公共预算收入", 5.7, None])
        buf = io.BytesIO()
        wb.save(buf)
        with acting_as(Actor(username="t_staff1", source="web")):
            outcome = run_import(get_importer("actuals"), buf.getvalue(), "a.xlsx", zone=world.zone_a,
                                 member=world.staff1)
        assert not outcome.ok and "第2行" in str(outcome.errors[0]) and "办公室" in str(outcome.errors[0])
        a = Actual.objects.get(unit=world.street1, indicator=filed["general_budget_revenue"], year=2023, month=6)
        assert a.state == "approved" and a.ytd == Decimal("56000")

    CASES = [
        ("ok", {"ytd": "2.5"}, None),
        ("not a number", {"ytd": "abc"}, "不是有效的数字「abc」"),
        ("too big", {"ytd": "1e15"}, "超出允许范围"),
        ("1e308", {"ytd": "1e308"}, "超出允许范围"),
        ("-1e308", {"ytd": "-1e308"}, "超出允许范围"),
        ("1e999999999", {"ytd": "1e999999999"}, "超出允许范围"),  # beyond Decimal's exponent range
        ("NaN", {"ytd": "NaN"}, "不是有效的数字"),
        ("Infinity", {"ytd": "Infinity"}, "不是有效的数字"),
        ("-Infinity", {"ytd": "-inf"}, "不是有效的数字"),
        ("sNaN", {"ytd": "sNaN"}, "不是有效的数字"),
        ("computed indicator", {"ytd": "90", "indicator": "tax_share"}, "计算"),
        ("another unit", {"ytd": "1", "unit": "street2"}, None),
        ("locked month", {"ytd": "1", "locked": True}, "锁定"),
    ]

    @pytest.mark.parametrize("name,case,refusal", CASES, ids=[c[0] for c in CASES])
    def test_form_api_and_import_agree(self, world, cat, client_for, api_for, name, case, refusal):
        """The same figure through the filing page, the REST API and an Excel import: the same stored result or
        the same refusal."""
        from openpyxl import Workbook

        from tuijin.exchange.base import get_importer, run_import

        ind = cat[case.get("indicator", "general_budget_revenue")]
        unit = world.street2 if case.get("unit") == "street2" else world.street1
        if case.get("locked"):
            FilingPeriod.objects.create(zone=world.zone_a, year=2023, month=5, locked=True)
        outcomes = {}
        # the form
        r = post_filing(client_for(world.staff1), unit, "2023-05", {f"ytd_{ind.pk}": case["ytd"]})
        outcomes["form"] = (r.status_code, r.content.decode(), _stored())
        Actual.objects.all().delete()
        # the API
        body = {"unit": unit.pk, "indicator": ind.pk, "year": 2023, "month": 5, "ytd_display": case["ytd"]}
        r = api_for(world.staff1).post("/api/v1/actuals/", body, format="json")
        outcomes["api"] = (r.status_code, r.content.decode(), _stored())
        Actual.objects.all().delete()
        # the import
        wb = Workbook()
        wb.active.append(["年度", "月份", "责任单位", "指标", "本年累计", "上年同期累计"])
        wb.active.append([2023, 5, unit.name, ind.name, case["ytd"], None])
        buf = io.BytesIO()
        wb.save(buf)
        out = run_import(get_importer("actuals"), buf.getvalue(), "a.xlsx", zone=world.zone_a, member=world.staff1)
        outcomes["import"] = (200 if out.ok else 400, " ".join(str(e) for e in out.errors) + out.message, _stored())
        stored = {k: v[2] for k, v in outcomes.items()}
        assert len(set(map(repr, stored.values()))) == 1, stored  # same result every way
        if name == "ok":
            assert stored["form"] == [("钵池街道", "general_budget_revenue", Decimal("25000"), "draft")]
        else:
            assert stored["form"] == []
            if refusal:
                for way, (_status, text, _s) in outcomes.items():
                    assert refusal in text, (way, text[:500])


def _stored():
    return [(a.unit.name, a.indicator.code, a.ytd, a.state) for a in Actual.objects.select_related("unit", "indicator")]


class TestBulletinOfAMonth:
    def test_command_refuses_an_unlocked_month_and_names_the_missing_units(self, world, july, tmp_path):
        with pytest.raises(CommandError, match="尚未锁定.*枚乘街道"):
            call_command("bulletin", "--zone", "za", "--period", "2023-07", "--format", "docx",
                         "--out", str(tmp_path / "b.docx"))
        assert not (tmp_path / "b.docx").exists()

    def test_draft_for_comment_is_marked_and_says_what_it_counts(self, world, july, tmp_path):
        from docx import Document

        out = tmp_path / "b.docx"
        call_command("bulletin", "--zone", "za", "--period", "2023-07", "--format", "docx", "--out", str(out),
                     "--draft")
        text = "\n".join(p.text for p in Document(str(out)).paragraphs)
        first = text.split("各部门")[0]
        assert "征求意见稿" in first
        assert "应报3个单位,已报齐1个单位" in text
        line = next(p for p in text.splitlines() if p.startswith("1—7月,全区完成一般公共预算收入"))
        assert line == "1—7月,全区完成一般公共预算收入6.5亿元,同比增长41.3%(已报1/3个单位,同比为可比口径)。"

    def test_page_offers_the_same_choice(self, world, july, client_for):
        from tuijin.bulletins.models import Bulletin

        c = client_for(world.office)
        r = c.post("/bulletins/", {"year": 2023, "month": 7}, follow=True)
        assert "尚未锁定" in r.content.decode() and not Bulletin.objects.exists()
        c.post("/bulletins/", {"year": 2023, "month": 7, "draft": "1"})
        b = Bulletin.objects.get()
        assert b.is_draft
        r = c.post(f"/bulletins/{b.pk}/", {"action": "issue"}, follow=True)
        b.refresh_from_db()
        assert b.state != "issued"


def test_cockpit_opens_on_the_latest_locked_month(world, filed, client_for):
    FilingPeriod.objects.filter(zone=world.zone_a, year=2023, month=6).update(locked=True)
    services.actual_save(member=world.staff1, unit=world.street1, indicator=filed["general_budget_revenue"],
                         year=2023, month=7, ytd=Decimal("7"))
    html = client_for(world.leader).get("/dashboard/").content.decode()
    assert "2023年1—6月" in html and "2023年1—7月" not in html


class TestSeparationOfDuties:
    """A zone setting, on unless turned off: who submits a unit's figures does not approve them."""

    def test_office_that_submits_for_a_unit_cannot_approve_it(self, world, cat, client_for):
        from tuijin.org.demo import make_member

        c = client_for(world.office)
        post_filing(c, world.street1, "2023-03", typed(cat, {"exports": "2"}), action="submit")
        r = c.post("/indicators/review/", {"period": "2023-03", "action": "approve", "unit": [world.street1.pk]},
                   follow=True)
        assert "另一位审核人" in r.content.decode() and Actual.objects.get().state == "submitted"
        other = make_member(username="t_office2", unit=world.office_unit, role="office", scope="zone")
        r = client_for(other).post("/indicators/review/", {"period": "2023-03", "action": "approve",
                                                            "unit": [world.street1.pk]}, follow=True)
        assert Actual.objects.get().state == "approved"

    def test_no_direct_approval_unless_the_zone_turns_it_off(self, world, cat):
        from tuijin.exchange.base import get_importer
        from tuijin.indicators.models import DispatchRule

        args = dict(unit=world.street1, indicator=cat["exports"], year=2023, month=3, ytd=Decimal("2"), approved=True)
        with pytest.raises(ValidationError, match="职责分离"):
            services.actual_save(member=world.office, **args)
        choices = dict(get_importer("actuals").option_choices(world.office))
        assert "approved" not in [v for v, _label in next(iter(choices.values()))]
        DispatchRule.objects.filter(zone=world.zone_a).update(separate_duties=False)
        assert services.actual_save(member=world.office, **args).state == "approved"
        choices = dict(get_importer("actuals").option_choices(world.office))
        assert "approved" in [v for v, _label in next(iter(choices.values()))]
