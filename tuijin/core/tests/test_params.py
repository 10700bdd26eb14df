"""Query parameters are read by FilterSets and forms (core/params.py): a malformed one answers 400 naming it on the
API and leaves a page's list empty with a message; valid ones filter as before (docs/security.md, "Parameters")."""
from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from tuijin.core.params import API_LIMIT_MAX, ID_MAX

BIG_ID = "9" * 25


@pytest.fixture
def projects(world):
    from tuijin.projects import services

    return [services.project_create(member=world.office, zone=world.zone_a, code=code, name=name, category="industry",
                                    unit=unit, planned_investment=amount)
            for code, name, unit, amount in (("P001", "恒信智造项目", world.street1, 30000),
                                             ("P002", "华瑞新能源项目", world.street2, 10000))]


def _codes(response) -> set[str]:
    return {p["code"] for p in response.json()["results"]}


@pytest.mark.django_db
class TestApi:
    @pytest.mark.parametrize("query, name", [
        ("unit=abc", "unit"), (f"unit={BIG_ID}", "unit"), ("unit=0", "unit"), ("unit=-1", "unit"),
        ("stage=nonsense", "stage"), ("limit=abc", "limit"), ("limit=0", "limit"),
        ("limit=-1", "limit"), ("limit=1.5", "limit"), ("offset=-1", "offset"), (f"offset={BIG_ID}", "offset"),
    ])
    def test_projects_bad_parameter_is_400_naming_it(self, world, projects, api_for, query, name):
        r = api_for(world.office).get(f"/api/v1/projects/?{query}")
        assert r.status_code == 400, r.content
        body = r.json()
        assert list(body) == [name] and body[name][0].startswith(f"参数「{name}」:")

    @pytest.mark.parametrize("query", ["year=abc", "year=0", "year=1999", "year=32767", "year=2101", "year=NaN",
                                       "month=13", "month=0", "month=1.5", "year=[[[["])
    def test_actuals_bad_year_or_month(self, world, api_for, query):
        r = api_for(world.office).get(f"/api/v1/actuals/?{query}")
        assert r.status_code == 400 and "参数「" in r.json()[query.split("=")[0]][0]

    def test_valid_filters_filter_as_before(self, world, projects, api_for):
        api = api_for(world.office)
        assert _codes(api.get(f"/api/v1/projects/?unit={world.street1.pk}")) == {"P001"}
        assert _codes(api.get("/api/v1/projects/?category=industry")) == {"P001", "P002"}
        assert _codes(api.get(f"/api/v1/projects/?unit={world.street_b.pk}")) == set()  # another zone's: nothing
        assert api.get("/api/v1/actuals/?year=2023&month=6").status_code == 200
        assert api.get("/api/v1/units/?zone=za").json()["count"] == 4
        assert api.get("/api/v1/units/?zone=zz").json()["count"] == 0
        assert api.get("/api/v1/units/?zone=%00").status_code == 400

    def test_limit_has_a_maximum(self, world, projects, api_for):
        from rest_framework.request import Request
        from rest_framework.test import APIRequestFactory

        from tuijin.core.params import Pagination

        def limit(query):
            return Pagination().get_limit(Request(APIRequestFactory().get(f"/api/v1/units/?{query}")))

        assert (limit(""), limit("limit=7"), limit(f"limit={API_LIMIT_MAX * 10}"), limit(f"limit={BIG_ID}")) == \
            (50, 7, API_LIMIT_MAX, API_LIMIT_MAX)
        api = api_for(world.admin)
        assert api.get("/api/v1/units/?limit=1").json()["next"] is not None
        assert api.get(f"/api/v1/units/?limit={BIG_ID}").status_code == 200
        assert api.get("/api/v1/units/?offset=1000000").json()["results"] == []

    def test_the_schema_states_the_bounds(self, world, api_for):
        schema = api_for(world.office).get("/api/v1/schema/?format=json").json()
        params = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/projects/"]["get"]["parameters"]}
        assert params["unit"]["maximum"] == ID_MAX and params["unit"]["minimum"] == 1
        assert params["limit"]["minimum"] == 1 and params["offset"]["minimum"] == 0
        year = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/actuals/"]["get"]["parameters"]}["year"]
        assert (year["minimum"], year["maximum"]) == (2000, 2100)

    def test_dispatch_parameters(self, world, api_for):
        api = api_for(world.office)
        for query in ("zone=%00&period=2023-06", "zone=za&period=32767-01", "zone=za&period=", "period=2023-06"):
            assert api.get(f"/api/v1/dispatch/?{query}").status_code == 400, query
        assert api.get("/api/v1/dispatch/?zone=nowhere&period=2023-06").status_code == 404


@pytest.mark.django_db
class TestPages:
    def _page(self, client, url):
        r = client.get(url)
        assert r.status_code == 200, url
        return r.content.decode(), [str(m) for m in get_messages(r.wsgi_request)]

    @pytest.mark.parametrize("query, name", [
        (f"unit={BIG_ID}", "unit"), (f"campaign={BIG_ID}", "campaign"), ("inv_min=NaN", "inv_min"),
        ("inv_max=Infinity", "inv_max"), ("inv_min=1e999", "inv_min"), ("stage=x", "stage"),
        ("lagging=2", "lagging"),
    ])
    def test_ledger_bad_filter_shows_nothing_and_says_why(self, world, projects, client_for, query, name):
        html, msgs = self._page(client_for(world.office), f"/projects/?{query}")
        assert "恒信智造项目" not in html and any(m.startswith(f"参数「{name}」:") for m in msgs), msgs

    def test_ledger_valid_filters_and_page_size(self, world, projects, client_for):
        c = client_for(world.office)
        html, msgs = self._page(c, "/projects/?inv_min=20000")
        assert "恒信智造项目" in html and "华瑞新能源项目" not in html and not msgs
        for bad in ("abc", "0", "-1", BIG_ID):
            html, msgs = self._page(c, f"/projects/?per_page={bad}")
            assert "恒信智造项目" in html and any("per_page" in m for m in msgs)
        assert c.get("/projects/?per_page=500").context["page"].paginator.per_page == 200

    def test_export_with_bad_parameters_is_an_empty_workbook(self, world, projects, client_for):
        c = client_for(world.office)
        for url in ("/exchange/projects/export/?lagging=1&as_of=abc", "/exchange/projects/export/?inv_max=NaN",
                    f"/exchange/projects/export/?unit={BIG_ID}", "/exchange/targets/export/?year=abc",
                    "/exchange/actuals/export/?month=13", "/exchange/projects/export/?lagging=1&as_of=2023-06-30"):
            assert c.get(url).status_code == 200, url

    def test_tickets_and_run_compare(self, world, client_for):
        c = client_for(world.office)
        for query in (f"unit={BIG_ID}", f"task={BIG_ID}", "state=x", "open=abc"):
            html, msgs = self._page(c, f"/tickets/?{query}")
            assert any(m.startswith("参数「") for m in msgs), query
        r = c.get("/assessment/runs/compare/?a=abc&b=" + BIG_ID)
        assert r.status_code == 302
        assert [str(m) for m in get_messages(r.wsgi_request)][0].startswith("参数「a」:")
