"""The indicators that are counts of the ledger (新签约亿元以上项目数 and its planned total, 新签约外资项目数 and its
planned total, 实际利用外资 where received capital is recorded) are computed from it, never filed: the dispatch
figure of every unit equals the ledger's count, and every way in refuses a filed figure."""
from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from openpyxl import Workbook

from tuijin.core.models import FilingPeriod
from tuijin.core.scope import SYSTEM
from tuijin.indicators.dispatch import dispatch_table
from tuijin.indicators.models import Actual
from tuijin.indicators.selectors import filing_rows
from tuijin.indicators.services import actual_save, indicator_set_source, target_set
from tuijin.projects.services import project_create, project_set_status

pytestmark = pytest.mark.django_db
D = dt.date


def _project(world, code, amount, signed, unit=None, foreign=False):
    return project_create(member=SYSTEM, zone=world.zone_a, code=code, name=f"项目{code}", category="industry",
                          unit=unit or world.street1, planned_investment=Decimal(amount), is_foreign=foreign,
                          signed_actual=signed)


@pytest.fixture
def ledger(world, cat):
    FilingPeriod.objects.create(zone=world.zone_a, year=2023, month=6)
    _project(world, "A1", 20000, D(2023, 2, 1))
    _project(world, "A2", 15000, D(2023, 5, 1), foreign=True)
    _project(world, "A3", 5000, D(2023, 4, 1), foreign=True)  # foreign, below 1亿元
    _project(world, "A4", 30000, D(2023, 7, 1))  # signed after June: not in 1—6月
    _project(world, "B1", 12000, D(2023, 3, 1), unit=world.street2)
    _project(world, "B0", 50000, D(2022, 3, 1), unit=world.street2)  # last year
    target_set(member=world.office, zone=world.zone_a, indicator=cat["new_projects_100m"], year=2023, value=4,
               unit=world.dept)  # a unit with a target and nothing signed: 0
    return cat


def _rows(world, code, member=SYSTEM):
    return {r.unit: r for r in dispatch_table(member=member, zone=world.zone_a, year=2023, month=6)
            if r.indicator_code == code}


def test_the_dispatch_figure_is_the_ledgers_count(world, ledger):
    big, inv = _rows(world, "new_projects_100m"), _rows(world, "new_projects_100m_investment")
    foreign = _rows(world, "new_foreign_projects")
    assert (big["钵池街道"].actual_ytd, big["枚乘街道"].actual_ytd, big["经济发展局"].actual_ytd) == (2, 1, 0)
    assert big["甲经济技术开发区"].actual_ytd == 3 and big["甲经济技术开发区"].complete is True
    assert big["枚乘街道"].last_year_ytd == 1 and big["枚乘街道"].yoy_growth == 0
    assert inv["甲经济技术开发区"].actual_ytd == Decimal("4.7")  # 亿元: 2 + 1.5 + 1.2
    assert foreign["钵池街道"].actual_ytd == 2 and "枚乘街道" not in foreign
    assert {r.source for r in big.values()} == {"ledger"} and big["钵池街道"].state == ""
    assert big["钵池街道"].counted_in_total and big["经济发展局"].warning_reason != "未填报"
    rev = _rows(world, "tax_share")
    assert all(r.source == "computed" for r in rev.values())
    # a project withdrawn, or signed later, changes the count at once (the cache reads the ledger's version)
    from tuijin.projects.models import Project

    project_set_status(member=SYSTEM, project=Project.objects.get(code="A1"), status="withdrawn", reason="终止")
    assert _rows(world, "new_projects_100m")["钵池街道"].actual_ytd == 1
    _project(world, "A5", 10000, D(2023, 6, 30))
    assert _rows(world, "new_projects_100m")["钵池街道"].actual_ytd == 2


def test_a_street_sees_its_own_row_only(world, ledger):
    rows = _rows(world, "new_projects_100m", member=world.staff1)
    assert set(rows) == {"钵池街道"} and rows["钵池街道"].actual_ytd == 2


