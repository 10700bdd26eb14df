import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from tuijin.assessment import services
from tuijin.assessment.models import Commendation, Run, Scheme

SCHEME = """
code: t
name: 测试考核
unit_column: 单位
aggregation: sum
tree:
  code: total
  children:
    - {code: a, name: 项目A, points: 10, rule: {type: completion, target: 10, per_pp: 0.1}}
"""


@pytest.fixture
def jiangyan(db):
    call_command("demo", verbosity=0)
    from tuijin.org.models import Member
    from tuijin.core.models import Zone

    return Zone.objects.get(code="jiangyan"), Member.objects.get(user__username="jiangyan")


@pytest.fixture
def taizhou(jiangyan):
    """泰州市, which assesses the Jiangyan parks (the seed's figures, the right way round), and its office."""
    from tuijin.org.models import Member
    from tuijin.core.models import Zone

    return Zone.objects.get(code="taizhou"), Member.objects.get(user__username="taizhou")


def test_jiangyan_scores_and_tiers_as_the_seed(taizhou):
    zone, _office = taizhou
    run = Run.objects.get(zone=zone, title="2021年度“三比一提升”园区专项考核")
    units = {u["unit"]: u for u in run.results["units"]}
    a, b = units["姜堰经济开发区"], units["姜堰区现代科技产业园区"]
    assert (round(a["score"], 2), a["group"], a["tier"], a["rank"]) == (170.46, "A档", "第一等次", 1)
    assert (round(b["score"], 2), b["group"], b["tier"]) == (167.5, "B档", "第一等次")
    assert any("扣" in x["reason"] for x in a["breakdown"]) and run.robustness["samples"] == 500
    c = Commendation.objects.get(zone=zone)
    names = {(e.kind, e.unit_name) for e in c.entries.all()}
    assert ("unit", "姜堰经济开发区") in names and ("award", "靖江经济技术开发区") in names
    assert not Run.objects.filter(zone__code="jiangyan").exists()  # the park no longer scores itself


