"""A city assesses the districts and parks below it with the assessment app's runs and publishes the results down:
each zone reads its own score, rank, tier and breakdown, the others' rank and tier only (page and API), and its
standing lists what the city published about it, its district and its district's parks. The 泰州市 demo gives the
seed's figures the right way round."""
from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from tuijin.assessment import selectors as assessment_selectors
from tuijin.assessment import services as assessment_services
from tuijin.assessment.models import Run
from tuijin.core.context import Actor, acting_as
from tuijin.core.scope import SYSTEM
from tuijin.core.tests.test_zone_levels import build_tree
from tuijin.standing import selectors
from tuijin.standing.models import Assessment, Result

SCHEME = """
code: parks
name: 园区考核
unit_column: 单位
group_column: 分组
aggregation: sum
tiers:
  - {name: 第一等次, min_score: 8.5}
  - {name: 第二等次}
tree:
  code: total
  children:
    - {code: a, name: 项目A, points: 10, rule: {type: completion, target: 10, per_pp: 0.1}}
"""
ROWS = [["单位", "分组", "a"], ["甲区经济开发区", "园区", 9], ["甲区科技产业园区", "园区", 8], ["乙区开发区", "园区", 10]]


def as_member(member):
    return acting_as(Actor(user_id=member.user.pk, username=member.user.username, source="web"))


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def city_run(tree):
    with as_member(tree.city_office):
        scheme = assessment_services.scheme_save(member=tree.city_office, zone=tree.city, yaml_text=SCHEME)
        return assessment_services.run_create(member=tree.city_office, scheme=scheme, title="2021年度园区考核",
                                              year=2021, rows=ROWS)


def _publish(tree, run):
    with as_member(tree.city_office):
        return assessment_services.run_publish(member=tree.city_office, run=run)


def test_a_draft_run_stays_with_the_city(tree, city_run):
    for member in (tree.p1_office, tree.district_office, tree.p3_office):
        assert not Run.objects.restrict(member).filter(pk=city_run.pk).exists()
    assert Run.objects.restrict(tree.city_office).filter(pk=city_run.pk).exists()
    assert not Result.objects.exists()


def test_published_down_each_zone_sees_its_own_line_only(tree, city_run):
    _publish(tree, city_run)
    assert not Run.objects.restrict(tree.p3_office).filter(pk=city_run.pk).exists()  # another city's park
    assert not Run.objects.restrict(tree.city2_office).filter(pk=city_run.pk).exists()
    assert not Run.objects.restrict(tree.p1_staff).filter(pk=city_run.pk).exists()  # a street of the park
    lines = {u["unit"]: u for u in assessment_selectors.visible_units(tree.p1_office, city_run)}
    own, other = lines["甲区经济开发区"], lines["甲区科技产业园区"]
    assert (own["score"], own["rank"], own["tier"]) == (pytest.approx(9), 2, "第一等次") and own["breakdown"]
    assert (other["score"], other["breakdown"], other["scores"]) == (None, [], {})
    assert (other["rank"], other["tier"]) == (3, "第二等次")  # the rank and tier the city publishes
    # the district sees its two parks in full, not the district outside the system
    lines = {u["unit"]: u for u in assessment_selectors.visible_units(tree.district_office, city_run)}
    assert lines["甲区科技产业园区"]["breakdown"] and lines["乙区开发区"]["score"] is None


def test_run_page_and_api_never_show_another_zones_breakdown(tree, city_run, client_for, api_for):
    _publish(tree, city_run)
    c = client_for(tree.p1_office)
    assert "2021年度园区考核" in c.get("/assessment/").content.decode()
    html = c.get(f"/assessment/runs/{city_run.pk}/").content.decode()
    assert "完成目标的90.0%" in html  # its own breakdown
    html = c.get(f"/assessment/runs/{city_run.pk}/", {"unit": "甲区科技产业园区"}).content.decode()
    assert "完成目标的80.0%" not in html and "8.00" not in html
    assert "完成目标的90.0%" not in html and "Publish" not in html
    assert c.get("/assessment/runs/compare/", {"a": city_run.pk, "b": city_run.pk}).status_code == 404
    # a park cannot act on the city's run
    c.post(f"/assessment/runs/{city_run.pk}/", {"action": "commend", "title": "x"})
    assert not city_run.commendations.exists()
    with pytest.raises(PermissionDenied):
        assessment_services.run_robustness(member=tree.p1_office, run=city_run, samples=10)
    data = api_for(tree.p1_office).get(f"/api/v1/assessment/runs/{city_run.pk}/").json()
    lines = {u["unit"]: u for u in data["results"]}
    assert lines["甲区经济开发区"]["breakdown"] and lines["甲区科技产业园区"]["breakdown"] == []
    assert lines["甲区科技产业园区"]["score"] is None and lines["乙区开发区"]["score"] is None
    for member in (tree.p3_office, tree.city2_office, tree.p1_staff):
        assert api_for(member).get(f"/api/v1/assessment/runs/{city_run.pk}/").status_code == 404
        assert client_for(member).get(f"/assessment/runs/{city_run.pk}/").status_code == 404


