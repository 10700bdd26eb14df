"""Setting up the year from pages and the API: campaign, stage goals, key tasks with leaders and milestones, their
lag; the same input refused the same way on each path; every page as office, street, leader and another zone."""
import datetime as dt

import pytest

from tuijin.campaigns import selectors, services
from tuijin.campaigns.models import Campaign, KeyTask, Milestone, StageGoal
from tuijin.core.scope import SYSTEM
from tuijin.org.demo import make_member
from tuijin.org.models import Member


@pytest.fixture
def year(world):
    """Zone A's 2023 campaign with a key task led by 钵池街道 (two milestones, one overdue), a leader member; zone B's
    campaign and leader."""
    from tuijin.core.models import Zone

    Zone.objects.filter(pk=world.zone_a.pk).update(as_of=dt.date(2023, 8, 8))
    world.zone_a.refresh_from_db()
    camp = services.campaign_create(member=world.office, zone=world.zone_a, year=2023, theme="项目攻坚年",
                                    headline_goal="进入全国30强")
    task = services.key_task_create(member=world.office, campaign=camp, title="项目攻坚突破", lead_unit=world.street1,
                                    units=[world.dept], sponsor=world.leader, owner="王磊",
                                    milestones=[("完成方案编制", "2023-03-31"), ("全面开工", "2023-12-31")])
    camp_b = services.campaign_create(member=world.office_b, zone=world.zone_b, year=2023, theme="乙区活动")
    leader_b = make_member(username="t_leader_b", unit=world.office_b_unit, role=Member.Role.LEADER,
                           scope=Member.Scope.ZONE, full_name="乙领导")
    return camp, task, camp_b, leader_b


def test_key_task_lags_by_its_milestones_in_words(world, year):
    camp, task, *_ = year
    lag = selectors.key_task_lag([task], zone=world.zone_a)[task.pk]
    assert lag["light"] == "red" and lag["days_late"] == (dt.date(2023, 8, 8) - dt.date(2023, 3, 31)).days
    assert "计划完成「完成方案编制」日期2023-03-31已过,逾期130天" in lag["reason"]
    m = task.milestones.get(name="完成方案编制")
    services.milestone_update(member=world.staff1, milestone=m, done_on="2023-04-10")  # the lead unit records it
    assert selectors.key_task_lag([task], zone=world.zone_a)[task.pk]["light"] == "green"
    services.milestone_add(member=world.office, task=task, name="完成土地摘牌", due="2023-08-20")
    lag = selectors.key_task_lag([task], zone=world.zone_a)[task.pk]
    assert lag["light"] == "yellow" and "还有12天" in lag["reason"]


def test_milestone_rules(world, year):
    camp, task, *_ = year
    with pytest.raises(Exception) as exc:
        services.milestone_add(member=world.office, task=task, name="验收", due="2024-01-05")
    assert exc.value.message_dict == {"due": ["节点日期2024-01-05晚于活动年度末(2023-12-31)。"]}
    m = task.milestones.first()
    with pytest.raises(Exception) as exc:
        services.milestone_update(member=world.staff1, milestone=m, done_on="2023-09-01")  # after the as-of date
    assert "done_on" in exc.value.message_dict
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        services.milestone_update(member=world.staff2, milestone=m, done_on="2023-04-01")  # not the lead unit
    with pytest.raises(PermissionDenied):
        services.milestone_update(member=world.staff1, milestone=m, due="2023-05-01")  # only the office moves dates


BAD_TASKS = [
    ("milestone_after_year_end", {"milestones": [("验收", "2024-01-05")]}, "milestones"),
    ("deadline_after_year_end", {"deadline": "2024-02-01"}, "deadline"),
    ("foreign_unit", {"lead_unit": "street_b"}, "lead_unit"),
    ("foreign_cooperating_unit", {"units": ["street_b"]}, "units"),
    ("leader_of_another_zone", {"sponsor": "leader_b"}, "sponsor"),
    ("sponsor_not_a_leader", {"sponsor": "staff1"}, "sponsor"),
    ("empty_title", {"title": " "}, "title"),
]


def _task_input(world, leader_b, changes):
    data = {"title": "优化营商环境", "lead_unit": "street1", "units": ["dept"], "sponsor": "leader", "owner": "张敏",
            "deadline": "2023-12-31", "milestones": [("出台方案", "2023-05-31")], **changes}
    objs = {**world.__dict__, "leader_b": leader_b}
    return data, objs