def test_pages_and_documents(taizhou, client):
    zone, office = taizhou
    client.force_login(office.user)
    run = Run.objects.get(zone=zone, title="2021年度“三比一提升”园区专项考核")
    html = client.get(f"/assessment/runs/{run.pk}/?unit=姜堰经济开发区").content.decode()
    assert "170.46" in html and "rob-chart" in html and "breakdown" in html
    c = Commendation.objects.get(zone=zone)
    doc = Document(io.BytesIO(client.get(f"/assessment/commendations/{c.pk}/?format=docx").content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "先进集体" in text and "项目攻坚奖" in text and "姜堰经济开发区" in text and "泰州市人民政府" in text
    ws = load_workbook(io.BytesIO(client.get(f"/assessment/commendations/{c.pk}/?format=xlsx").content)).active
    assert ws["A1"].value == c.title
    assert client.get("/assessment/").status_code == 200


def test_unit_staff_see_only_their_own_line(taizhou, client):
    from tuijin.org.demo import make_member
    from tuijin.org.models import Unit

    zone, _ = taizhou
    park = make_member(username="park_staff", unit=Unit.objects.get(zone=zone, name="兴化经济开发区"), role="staff",
                       scope="unit")
    client.force_login(park.user)
    run = Run.objects.get(zone=zone, title="2021年度“三比一提升”园区专项考核")
    html = client.get(f"/assessment/runs/{run.pk}/").content.decode()
    assert "兴化经济开发区" in html and "靖江经济技术开发区" not in html and "现代科技产业园区" not in html


@pytest.mark.django_db
class TestServices:
    def test_versions_and_bad_scheme_stores_nothing(self, world):
        s1 = services.scheme_save(member=world.office, zone=world.zone_a, yaml_text=SCHEME)
        s2 = services.scheme_save(member=world.office, zone=world.zone_a, yaml_text=SCHEME.replace("测试考核", "测试考核二"))
        assert (s1.version, s2.version) == (1, 2)
        with pytest.raises(ValidationError, match="负数"):
            services.scheme_save(member=world.office, zone=world.zone_a, yaml_text=SCHEME.replace("points: 10,", "weight: -2,"))
        with pytest.raises(PermissionDenied):
            services.scheme_save(member=world.staff1, zone=world.zone_a, yaml_text=SCHEME)
        assert Scheme.objects.count() == 2

    def test_run_snapshot_is_kept_and_bad_rows_store_nothing(self, world):
        s = services.scheme_save(member=world.office, zone=world.zone_a, yaml_text=SCHEME)
        run = services.run_create(member=world.office, scheme=s, title="t", year=2023, rows=[["单位", "a"], ["甲", 9]])
        assert run.results["units"][0]["score"] == pytest.approx(9) and run.inputs["columns"]["a"] == [9.0]
        services.scheme_save(member=world.office, zone=world.zone_a, yaml_text=SCHEME.replace("per_pp: 0.1", "per_pp: 1"))
        run.refresh_from_db()
        assert run.results["units"][0]["score"] == pytest.approx(9)  # a later version never changes a run
        with pytest.raises(ValidationError, match="第2行 a: 不是数字"):
            services.run_create(member=world.office, scheme=s, title="t", year=2023, rows=[["单位", "a"], ["甲", "九"]])
        with pytest.raises(ValidationError, match="列"):
            services.run_create(member=world.office, scheme=s, title="t", year=2023, rows=[["单位", "b"], ["甲", 1]])
        assert Run.objects.count() == 1

    def test_scheme_page_shows_errors(self, world, client_for):
        r = client_for(world.office).post("/assessment/schemes/new/", {"yaml": "tree: {code: r, children: [{code: a}]}"})
        assert "scheme-error" in r.content.decode() and Scheme.objects.count() == 0


@pytest.mark.django_db
def test_a_run_on_stored_figures_names_a_missing_indicator_in_chinese(world):
    """No unit has filed the indicator the scheme reads: the message names it and what is missing, not its code."""
    from tuijin.indicators.models import Indicator

    Indicator.objects.create(zone=world.zone_a, code="general_budget_revenue", name="一般公共预算收入",
                             unit="亿元")
    scheme_yaml = SCHEME.replace("code: a, name: 项目A", "code: pace, name: 收入进度") \
        .replace("rule: {type: completion", "column: general_budget_revenue_pace, rule: {type: completion")
    s = services.scheme_save(member=world.office, zone=world.zone_a, yaml_text=scheme_yaml)
    with pytest.raises(ValidationError) as caught:
        services.run_create(member=world.office, scheme=s, title="t", year=2023, month=7)
    text = " ".join(caught.value.messages)
    assert "收入进度" in text and "一般公共预算收入" in text and "序时进度差" in text
    assert "general_budget_revenue" not in text and "pace" not in text
    assert Run.objects.count() == 0


@pytest.mark.django_db
def test_a_unit_without_data_shows_as_such_on_the_run_page(world, client_for):
    s = services.scheme_save(member=world.office, zone=world.zone_a,
                             yaml_text="missing: drop\ntiers: [{name: 第一等次, min_score: 5}, {name: 第二等次}]\n" + SCHEME)
    run = services.run_create(member=world.office, scheme=s, title="t", year=2023,
                              rows=[["单位", "a"], ["甲", 9.123456], ["乙", None]])
    units = {u["unit"]: u for u in run.results["units"]}
    assert (units["乙"]["rank"], units["乙"]["tier"]) == (None, "") and units["甲"]["tier"] == "第一等次"
    html = client_for(world.office).get(f"/assessment/runs/{run.pk}/?unit=甲").content.decode()
    assert "无数据" in html and "None" not in html and "第二等次" not in html
    assert ">9.1235<" in html and 'title="9.123456"' in html  # the input rounded for reading, exact on hover