def test_standing_lists_what_the_city_published(tree, city_run, client_for):
    _publish(tree, city_run)
    edition = Assessment.objects.get()
    assert (edition.owner, edition.issuer, edition.level, edition.key) == (tree.city, "丙市", "city",
                                                                           f"run-{city_run.pk}")
    rows = selectors.zone_results(member=tree.p1_office, zone=tree.park1, year=2021)
    got = {(r.subject, r.group, r.rank, r.of, r.tier): r.score for r in rows}
    assert got == {("甲区经济开发区", "园区", 2, 3, "第一等次"): 9}  # not the sibling park's result
    rows = selectors.zone_results(member=tree.district_office, zone=tree.district, year=2021)
    assert {(r.subject, r.score) for r in rows} == {("甲区经济开发区", 9), ("甲区科技产业园区", 8)}
    rows = selectors.zone_results(member=SYSTEM, zone=tree.park1, year=2021)  # the command line: the district's parks
    assert {r.subject for r in rows} == {"甲区经济开发区", "甲区科技产业园区"}
    # another city's park, and the other city, see nothing of it
    assert not Result.objects.restrict(tree.p3_office).exists()
    assert not Result.objects.restrict(tree.city2_office).exists()
    assert selectors.zone_results(member=tree.p3_office, zone=tree.park3) == []
    # the city reads what it published; publishing again replaces the edition
    assert Result.objects.restrict(tree.city_office).count() == 2
    _publish(tree, city_run)
    assert Assessment.objects.count() == 1 and Result.objects.count() == 2
    html = client_for(tree.p1_office).get("/standing/").content.decode()
    assert "丙市" in html and "2021年度园区考核" in html


