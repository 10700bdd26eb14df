import io
import json

import pytest
from django.core.management import call_command

from tuijin.indicators.models import Actual


@pytest.mark.django_db
class TestPages:
    def test_dispatch_page_for_office(self, world, filed, client_for):
        r = client_for(world.office).get("/indicators/?period=2023-06")
        html = r.content.decode()
        assert r.status_code == 200 and "甲经济技术开发区" in html and "钵池街道" in html and "枚乘街道" in html
        assert "warn-red" in html  # 枚乘街道 far behind

    def test_street_sees_own_row_only(self, world, filed, client_for):
        html = client_for(world.staff1).get("/indicators/?period=2023-06").content.decode()
        assert "钵池街道" in html and "枚乘街道" not in html

    def test_street_cannot_open_other_street_unit_page(self, world, filed, client_for):
        c = client_for(world.staff1)
        assert c.get(f"/indicators/units/{world.street2.pk}/?period=2023-06").status_code == 404
        assert c.get(f"/indicators/units/{world.street1.pk}/?period=2023-06").status_code == 200

    def test_xlsx_and_json_downloads(self, world, filed, client_for):
        c = client_for(world.office)
        r = c.get("/indicators/?period=2023-06&format=json")
        data = r.json()
        assert data["period"] == "2023-06" and any(row["unit"] == "甲经济技术开发区" for row in data["rows"])
        from openpyxl import load_workbook

        r = c.get("/indicators/?period=2023-06&format=xlsx")
        ws = load_workbook(io.BytesIO(r.content)).active
        assert "2023年1—6月主要经济指标完成情况" in ws["A1"].value

    def test_indicator_page_with_trend_and_outlook(self, world, filed, client_for):
        r = client_for(world.office).get("/indicators/general_budget_revenue/?period=2023-06")
        html = r.content.decode()
        assert r.status_code == 200 and "echarts" in html and "历史数据不足" in html

    def test_filing_page_saves_and_submits(self, world, cat, client_for):
        c = client_for(world.staff1)
        rev = cat["general_budget_revenue"]
        r = c.post("/indicators/filing/", {"unit": world.street1.pk, "period": "2023-03", "action": "save",
                                           f"ytd_{rev.pk}": "2.5", f"last_{rev.pk}": "2.1"})
        assert r.status_code == 302
        a = Actual.objects.get()
        assert a.state == "draft" and a.last_year_ytd == 21000
        c.post("/indicators/filing/", {"unit": world.street1.pk, "period": "2023-03", "action": "submit"})
        a.refresh_from_db()
        assert a.state == "submitted"
        # a fall below last month asks for confirmation on the page, stores nothing until confirmed
        r = c.post("/indicators/filing/", {"unit": world.street1.pk, "period": "2023-04", "action": "save",
                                           f"ytd_{rev.pk}": "2.0"})
        assert "confirm-box" in r.content.decode() and Actual.objects.count() == 1
        r = c.post("/indicators/filing/", {"unit": world.street1.pk, "period": "2023-04", "action": "save",
                                           f"ytd_{rev.pk}": "2.0", "confirmed": "1"})
        assert r.status_code == 302 and Actual.objects.count() == 2

    def test_filing_for_another_street_is_ignored(self, world, cat, client_for):
        rev = cat["general_budget_revenue"]
        client_for(world.staff1).post("/indicators/filing/", {"unit": world.street2.pk, "period": "2023-03",
                                                              "action": "save", f"ytd_{rev.pk}": "2.5"})
        assert not Actual.objects.filter(unit=world.street2).exists()

    def test_review_page_office_only(self, world, filed, client_for):
        assert client_for(world.staff1).get("/indicators/review/?period=2023-06").status_code == 403
        c = client_for(world.office)
        assert c.get("/indicators/review/?period=2023-06").status_code == 200
        c.post("/indicators/review/", {"period": "2023-06", "action": "lock"})
        from tuijin.core.models import FilingPeriod

        assert FilingPeriod.objects.get(year=2023, month=6).locked

    def test_targets_split_page(self, world, filed, client_for):
        html = client_for(world.office).get("/indicators/targets/?year=2023").content.decode()
        assert "各单位目标之和为19.00亿元,比全区目标20.00亿元少1.00亿元。" in html  # 10 + 9 against 20


@pytest.mark.django_db
class TestApi:
    def test_actuals_scoped(self, world, filed, api_for):
        data = api_for(world.staff1).get("/api/v1/actuals/?year=2023").json()
        assert {row["unit"] for row in data["results"]} == {world.street1.pk}
        assert all(row["state"] == "approved" for row in data["results"])

    def test_file_via_api_and_refuse_other_street(self, world, cat, api_for):
        api = api_for(world.staff1)
        rev = cat["general_budget_revenue"]
        body = {"unit": world.street1.pk, "indicator": rev.pk, "year": 2023, "month": 2, "ytd_display": "1.1"}
        assert api.post("/api/v1/actuals/", body, format="json").status_code == 201
        body["unit"] = world.street2.pk
        assert api.post("/api/v1/actuals/", body, format="json").status_code == 404
        assert not Actual.objects.filter(unit=world.street2).exists()

    def test_dispatch_endpoint(self, world, filed, api_for):
        data = api_for(world.office).get("/api/v1/dispatch/?zone=za&period=2023-06").json()
        assert any(r["unit"] == "甲经济技术开发区" for r in data["rows"])
        assert api_for(world.office_b).get("/api/v1/dispatch/?zone=za&period=2023-06").status_code == 404
        assert api_for(world.office).get("/api/v1/dispatch/?zone=za&period=2023-13").status_code == 400


@pytest.mark.django_db
def test_huaian_2023_06_gives_the_seed_figures(capsys):
    """The demo: `tuijin dispatch --zone huaian --period 2023-06 --format json` states the seed's figures."""
    call_command("demo", verbosity=0)
    capsys.readouterr()
    call_command("dispatch", "--zone", "huaian", "--period", "2023-06", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    zone = {r["indicator"]: r for r in data["rows"] if r["unit"] == "淮安经济技术开发区"}
    rev = zone["一般公共预算收入"]
    assert round(rev["actual_ytd"], 2) == 18.56 and round(rev["yoy_growth"], 3) == 0.367
    assert round(rev["completion"], 3) == 0.523 and round(rev["pace_gap_pp"], 1) == 2.3
    assert round(zone["税占比"]["actual_ytd"], 2) == 93.25
    assert round(zone["进出口总额"]["actual_ytd"], 2) == 83.04
    assert round(zone["出口"]["actual_ytd"], 2) == 57.6 and round(zone["出口"]["yoy_growth"], 3) == 0.052
    assert zone["新签约亿元以上项目数"]["actual_ytd"] == 49
    assert round(zone["新签约亿元以上项目计划总投资"]["actual_ytd"], 2) == 280.63
    assert zone["新签约外资项目数"]["actual_ytd"] == 10
    assert round(zone["新签约外资项目计划总投资"]["actual_ytd"], 2) == 57.7
    keys = {"unit", "indicator", "actual_ytd", "target", "completion", "time_progress", "pace_gap_pp",
            "last_year_ytd", "yoy_growth", "rank", "warning"}
    assert all(keys <= set(r) for r in data["rows"])


@pytest.mark.django_db
def test_filing_page_puts_what_the_unit_reports_first(world, filed, client_for):
    """A street files what it has a target for; the catalogue's other indicators follow, marked not required."""
    html = client_for(world.staff1).get("/indicators/filing/?period=2023-07").content.decode()
    assert "一般公共预算收入" in html and "非必报" in html
    assert html.index("一般公共预算收入") < html.index("非必报")