def test_dispatch_json_rows_carry_their_source(world, ledger, tmp_path):
    out = tmp_path / "d.json"
    call_command("dispatch", "--zone", "za", "--period", "2023-06", "--format", "json", "--out", str(out))
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    by = {(r["unit"], r["indicator_code"]): r for r in rows}
    assert by[("甲经济技术开发区", "new_projects_100m")]["source"] == "ledger"
    assert by[("甲经济技术开发区", "new_projects_100m")]["actual_ytd"] == 3
    assert {r["source"] for r in rows} <= {"filed", "computed", "ledger"}


def test_every_way_in_refuses_a_filed_count(world, ledger, client_for, api_for, tmp_path):
    ind = ledger["new_projects_100m"]
    with pytest.raises(ValidationError, match="项目台账"):
        actual_save(member=SYSTEM, unit=world.street1, indicator=ind, year=2023, month=6, ytd=Decimal(7))
    assert ind.pk not in {r["indicator"].pk for r in filing_rows(member=world.staff1, unit=world.street1, year=2023,
                                                                  month=6)}
    page = client_for(world.staff1).get("/indicators/filing/?period=2023-06").content.decode()
    assert "新签约亿元以上项目数" not in page
    r = client_for(world.staff1).post("/indicators/filing/", {"unit": world.street1.pk, "period": "2023-06",
                                                              "action": "save", f"ytd_{ind.pk}": "7"})
    assert r.status_code == 200 and "项目台账" in r.content.decode()
    a = api_for(world.staff1).post("/api/v1/actuals/", {"unit": world.street1.pk, "indicator": ind.pk, "year": 2023,
                                                        "month": 6, "ytd_display": "7"}, format="json")
    assert a.status_code == 400 and "项目台账" in json.dumps(a.json(), ensure_ascii=False)
    wb = Workbook()
    wb.active.append(["年度", "月份", "责任单位", "指标", "本年累计", "上年同期累计"])
    wb.active.append([2023, 6, "钵池街道", "新签约亿元以上项目数", 7, None])
    wb.save(tmp_path / "a.xlsx")
    err = io.StringIO()
    with pytest.raises(Exception):
        call_command("import", "actuals", str(tmp_path / "a.xlsx"), "--zone", "za", stderr=err)
    assert "第2行 指标" in err.getvalue() and "项目台账" in err.getvalue()
    assert not Actual.objects.filter(indicator=ind).exists()


def test_utilized_fdi_counted_from_received_capital(world, ledger):
    from tuijin.projects.models import Project
    from tuijin.promotion.services import capital_record

    fdi = ledger["utilized_fdi"]
    actual_save(member=SYSTEM, unit=world.street1, indicator=fdi, year=2023, month=6, ytd=Decimal("0.5"),
                approved=True)
    with pytest.raises(PermissionDenied):
        indicator_set_source(member=world.staff1, indicator=fdi, source="ledger")
    with pytest.raises(ValidationError):
        indicator_set_source(member=world.office, indicator=ledger["exports"], source="ledger")
    fdi = indicator_set_source(member=world.office, indicator=fdi, source="ledger")
    a2 = Project.objects.get(code="A2")
    capital_record(member=world.office, project=a2, kind="received", on=D(2023, 5, 20), currency="USD", amount="800",
                   exchange_rate="7")
    capital_record(member=world.office, project=a2, kind="received", on=D(2023, 7, 2), currency="USD", amount="100",
                   exchange_rate="7")  # July: not in 1—6月
    capital_record(member=world.office, project=Project.objects.get(code="A1"), kind="received",
                   on=D(2023, 5, 20), amount="900")  # 人民币: not foreign capital
    rows = _rows(world, "utilized_fdi")
    assert rows["钵池街道"].actual_ytd == Decimal("0.08") and rows["钵池街道"].source == "ledger"  # 800万美元 = 0.08亿美元
    assert rows["甲经济技术开发区"].actual_ytd == Decimal("0.08")
    indicator_set_source(member=world.office, indicator=fdi, source="filed")
    assert _rows(world, "utilized_fdi")["钵池街道"].actual_ytd == Decimal("0.5")


def test_the_trend_line_reads_the_ledger(world, ledger):
    from tuijin.indicators.history import indicator_trend

    trend = indicator_trend(member=world.office, zone=world.zone_a, indicator_code="new_projects_100m", year=2023)
    assert trend["this_year"][:7] == [0.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0]  # A1 Feb, B1 Mar, A2 May, A4 Jul
    assert trend["last_year"][2] == 1.0  # B0, March 2022