def _standing_json(zone: str, year: int) -> dict:
    """`tuijin standing --format json` in this process. call_command, not the command line: a command run from the
    command line closes the database connections when it ends, which on PostgreSQL ends the test's transaction."""
    out = io.StringIO()
    call_command("standing", "--zone", zone, "--year", str(year), "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_the_taizhou_demo(db, client_for):
    """泰州市 scores 姜堰区 and its parks as seed 001 reports; `tuijin standing` lists them for the Jiangyan zone;
    Jiaxing's national figures stay."""
    from tuijin.org.models import Member

    call_command("demo", verbosity=0)
    out = _standing_json("jiangyan", 2021)
    got = {(r["assessment"], r["subject"], r["group"], r["score"], r["tier"], r["issuer"]) for r in out["results"]}
    assert got == {
        ("2021年度市(区)综合考核", "泰州市姜堰区", "市(区)", 80.97, "第一等次", "泰州市"),
        ("2021年度“三比一提升”市(区)专项考核", "泰州市姜堰区", "市(区)", 211.17, "第二等次", "泰州市"),
        ("2021年度“三比一提升”园区专项考核", "江苏姜堰经济开发区", "A档", 170.46, "第一等次", "泰州市"),
        ("2021年度“三比一提升”园区专项考核", "姜堰区现代科技产业园区", "B档", 167.5, "第一等次", "泰州市"),
    }
    assert all(set(r) >= {"rank", "of", "province_rank", "item"} for r in out["results"])
    jiaxing = _standing_json("jiaxing", 2021)["results"]
    assert [(r["rank"], r["item"], r["province_rank"]) for r in jiaxing] == [(19, None, 2), (8, "利用外资", 2)]
    # seed 002: the shifan district first in its city's 考评 and in 实际利用外资
    shifan = _standing_json("shifan", 2022)["results"]
    assert sorted((r["rank"], r["item"] or "", r["assessment"]) for r in shifan) == [
        (1, "", "2022年度市对各县(市、区)工作目标责任制考评"), (1, "实际利用外资", "2022年全市各县(市、区)实际利用外资总量")]
    # the city office sees its districts' and parks' zones; the Jiangyan office reads its own line of the city's run
    taizhou = Member.objects.get(user__username="taizhou")
    assert client_for(taizhou).get("/assessment/").status_code == 200
    jiangyan = Member.objects.get(user__username="jiangyan")
    run = Run.objects.get(zone__code="taizhou", title="2021年度“三比一提升”园区专项考核")
    html = client_for(jiangyan).get(f"/assessment/runs/{run.pk}/").content.decode()
    assert "170.46" in html and "167.50" not in html
    # every page these accounts open speaks Chinese, and the standing page lists the city's results
    from tuijin.core.tests.test_i18n import untranslated

    pages = [(jiangyan, "/assessment/"), (jiangyan, f"/assessment/runs/{run.pk}/"), (jiangyan, "/standing/"),
             (taizhou, "/assessment/"), (taizhou, f"/assessment/runs/{run.pk}/?unit=姜堰经济开发区"),
             (taizhou, "/org/units/"), (taizhou, "/standing/")]
    for member, url in pages:
        r = client_for(member).get(url)
        assert r.status_code == 200, url
        assert not list(untranslated(r.content.decode())), (url, list(untranslated(r.content.decode())))
    html = client_for(jiangyan).get("/standing/").content.decode()
    assert "170.46" in html and "80.97" in html and "211.17" in html and "泰州市" in html
    # the city office switches to a zone below and reads its pages, never writes into it
    from tuijin.core.models import Zone
    from tuijin.core.tests.test_bad_parameters import ROUTES
    from tuijin.standing.models import Goal

    city = client_for(taizhou)
    zone = Zone.objects.get(code="jiangyan")
    assert 'name="zone"' in city.get("/org/units/").content.decode()  # the zone switcher
    city.post("/zone/", {"zone": zone.pk, "next": "/"})
    assert "江苏姜堰经济开发区" in city.get("/org/units/").content.decode()
    city.raise_request_exception = False
    for route in ROUTES:
        if route.kwargs or route.api:
            continue
        r = city.get("/" + route.template)
        assert r.status_code < 500, route.template
    city.post("/standing/goal/", {"form": "goal", "level": "national", "kind": "rank", "label": "前30",
                                  "target_rank": 30})
    assert not Goal.objects.filter(zone=zone).exists()
    # a zone's office cannot switch to its city or its sibling
    jy = client_for(jiangyan)
    assert jy.post("/zone/", {"zone": Zone.objects.get(code="taizhou").pk}).status_code in (403, 404)
    assert "泰州市综合考核办公室" not in jy.get("/org/units/").content.decode()


def test_planted_names_published_down_stay_text(db, client_for):
    """A city unit, a zone and a run title holding script: the zone's pages show them as text."""
    from tuijin.core.scope import SYSTEM
    from tuijin.core.tests.planting import P1, raw_markers, script_problems
    from tuijin.org.models import Unit
    from tuijin.org.services import unit_create, zone_create

    tree = build_tree()
    planted_zone = zone_create(code="p4", name="园" + P1, level="provincial", province="江苏省", parent=tree.district)
    unit_create(member=SYSTEM, zone=tree.city, name="单位" + P1, kind="park", group="园区", represents=planted_zone,
                parent=Unit.objects.get(zone=tree.city, name="办公室"))
    with as_member(tree.city_office):
        scheme = assessment_services.scheme_save(member=tree.city_office, zone=tree.city, yaml_text=SCHEME)
        run = assessment_services.run_create(member=tree.city_office, scheme=scheme, title="考核" + P1, year=2021,
                                             rows=ROWS + [["单位" + P1, "园区", 7]])
    _publish(tree, run)
    c = client_for(tree.p1_office)
    for url in ("/assessment/", f"/assessment/runs/{run.pk}/", "/standing/"):
        html = c.get(url).content.decode()
        assert "考核" in html and not raw_markers(html) and not script_problems(html), url
    assert Result.objects.filter(subject_zone=planted_zone).exists()
