"""The scheme form: a clerk builds a scheme in rows, checked by the one scheme check, messages without codes."""
import pytest
import yaml

from tuijin.assessment import builder
from tuijin.assessment.models import Scheme
from tuijin.engine.assessment import SchemeError

pytestmark = pytest.mark.django_db

COLUMNS = {"rec_ticket_resolution_rate": "企业诉求办结率(系统记录)", "rec_claims": "加分申报(系统记录)",
           "rec_incidents_safety_major": "重大事故(系统记录)", "revenue": "营业收入(本年累计)",
           "revenue_target": "营业收入(目标)"}


def form(**extra):
    data = {"name": "年度考核", "aggregation": "sum", "missing": "zero", "groups": "",
            "cat_0": "比项目", "name_0": "营业收入", "source_0": "revenue", "points_0": "40", "rule_0": "completion",
            "params_0": "目标值=营业收入(目标);每差1个百分点扣分=0.5",
            "cat_1": "营商环境", "name_1": "诉求办结率", "source_1": "rec_ticket_resolution_rate", "rule_1": "steps",
            "params_1": "阶梯=0.98:30,0.95:26", "tier_name_0": "第一等次", "tier_min_0": "60", "tier_share_0": "50",
            "tier_name_1": "第二等次",
            "adj_kind_0": "bonus", "adj_name_0": "向上争取", "adj_source_0": "rec_claims", "adj_cap_0": "5",
            "adj_kind_1": "veto", "adj_name_1": "安全一票否决", "adj_source_1": "rec_incidents_safety_major"}
    data.update(extra)
    return data


def test_the_form_makes_the_yaml_an_expert_writes():
    scheme = builder.to_dict(form(), columns=COLUMNS)
    parsed = builder.check(scheme)
    assert [c.name for c in parsed.root.children] == ["比项目", "营商环境"]
    rev = parsed.indicators()[0]
    assert rev.rule == {"type": "completion", "target": "revenue_target", "per_pp": 0.5} and rev.points == 40
    assert parsed.indicators()[1].rule["steps"] == [[0.98, 30.0], [0.95, 26.0]]
    assert parsed.tiers[0].max_share == 0.5 and parsed.bonuses[0].cap == 5 and parsed.vetoes[0].name == "安全一票否决"
    again = builder.from_yaml(builder.to_yaml(scheme), COLUMNS)  # a scheme made here opens here again
    assert again["params_0"] == "目标值=营业收入(目标);每差1个百分点扣分=0.5"
    assert builder.to_dict(dict(again, name="年度考核"), columns=COLUMNS) == scheme


@pytest.mark.parametrize("extra, field, words", [
    ({"name": ""}, "name", "名称"),
    ({"source_0": "nonsense"}, "source_0", "营业收入"),
    ({"rule_1": "bogus"}, "rule_1", "诉求办结率"),
    ({"params_0": "满意值=3"}, "params_0", "目标完成率"),
    ({"params_1": "阶梯=高:30"}, "params_1", "诉求办结率"),
    ({"points_0": "四十"}, "points_0", "四十"),
    ({"tier_share_0": "abc"}, "tier_share_0", "第一等次"),
    ({"adj_source_0": ""}, "adj_source_0", "向上争取"),
])
def test_bad_input_is_named_in_chinese(extra, field, words):
    with pytest.raises(builder.FormProblem) as e:
        builder.to_dict(form(**extra), columns=COLUMNS)
    assert e.value.field == field and words in e.value.message
    assert not any(c in e.value.message for c in ("i1", "i2", "c1", "per_pp", "completion"))


@pytest.mark.parametrize("extra, words", [
    ({"weight_0": "-1"}, "营业收入"),
    ({"tier_share_0": "80", "tier_name_1": "第二等次", "tier_share_1": "40"}, "超过100%"),
    ({"tier_min_0": "10", "tier_min_1": "50"}, "第二等次"),
    ({"rule_0": "efficacy", "params_0": "最低分或不允许值=10;满意值=5"}, "营业收入"),
])
def test_the_scheme_check_speaks_of_names_not_codes(extra, words):
    with pytest.raises(SchemeError) as e:
        builder.check(builder.to_dict(form(**extra), columns=COLUMNS))
    message = str(e.value)
    assert words in message
    assert "「i1」" not in message and "「c1」" not in message and "efficacy" not in message


def test_clerk_saves_a_scheme_through_the_page(world, client_for):
    c = client_for(world.office)
    page = c.get("/assessment/schemes/build/")
    assert page.status_code == 200 and "目标完成率" in page.content.decode()
    r = c.post("/assessment/schemes/build/", form(source_0="rec_ticket_resolution_rate", rule_0="value", params_0=""))
    assert r.status_code == 302
    s = Scheme.objects.get(zone=world.zone_a)
    assert s.name == "年度考核" and "rec_claims" in s.yaml and yaml.safe_load(s.yaml)["tree"]["children"]
    # a new version of the same scheme from the form; bad input stores nothing and names the row
    r = c.post(f"/assessment/schemes/{s.pk}/build/", form(source_0="rec_ticket_resolution_rate", rule_0="value",
                                                          params_0="", weight_1="-3"))
    assert r.status_code == 200 and "诉求办结率" in r.content.decode() and Scheme.objects.count() == 1
    r = c.post(f"/assessment/schemes/{s.pk}/build/", form(source_0="rec_ticket_resolution_rate", rule_0="value",
                                                          params_0="", name="年度考核(修订)"))
    assert Scheme.objects.filter(code=s.code).count() == 2
    # the preview scores without storing
    r = c.post("/assessment/preview/" if False else "/assessment/schemes/preview/",
               form(source_0="rec_ticket_resolution_rate", rule_0="value", params_0="", preview_year="2023"))
    assert r.status_code == 200 and Scheme.objects.count() == 2
    r = c.post("/assessment/schemes/preview/", form(weight_0="-1"))
    assert "营业收入" in r.content.decode() and "preview-error" in r.content.decode()
    # staff never build
    assert client_for(world.staff1).get("/assessment/schemes/build/").status_code == 403
    assert client_for(world.staff1).post("/assessment/schemes/preview/", form()).status_code == 403
    # another zone's scheme is not found
    assert client_for(world.office_b).get(f"/assessment/schemes/{s.pk}/build/").status_code == 404
