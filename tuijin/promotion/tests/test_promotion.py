"""招商: a lead followed to capital in place and a running project, through the services, the pages and the API;
order of stages, a lead signed twice, received above registered capital (a warning), scope and bad input."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuijin.core.scope import SYSTEM
from tuijin.projects.models import Project
from tuijin.projects.services import project_create
from tuijin.promotion import selectors, services
from tuijin.promotion.models import Capital, Lead, Visit

pytestmark = pytest.mark.django_db
D = dt.date


def _lead(world, member=None, **over):
    data = dict(name="恒信新材料项目", source="referral", unit=world.street1, brought_by="钱海峰", investor="恒信集团",
                industry="新材料", currency="CNY", amount="50000", lead_on=D(2026, 1, 5), assess_by=D(2026, 2, 5))
    data.update(over)
    return services.lead_create(member=member or world.office, zone=world.zone_a, **data)


def _to_capital(world, lead, member=None):
    m = member or world.office
    lead = services.lead_advance(member=m, lead=lead, stage="talks", on=D(2026, 1, 20))
    lead = services.lead_advance(member=m, lead=lead, stage="signed", on=D(2026, 3, 1))
    lead = services.lead_advance(member=m, lead=lead, stage="registered", on=D(2026, 3, 20))
    services.capital_record(member=m, project=lead.project, kind="registered", on=D(2026, 3, 20), amount="15000")
    services.capital_record(member=m, project=lead.project, kind="received", on=D(2026, 4, 10), amount="9000")
    return services.lead_advance(member=m, lead=lead, stage="capital", on=D(2026, 4, 10))


def test_a_lead_followed_to_capital_and_a_running_project(world):
    lead = _lead(world, serving_unit=world.street2)
    services.visit_log(member=world.office, lead=lead, on=D(2026, 1, 8), kind="visit", summary="首次接洽")
    lead = _to_capital(world, lead)
    lead = services.lead_advance(member=world.office, lead=lead, stage="started", on=D(2026, 5, 2))
    p = Project.objects.get(pk=lead.project_id)
    assert (lead.stage, p.stage, p.unit, p.planned_investment) == ("started", "started", world.street2, Decimal(50000))
    assert (p.signed_actual, p.registered_actual, p.started_actual) == (D(2026, 3, 1), D(2026, 3, 20), D(2026, 5, 2))
    assert services.capital_totals(p)["received"] == Decimal(9000)
    assert Visit.objects.filter(lead=lead).count() == 1
    # the lifecycle continues in the ledger
    from tuijin.projects.services import project_transition

    project_transition(member=world.office, project=p, stage="completed", on=D(2026, 11, 1))
    assert Project.objects.get(pk=p.pk).stage == "completed"


def test_a_lead_signed_twice_is_refused(world):
    lead = _to_capital(world, _lead(world))
    with pytest.raises(ValidationError, match="不能重复签约|signed once"):
        services.lead_advance(member=world.office, lead=lead, stage="signed", on=D(2026, 5, 1))
    other = services.lead_advance(member=world.office, lead=_lead(world, name="第二条线索"), stage="talks",
                                  on=D(2026, 1, 9))
    with pytest.raises(ValidationError) as exc:  # nor is a project linked to two leads
        services.lead_advance(member=world.office, lead=other, stage="signed", on=D(2026, 3, 1), project=lead.project)
    assert "project" in exc.value.message_dict
    assert Project.objects.filter(zone=world.zone_a).count() == 1


def test_signing_links_an_existing_project(world):
    p = project_create(member=SYSTEM, zone=world.zone_a, code="X1", name="已有项目", category="industry",
                       unit=world.street1, planned_investment=Decimal(30000))
    lead = services.lead_advance(member=world.office, lead=_lead(world), stage="talks", on=D(2026, 1, 9))
    lead = services.lead_advance(member=world.office, lead=lead, stage="signed", on=D(2026, 2, 1), project=p)
    assert lead.project_id == p.pk and Project.objects.get(pk=p.pk).signed_actual == D(2026, 2, 1)
    assert Project.objects.filter(zone=world.zone_a).count() == 1


def test_order_of_stages(world):
    lead = _lead(world)
    with pytest.raises(ValidationError, match="洽谈"):  # 线索 → 签约 skips 洽谈
        services.lead_advance(member=world.office, lead=lead, stage="signed", on=D(2026, 3, 1))
    with pytest.raises(ValidationError) as exc:  # a date before the stage before
        services.lead_advance(member=world.office, lead=lead, stage="talks", on=D(2025, 12, 1))
    assert "on" in exc.value.message_dict
    with pytest.raises(ValidationError):  # in the future
        services.lead_advance(member=world.office, lead=lead, stage="talks", on=dt.date.today() + dt.timedelta(9))
    lead = services.lead_advance(member=world.office, lead=lead, stage="talks", on=D(2026, 1, 9))
    lead = services.lead_advance(member=world.office, lead=lead, stage="signed", on=D(2026, 3, 1))
    lead = services.lead_advance(member=world.office, lead=lead, stage="registered", on=D(2026, 3, 5))
    with pytest.raises(ValidationError, match="到位资金|capital received"):  # 到资 needs received capital
        services.lead_advance(member=world.office, lead=lead, stage="capital", on=D(2026, 4, 1))
    with pytest.raises(ValidationError):
        services.lead_drop(member=world.office, lead=lead, on=D(2026, 4, 1), reason="不做了")  # signed: not dropped
    assert Lead.objects.get(pk=lead.pk).stage == "registered"


def test_drop_needs_a_reason_and_ends_the_lead(world):
    lead = _lead(world)
    with pytest.raises(ValidationError) as exc:
        services.lead_drop(member=world.office, lead=lead, on=D(2026, 2, 1), reason="  ")
    assert "reason" in exc.value.message_dict
    lead = services.lead_drop(member=world.office, lead=lead, on=D(2026, 2, 1), reason="投资方转投其他地区")
    assert lead.stage == "dropped"
    with pytest.raises(ValidationError):
        services.lead_advance(member=world.office, lead=lead, stage="talks", on=D(2026, 2, 2))


def test_received_above_registered_is_a_warning_not_a_refusal(world):
    lead = _to_capital(world, _lead(world))
    record, warnings = services.capital_record(member=world.office, project=lead.project, kind="received",
                                               on=D(2026, 5, 1), amount="8000")
    assert record.pk and len(warnings) == 1 and "17000" in warnings[0]
    assert services.capital_totals(lead.project)["received"] == Decimal(17000)


def test_foreign_capital_in_dollars_keeps_the_rate(world):
    lead = _lead(world, currency="USD", amount="1000", exchange_rate="7.1")
    assert (lead.is_foreign, lead.intended_investment, lead.exchange_rate) == (True, Decimal(7100), Decimal("7.1"))
    with pytest.raises(ValidationError) as exc:
        _lead(world, currency="USD", amount="1000", exchange_rate="")
    assert "exchange_rate" in exc.value.message_dict
    lead = _to_capital(world, lead)
    record, _w = services.capital_record(member=world.office, project=lead.project, kind="received",
                                         on=D(2026, 5, 1), currency="USD", amount="100", exchange_rate="7.2")
    assert (record.amount_usd, record.amount_cny) == (Decimal(100), Decimal(720))


@pytest.mark.parametrize("field,value", [
    ("amount", "abc"), ("amount", "-5"), ("amount", "1e308"), ("amount", "NaN"), ("exchange_rate", "0.01"),
    ("lead_on", "2026-13-01"), ("assess_by", "not a date"), ("name", ""), ("name", "x" * 201), ("source", "phone"),
    ("investor", "名\x00称"), ("currency", "EUR"),
])
def test_bad_input_names_the_field_and_stores_nothing(world, field, value):
    over = {field: value}
    if field == "exchange_rate":
        over["currency"] = "USD"
    with pytest.raises(ValidationError) as exc:
        _lead(world, **over)
    assert field in exc.value.message_dict
    assert not Lead.objects.exists()


def test_bad_capital_and_visit_input(world):
    lead = _to_capital(world, _lead(world))
    for kwargs, field in ((dict(kind="received", on=D(2026, 5, 1), amount="x"), "amount"),
                          (dict(kind="received", on=D(2026, 1, 1), amount="5"), "on"),  # before signing
                          (dict(kind="gift", on=D(2026, 5, 1), amount="5"), "kind")):
        with pytest.raises(ValidationError) as exc:
            services.capital_record(member=world.office, project=lead.project, **kwargs)
        assert field in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.visit_log(member=world.office, lead=lead, on=D(2026, 2, 1), kind="visit", summary="")
    assert "summary" in exc.value.message_dict
    assert Capital.objects.count() == 2


def test_scope_a_street_sees_its_leads_only(world):
    mine = _lead(world, member=world.staff1)
    _lead(world, unit=world.street2, name="枚乘的线索")
    assert list(selectors.lead_list(member=world.staff1, zone=world.zone_a)) == [mine]
    with pytest.raises(ValidationError) as exc:  # a street cannot file a lead for another unit
        _lead(world, member=world.staff1, unit=world.street2)
    assert "unit" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:  # another zone's unit
        _lead(world, unit=world.street_b)
    assert "unit" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.lead_drop(member=world.staff2, lead=mine, on=D(2026, 2, 1), reason="不是我的")
    with pytest.raises(PermissionDenied):
        services.lead_create(member=world.leader, zone=world.zone_a, name="领导只读")


def test_another_zones_project_is_refused_on_signing(world):
    theirs = project_create(member=SYSTEM, zone=world.zone_b, code="B1", name="乙区项目", category="industry",
                            unit=world.street_b, planned_investment=Decimal(30000))
    lead = services.lead_advance(member=world.office, lead=_lead(world), stage="talks", on=D(2026, 1, 9))
    with pytest.raises(ValidationError) as exc:
        services.lead_advance(member=world.office, lead=lead, stage="signed", on=D(2026, 3, 1), project=theirs)
    assert "project" in exc.value.message_dict
    assert Lead.objects.get(pk=lead.pk).project_id is None


def test_funnel_credit_and_overdue(world):
    signed = _to_capital(world, _lead(world, unit=world.dept, serving_unit=world.street1))
    _lead(world, name="待研判", lead_on=D(2026, 1, 5), assess_by=D(2026, 1, 20))
    services.lead_drop(member=world.office, lead=_lead(world, name="放弃"), on=D(2026, 1, 10), reason="用地不足")
    f = selectors.funnel(member=world.office, zone=world.zone_a, year=2026)["all"]
    counts = {s["stage"]: s["count"] for s in f["stages"]}
    assert counts == {"lead": 3, "talks": 1, "signed": 1, "registered": 1, "capital": 1, "started": 0}
    assert f["dropped"] == 1 and f["stages"][1]["conversion"] == pytest.approx(1 / 3)
    assert f["stages"][1]["median_days"] == (D(2026, 3, 1) - D(2026, 1, 20)).days
    assert [x.name for x in selectors.overdue(member=world.office, zone=world.zone_a)] == ["待研判"]
    credit = {r["unit"].name: (r["brought"], r["served"]) for r in selectors.credit(
        member=world.office, zone=world.zone_a, year=2026)}
    assert credit == {"钵池街道": (0, 1), "经济发展局": (1, 0)} and signed.project.unit == world.street1


# ---- the same input through each way in: the service, the page and the API -----------------------------------

def _form(world, **over):
    data = {"name": "页面线索", "source": "expo", "unit": world.street1.pk, "investor": "博远科技", "currency": "CNY",
            "amount": "20000", "lead_on": "2026-01-05", "assess_by": "2026-02-05"}
    data.update(over)
    return data


def test_page_and_api_refuse_what_the_service_refuses(world, client_for, api_for):
    for over, field in (({"amount": "abc"}, "amount"), ({"unit": world.street_b.pk}, "unit"),
                        ({"source": "phone"}, "source"), ({"lead_on": "2026-02-30"}, "lead_on")):
        r = client_for(world.office).post("/promotion/leads/new/", _form(world, **over))
        assert r.status_code == 200 and r.context["form"].errors.get(field), (over, r.context["form"].errors)
        a = api_for(world.office).post("/api/v1/leads/", _form(world, **over), format="json")
        assert a.status_code == 400 and field in a.json(), (over, a.json())
    assert not Lead.objects.exists()
    r = client_for(world.office).post("/promotion/leads/new/", _form(world))
    assert r.status_code == 302
    a = api_for(world.office).post("/api/v1/leads/", _form(world, name="接口线索"), format="json")
    assert a.status_code == 201, a.json()
    page_lead, api_lead = Lead.objects.get(name="页面线索"), Lead.objects.get(name="接口线索")
    assert (page_lead.intended_investment, page_lead.stage) == (api_lead.intended_investment, api_lead.stage)


def test_lead_page_moves_it_on_and_the_api_too(world, client_for, api_for):
    lead = _lead(world)
    c = client_for(world.office)
    assert c.post(f"/promotion/leads/{lead.pk}/", {"action": "advance", "stage": "talks", "on": "2026-01-20"}) \
        .status_code == 302
    r = c.post(f"/promotion/leads/{lead.pk}/", {"action": "advance", "stage": "registered", "on": "2026-02-01"})
    assert r.status_code == 200 and r.context["forms"]["advance"].errors
    api = api_for(world.office)
    a = api.post(f"/api/v1/leads/{lead.pk}/advance/", {"stage": "signed", "on": "2026-03-01"}, format="json")
    assert a.status_code == 200 and a.json()["stage"] == "signed"
    again = api.post(f"/api/v1/leads/{lead.pk}/advance/", {"stage": "signed", "on": "2026-03-02"}, format="json")
    assert again.status_code == 400
    project = Lead.objects.get(pk=lead.pk).project
    a = api.post("/api/v1/capital/", {"project": project.pk, "kind": "received", "on": "2026-03-05", "amount": "10"},
                 format="json")
    assert a.status_code == 201 and a.json()["warnings"]  # nothing registered yet: a warning, stored
    r = c.get(f"/promotion/leads/{lead.pk}/")
    assert r.status_code == 200 and project.code in r.content.decode()


def test_pages_and_api_keep_to_the_scope(world, client_for, api_for):
    mine, other = _lead(world), _lead(world, unit=world.street2, name="枚乘的线索")
    street = client_for(world.staff1)
    assert street.get(f"/promotion/leads/{mine.pk}/").status_code == 200
    assert street.get(f"/promotion/leads/{other.pk}/").status_code == 404
    assert "枚乘的线索" not in street.get("/promotion/leads/").content.decode()
    assert client_for(world.office_b).get(f"/promotion/leads/{mine.pk}/").status_code == 404
    assert api_for(world.staff_b).get(f"/api/v1/leads/{mine.pk}/").status_code == 404
    assert api_for(world.staff2).post(f"/api/v1/leads/{mine.pk}/drop/", {"on": "2026-02-01", "reason": "x"},
                                      format="json").status_code == 404
    assert client_for(world.leader).post(f"/promotion/leads/{mine.pk}/", {"action": "drop", "on": "2026-02-01",
                                                                         "reason": "x"}).status_code == 403
    for url in ("/promotion/", "/promotion/leads/", "/promotion/leads/overdue/", "/promotion/leads/?format=xlsx",
                "/promotion/?year=abc", "/promotion/leads/?unit=abc&stage=zz"):
        assert street.get(url).status_code == 200, url


def test_the_form_offers_the_units_the_member_may_use(world, client_for):
    html = client_for(world.staff1).get("/promotion/leads/new/").content.decode()
    unit_select = html.split('name="unit"')[1].split("</select>")[0]
    assert "钵池街道" in unit_select and "枚乘街道" not in unit_select
    serving = html.split('name="serving_unit"')[1].split("</select>")[0]
    assert "同引荐单位" in serving and "枚乘街道" not in serving  # the units the street sees
    html = client_for(world.office).get("/promotion/leads/new/").content.decode()
    assert "枚乘街道" in html.split('name="serving_unit"')[1].split("</select>")[0]


# ---- the import (tuijin import leads FILE --zone CODE): all or nothing, 第N行 列名: 原因 ---------------------------

HEAD = ["线索名称", "来源", "引荐单位", "引荐人", "服务单位", "投资方", "所属行业", "币种", "意向投资额", "折算汇率",
        "收到线索日期", "首次研判期限", "备注"]


def _import(tmp_path, rows, *args):
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError
    from openpyxl import Workbook

    wb = Workbook()
    for r in [HEAD, *rows]:
        wb.active.append(r)
    path = tmp_path / "leads.xlsx"
    wb.save(path)
    err = io.StringIO()
    try:
        call_command("import", "leads", str(path), "--zone", "za", *args, stdout=io.StringIO(), stderr=err)
        return 0, err.getvalue()
    except CommandError:
        return 1, err.getvalue()


GOOD = ["导入线索", "以商招商", "钵池街道", "钱海峰", "", "华瑞科技", "新材料", "人民币", 30000, None, D(2026, 1, 5),
        D(2026, 2, 5), ""]


def test_import_creates_then_updates_and_refuses_what_the_form_refuses(world, tmp_path):
    code, err = _import(tmp_path, [GOOD, ["外资线索", "展会招商", "枚乘街道", "", "钵池街道", "日本某株式会社", "",
                                           "美元", 1000, 7.1, D(2026, 1, 6), D(2026, 2, 6), ""]])
    assert code == 0, err
    assert Lead.objects.get(name="外资线索").intended_investment == Decimal(7100)
    assert Lead.objects.get(name="导入线索").serving_unit == world.street1
    code, err = _import(tmp_path, [GOOD[:8] + [45000] + GOOD[9:]])  # the same lead: updated, not doubled
    assert code == 0 and Lead.objects.filter(name="导入线索").get().amount == Decimal(45000)
    bad = [
        ["坏线索1", "电话招商", "钵池街道", "", "", "甲", "", "", 100, None, D(2026, 1, 5), D(2026, 2, 5), ""],
        ["坏线索2", "展会招商", "城南街道", "", "", "甲", "", "", 100, None, D(2026, 1, 5), D(2026, 2, 5), ""],
        ["坏线索3", "展会招商", "钵池街道", "", "", "甲", "", "美元", 100, None, D(2026, 1, 5), D(2026, 2, 5), ""],
        ["坏线索4", "展会招商", "钵池街道", "", "", "甲", "", "", "很多", None, D(2026, 1, 5), D(2026, 2, 5), ""],
        ["坏线索5", "展会招商", "钵池街道", "", "", "甲", "", "", -5, None, D(2026, 1, 5), D(2025, 2, 5), ""],
    ]
    code, err = _import(tmp_path, [GOOD] + bad)
    assert code == 1
    lines = err.splitlines()
    assert any(x.startswith("第3行 来源") for x in lines), err
    assert any(x.startswith("第4行 引荐单位") and "城南街道" in x for x in lines), err  # another zone's unit: unknown
    assert any(x.startswith("第5行 折算汇率") for x in lines), err
    assert any(x.startswith("第6行 意向投资额") for x in lines), err
    assert any(x.startswith("第7行 意向投资额") for x in lines) and any(x.startswith("第7行 首次研判期限")
                                                                    for x in lines), err
    assert not Lead.objects.filter(name__startswith="坏线索").exists() and Lead.objects.count() == 2



def test_the_bulletin_sentence():
    from tuijin.engine.sentences import promotion_sentence

    assert promotion_sentence(None, month=6) == ""
    text = promotion_sentence({"new_leads": 36, "new_signed": 9, "in_talks": 8, "signed": 12, "signed_rate": 0.25,
                               "received_cny": Decimal(52000), "received_usd": Decimal("1200.5"), "overdue": 3},
                              month=6)
    assert text == ("招商引资方面,1—6月新增招商线索36条(其中已签约9个,签约率25.0%),在谈项目8个,签约落地12个"
                    "(含以前年度线索3个),到位资金5.2亿元(其中外资1200.5万美元)。超期未研判线索3条,请相关单位抓紧研判,"
                    "提升招商引资“含金量”。")


def test_the_bulletin_states_the_funnel(world):
    from tuijin.bulletins.selectors import bulletin_data
    from tuijin.core.models import FilingPeriod

    _to_capital(world, _lead(world))
    _lead(world, name="待研判", lead_on=D(2026, 1, 5), assess_by=D(2026, 1, 20))
    FilingPeriod.objects.create(zone=world.zone_a, year=2026, month=6, locked=True)
    line = bulletin_data(member=SYSTEM, zone=world.zone_a, year=2026, month=6)["projects_line"]
    assert "招商引资方面,1—6月新增招商线索2条(其中已签约1个,签约率50.0%),在谈项目0个,签约落地1个,到位资金9000万元。" in line
    assert "超期未研判线索1条" in line


def test_a_street_cannot_sign_into_another_units_ledger(world):
    lead = _lead(world, member=world.staff1, serving_unit=world.street2)
    lead = services.lead_advance(member=world.staff1, lead=lead, stage="talks", on=D(2026, 1, 9))
    with pytest.raises(ValidationError) as exc:
        services.lead_advance(member=world.staff1, lead=lead, stage="signed", on=D(2026, 3, 1))
    assert "serving_unit" in exc.value.message_dict
    assert not Project.objects.exists() and Lead.objects.get(pk=lead.pk).stage == "talks"
    lead = services.lead_advance(member=world.office, lead=lead, stage="signed", on=D(2026, 3, 1))
    assert lead.project.unit == world.street2