@pytest.mark.parametrize("case,changes,field", BAD_TASKS, ids=[c[0] for c in BAD_TASKS])
def test_bad_key_task_refused_on_page_and_api_naming_the_field(world, year, client_for, api_for, case, changes,
                                                               field):
    camp, _t, _cb, leader_b = year
    data, objs = _task_input(world, leader_b, changes)
    before = KeyTask.objects.count(), Milestone.objects.count()
    post = {"title": data["title"], "lead_unit": objs[data["lead_unit"]].pk,
            "units": [objs[u].pk for u in data["units"]], "sponsor": objs[data["sponsor"]].pk,
            "owner": data["owner"], "deadline": data["deadline"],
            "milestone_name": [n for n, _d in data["milestones"]], "milestone_due": [d for _n, d in data["milestones"]]}
    r = client_for(world.office).post(f"/campaigns/{camp.pk}/tasks/new/", post)
    assert r.status_code == 200
    errors = r.context["form"].errors
    page_fields = set(errors) - {"__all__"}
    # a field the form lists the choices of is refused by the form itself; the others by the service
    assert field in page_fields or (field == "milestones" and "2024-01-05" in str(errors["__all__"]))
    body = {"campaign": camp.pk, "title": data["title"], "lead_unit": objs[data["lead_unit"]].pk,
            "units": [objs[u].pk for u in data["units"]], "sponsor": objs[data["sponsor"]].pk,
            "owner": data["owner"], "deadline": data["deadline"],
            "milestones": [{"name": n, "due": d} for n, d in data["milestones"]]}
    r = api_for(world.office).post("/api/v1/key-tasks/", body, format="json")
    assert r.status_code == 400, r.content
    assert field in r.json()
    assert (KeyTask.objects.count(), Milestone.objects.count()) == before


def test_key_task_the_same_through_page_and_api(world, year, client_for, api_for):
    camp, *_ = year
    post = {"title": "优化营商环境", "lead_unit": world.street2.pk, "units": [world.dept.pk], "sponsor": world.leader.pk,
            "owner": "张敏", "deadline": "2023-12-31", "milestone_name": ["出台方案", ""],
            "milestone_due": ["2023-05-31", ""]}
    r = client_for(world.office).post(f"/campaigns/{camp.pk}/tasks/new/", post)
    assert r.status_code == 302
    body = {"campaign": camp.pk, "title": "优化营商环境", "lead_unit": world.street2.pk, "units": [world.dept.pk],
            "sponsor": world.leader.pk, "owner": "张敏", "deadline": "2023-12-31",
            "milestones": [{"name": "出台方案", "due": "2023-05-31"}]}
    r = api_for(world.office).post("/api/v1/key-tasks/", body, format="json")
    assert r.status_code == 201, r.content
    a, b = KeyTask.objects.filter(title="优化营商环境").order_by("pk")
    for t in (a, b):
        assert (t.lead_unit, t.sponsor, t.owner, t.deadline) == (world.street2, world.leader, "张敏",
                                                                 dt.date(2023, 12, 31))
        assert list(t.units.all()) == [world.dept]
        assert list(t.milestones.values_list("name", "due")) == [("出台方案", dt.date(2023, 5, 31))]
    # the lead unit's staff records a milestone done through the API; another street cannot see it
    m = b.milestones.get()
    assert api_for(world.staff2).patch(f"/api/v1/milestones/{m.pk}/", {"done_on": "2023-05-20"},
                                       format="json").status_code == 200
    m.refresh_from_db()
    assert m.done_on == dt.date(2023, 5, 20)
    assert api_for(world.staff1).patch(f"/api/v1/milestones/{m.pk}/", {"done_on": "2023-05-20"},
                                       format="json").status_code == 404


