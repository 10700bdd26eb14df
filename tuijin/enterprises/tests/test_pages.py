"""The pages and the API as each role sees them: what answers 200, 403 or 404; nothing answers 500."""
import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from tuijin.enterprises.models import Enterprise, EnterpriseYear, KeptEnterprise
from tuijin.tickets.models import Ticket

from .conftest import code

pytestmark = pytest.mark.django_db


def pages(e1) -> dict[str, str]:
    return {"list": "/enterprises/", "detail": f"/enterprises/{e1.pk}/", "big": "/enterprises/big/",
            "above_scale": "/enterprises/above-scale/", "candidates": "/enterprises/candidates/",
            "kept": "/enterprises/kept/", "new": "/enterprises/new/", "edit": f"/enterprises/{e1.pk}/edit/",
            "year": f"/enterprises/{e1.pk}/years/2022/", "search": "/enterprises/search/?q=澄",
            "service": "/enterprises/service/", "mujun": "/enterprises/mujun/?year=2022",
            "visit": f"/enterprises/{e1.pk}/visits/new/"}


# role → page → status, for 钵池街道's enterprise e1
EXPECTED = {
    "office": dict.fromkeys(["list", "detail", "big", "above_scale", "candidates", "kept", "new", "edit", "year",
                             "search", "service", "mujun", "visit"], 200),
    "leader": {**dict.fromkeys(["list", "detail", "big", "above_scale", "candidates", "kept", "search", "service",
                                "mujun"], 200),
               "new": 403, "edit": 403, "year": 403, "visit": 403},
    "staff1": {**dict.fromkeys(["list", "detail", "big", "above_scale", "candidates", "kept", "edit", "year",
                                "search", "service", "mujun", "visit"], 200), "new": 403},
    "staff2": {**dict.fromkeys(["list", "big", "above_scale", "candidates", "kept", "search", "service", "mujun"],
                               200), "detail": 404, "edit": 404, "year": 404, "new": 403, "visit": 404},
    "office_b": {**dict.fromkeys(["list", "big", "above_scale", "candidates", "kept", "new", "search", "service",
                                  "mujun"], 200), "detail": 404, "edit": 404, "year": 404, "visit": 404},
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role(world, enterprises, client_for, role):
    c = client_for(getattr(world, role))
    got = {name: c.get(url).status_code for name, url in pages(enterprises[0]).items()}
    assert got == EXPECTED[role]


def test_anonymous_is_sent_to_sign_in(world, enterprises):
    r = Client().get("/enterprises/")
    assert r.status_code == 302 and "/accounts/login" in r["Location"]


def test_a_street_sees_its_own_enterprises_only(world, enterprises, client_for):
    r = client_for(world.staff1).get("/enterprises/?year=2022")
    assert [e.name for e in r.context["page"]] == ["澄川精密机械有限公司"]
    r = client_for(world.staff2).get("/enterprises/big/?year=2022")
    assert list(r.context["rows"]) == []
    r = client_for(world.staff2).get("/enterprises/search/?q=澄川")
    assert r.json() == {"results": []}


def test_list_shows_the_year_filters_and_exports_what_it_shows(world, enterprises, client_for):
    r = client_for(world.office).get("/enterprises/?year=2022&big=1")
    assert r.status_code == 200
    assert [e.name for e in r.context["page"]] == ["澄川精密机械有限公司"]
    html = r.content.decode()
    assert "12500" in html and "上亿元" in html
    assert 'href="/exchange/enterprises/export/?' in html and "big=1" in r.context["export_query"]


def test_detail_chart_data_and_tickets_by_name(world, enterprises, client_for):
    e1, e2, _ = enterprises
    now = timezone.now()
    for name, title in ((e1.name, "申请技改补贴政策解读"), (e2.name, "别家的诉求"), ("澄川精密机械", "名称不全")):
        Ticket.objects.create(zone=world.zone_a, source="enterprise", enterprise=name, title=title,
                              assignee_unit=world.street1, assigned_at=now, ack_due=now, feedback_due=now,
                              deadline=dt.date.today())
    r = client_for(world.office).get(f"/enterprises/{e1.pk}/")
    assert [t.title for t in r.context["tickets"]] == ["申请技改补贴政策解读"]
    html = r.content.decode()
    data = json.loads(re.search(r'<script id="enterprise-chart-data" type="application/json">(.*?)</script>', html,
                                re.S).group(1))
    assert data["years"] == ["2022"] and data["series"][0]["data"] == [12500.0]
    # the Content-Security-Policy: scripts only from files, data only as JSON, no style attributes
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert scripts and all('type="application/json"' in s for s in scripts)
    assert 'src="/static/enterprises/enterprise_chart.js"' in html
    assert "style=" not in html


def test_no_inline_script_or_style_in_the_apps_templates():
    from pathlib import Path

    for path in (Path(__file__).parent.parent / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "style=" not in text and "|safe" not in text, path
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", text)), path


def test_office_edits_and_files_figures_through_the_pages(world, enterprises, client_for):
    e1 = enterprises[0]
    c = client_for(world.office)
    r = c.post(f"/enterprises/{e1.pk}/edit/", {"credit_code": e1.credit_code, "name": e1.name,
                                               "unit": world.street1.pk, "industry": "通用设备制造业",
                                               "address": "创业大道1号", "land_area": "130"})
    assert r.status_code == 302
    assert Enterprise.objects.get(pk=e1.pk).address == "创业大道1号"
    r = c.post(f"/enterprises/{e1.pk}/years/2021/", {"revenue": "9000", "above_scale": "on"})
    assert r.status_code == 302 and EnterpriseYear.objects.get(enterprise=e1, year=2021).revenue == 9000
    r = c.post(f"/enterprises/{e1.pk}/years/2021/", {"revenue": "abc"})
    assert r.status_code == 200 and r.context["form"].errors == {"revenue": ["营业收入(万元):不是有效的数字「abc」"]}


def test_kept_list_office_writes_others_read(world, enterprises, client_for):
    e1 = enterprises[0]
    office = client_for(world.office)
    r = office.post("/enterprises/kept/?year=2022", {"year": "2022", "enterprise": e1.pk, "target_revenue": "15000"})
    assert r.status_code == 302
    kept = KeptEnterprise.objects.get(enterprise=e1, year=2022)
    r = office.get("/enterprises/kept/?year=2022")
    assert [k.enterprise_id for k in r.context["rows"]] == [e1.pk] and "83.3%" in r.content.decode()
    r = office.post("/enterprises/kept/?year=2022", {"year": "2022", "enterprise": e1.pk, "target_revenue": "-1"})
    assert r.status_code == 200 and list(r.context["form"].errors) == ["target_revenue"]
    for member in (world.leader, world.staff1):
        c = client_for(member)
        assert c.post("/enterprises/kept/", {"enterprise": e1.pk, "target_revenue": "1"}).status_code == 403
        assert c.post("/enterprises/kept/", {"action": "remove", "kept": kept.pk}).status_code == 403
    assert client_for(world.office_b).post("/enterprises/kept/", {"action": "remove", "kept": kept.pk}
                                           ).status_code == 404
    assert office.post("/enterprises/kept/", {"action": "remove", "kept": kept.pk, "year": "2022"}).status_code == 302
    assert not KeptEnterprise.objects.exists()


HOSTILE = ["abc", "-1", "9" * 25, "NaN", "Infinity", "1e999", "", "[" * 3000, "\x00", "2023-13", "1.5", "0"]
KEYS = ["year", "unit", "industry", "above_scale", "big", "rev_min", "rev_max", "q", "sort", "page", "min_revenue",
        "limit", "offset"]


def test_no_server_error_for_hostile_parameters(world, enterprises, client_for, api_for):
    e1 = enterprises[0]
    office = client_for(world.office)
    office.raise_request_exception = False
    api = api_for(world.office)
    urls = [u for n, u in pages(e1).items() if n != "search"] + ["/enterprises/search/"]
    failures = []
    for value in HOSTILE:
        params = dict.fromkeys(KEYS, value)
        for url in urls:
            if office.get(url, params).status_code not in (200, 302, 400, 403, 404):
                failures.append((url, value))
        for key in KEYS:
            if office.get("/enterprises/", {key: value}).status_code not in (200, 400):  # 400: a NUL (core.middleware)
                failures.append(("/enterprises/", key, value))
            if api.get("/api/v1/enterprises/", {key: value}).status_code not in (200, 400, 404):
                failures.append(("api", key, value))
    for url in ("/enterprises/99999999999999999999999/", "/enterprises/0/years/2022/",
                f"/enterprises/{e1.pk}/years/1/", f"/enterprises/{e1.pk}/years/99999999999/"):
        if office.get(url).status_code != 404:
            failures.append(url)
    assert not failures, failures[:20]


class TestApi:
    def test_scope(self, world, enterprises, api_for):
        e1, e2, eb = enterprises
        names = [x["name"] for x in api_for(world.staff1).get("/api/v1/enterprises/").json()["results"]]
        assert names == [e1.name]
        assert api_for(world.staff1).get(f"/api/v1/enterprises/{e2.pk}/").status_code == 404
        assert api_for(world.office).get(f"/api/v1/enterprises/{eb.pk}/").status_code == 404
        r = api_for(world.staff1).patch(f"/api/v1/enterprises/{e1.pk}/", {"unit": world.street2.pk}, format="json")
        assert r.status_code == 400 and r.json() == {"unit": ["「枚乘街道」不在您的数据权限范围内。"]}
        r = api_for(world.leader).post(f"/api/v1/enterprises/{e1.pk}/years/", {"year": 2022, "revenue": 1},
                                       format="json")
        assert r.status_code == 404

    def test_read_and_write(self, world, enterprises, api_for):
        e1 = enterprises[0]
        api = api_for(world.office)
        body = api.get(f"/api/v1/enterprises/{e1.pk}/").json()
        assert (body["credit_code"], body["unit_name"], body["years"][0]["revenue"]) == (e1.credit_code, "钵池街道",
                                                                                       "12500.00")
        r = api.patch(f"/api/v1/enterprises/{e1.pk}/", {"address": "纬三路9号"}, format="json")
        assert r.status_code == 200 and r.json()["address"] == "纬三路9号"
        r = api.post("/api/v1/enterprises/", {"credit_code": code(90), "name": "新登记有限公司",
                                              "unit": world.street2.pk}, format="json")
        assert r.status_code == 201 and r.json()["zone"] == "za"
        r = api.post("/api/v1/enterprises/", {"name": "缺代码有限公司"}, format="json")
        assert r.status_code == 400 and r.json() == {"credit_code": ["请填写统一社会信用代码。"],
                                                     "unit": ["请选择服务单位。"]}
        r = api.get("/api/v1/enterprises/", {"year": "2022", "min_revenue": "10000"})
        assert [x["name"] for x in r.json()["results"]] == [e1.name]
        r = api.post(f"/api/v1/enterprises/{e1.pk}/years/", {"year": 2019}, format="json")
        assert r.json() == {"year": 2019, "stored": False}

    def test_schema_lists_the_resource(self, world, api_for):
        r = api_for(world.office).get("/api/v1/schema/")
        assert r.status_code == 200 and b"/api/v1/enterprises/{id}/years/" in r.content