def test_campaign_and_stage_goals_through_pages(world, year, client_for):
    camp, *_ = year
    c = client_for(world.office)
    r = c.post(f"/campaigns/{camp.pk}/", {"action": "campaign", "year": "2023", "theme": "项目攻坚年",
                                          "headline_goal": "进入全国20强", "description": ""})
    assert r.status_code == 302
    camp.refresh_from_db()
    assert camp.headline_goal == "进入全国20强"
    r = c.post(f"/campaigns/{camp.pk}/", {"action": "goal", "kind": "half_year", "due": "2023-06-30"})
    assert r.status_code == 302 and camp.stage_goals.get().kind == "half_year"
    r = c.post(f"/campaigns/{camp.pk}/", {"action": "goal", "kind": "double_half", "due": "2024-06-30"})
    assert r.status_code == 200 and "due" in r.context["goal_form"].errors
    goal = camp.stage_goals.get()
    r = c.post(f"/campaigns/goals/{goal.pk}/", {"kind": "double_half", "due": "2023-06-30"})
    assert r.status_code == 302
    goal.refresh_from_db()
    assert goal.kind == "double_half"
    r = c.post("/campaigns/setup/", {"year": "2024", "theme": "项目提速年", "headline_goal": ""})
    assert r.status_code == 302 and Campaign.objects.filter(zone=world.zone_a, year=2024).exists()
    r = c.post("/campaigns/setup/", {"year": "1e308", "theme": "x"})
    assert r.status_code == 200 and "year" in r.context["form"].errors


def test_stage_goal_api_refuses_unknown_indicator_and_foreign_campaign(world, year, api_for):
    from tuijin.indicators.models import Indicator

    camp, _t, camp_b, _l = year
    Indicator.objects.create(zone=world.zone_a, code="revenue", name="一般公共预算收入", unit="亿元", is_main=True)
    api = api_for(world.office)
    r = api.post("/api/v1/stage-goals/", {"campaign": camp.pk, "kind": "strong_start", "due": "2023-03-31",
                                          "indicator_codes": ["revenue"]}, format="json")
    assert r.status_code == 201, r.content
    r = api.post("/api/v1/stage-goals/", {"campaign": camp.pk, "kind": "strong_start", "due": "2023-03-31",
                                          "indicator_codes": ["nosuch"]}, format="json")
    assert r.status_code == 400 and "indicator_codes" in r.json()
    r = api.post("/api/v1/stage-goals/", {"campaign": camp_b.pk, "kind": "strong_start", "due": "2023-03-31"},
                 format="json")
    assert r.status_code == 404
    assert api_for(world.staff1).post("/api/v1/campaigns/", {"year": "2024", "theme": "x"},
                                      format="json").status_code == 403
    assert StageGoal.objects.filter(campaign=camp).count() == 1


def test_pages_by_role(world, year, client_for):
    camp, task, camp_b, _l = year
    goal = services.stage_goal_add(member=world.office, campaign=camp, kind="double_half", due="2023-06-30")
    pages = [f"/campaigns/setup/", f"/campaigns/{camp.pk}/", f"/campaigns/tasks/{task.pk}/"]
    office_only = [f"/campaigns/{camp.pk}/tasks/new/", f"/campaigns/tasks/{task.pk}/edit/", f"/campaigns/goals/{goal.pk}/"]
    for url in pages + office_only:
        r = client_for(world.office).get(url)
        assert r.status_code == 200, url
    body = client_for(world.office).get(f"/campaigns/{camp.pk}/").content.decode()
    assert "项目攻坚突破" in body and "逾期130天" in body
    for member in (world.leader, world.staff1):
        for url in pages:
            assert client_for(member).get(url).status_code == 200, (member, url)
        for url in office_only:
            assert client_for(member).get(url).status_code == 403, (member, url)
    # a street that does not lead the task does not see it; the other zone sees neither campaign nor task
    assert client_for(world.staff2).get(f"/campaigns/tasks/{task.pk}/").status_code == 404
    for url in pages[1:] + office_only:
        assert client_for(world.office_b).get(url).status_code == 404, url
    # the leader cannot record a milestone; the lead unit can, from the page
    m = task.milestones.first()
    r = client_for(world.leader).post(f"/campaigns/tasks/{task.pk}/", {"action": "done", "milestone": m.pk,
                                                                        "done_on": "2023-04-01"})
    assert r.status_code == 404
    r = client_for(world.staff1).post(f"/campaigns/tasks/{task.pk}/", {"action": "done", "milestone": m.pk,
                                                                        "done_on": "2023-04-01"})
    assert r.status_code == 302
    m.refresh_from_db()
    assert m.done_on == dt.date(2023, 4, 1)
    r = client_for(world.staff1).post(f"/campaigns/tasks/{task.pk}/", {"action": "done", "milestone": m.pk,
                                                                        "done_on": "2023-13-45"}, follow=True)
    assert "不是日期" in r.content.decode() or "日期" in r.content.decode()
