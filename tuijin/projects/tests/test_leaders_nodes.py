"""Leaders (包挂领导) are members: a project's sponsor, the ledger's filter, 我包挂的项目, escalation to that member, and
the migration of names typed before. Node plans from the project page: a template applied, node dates edited, a
node recorded done, and the lag engine reading them."""
import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.utils import timezone

from tuijin.core.models import Zone
from tuijin.org.demo import make_member
from tuijin.org.models import Member
from tuijin.projects.models import NodePlanTemplate, Project, ProjectNode, TemplateNode
from tuijin.projects.selectors import lag_map
from tuijin.projects.services import project_create, project_update


@pytest.fixture
def leaders(world):
    world.leader.full_name = "韩立新"
    world.leader.save()
    other = make_member(username="t_leader2", unit=world.office_unit, role=Member.Role.LEADER,
                        scope=Member.Scope.ZONE, full_name="许文博")
    leader_b = make_member(username="t_leader_b", unit=world.office_b_unit, role=Member.Role.LEADER,
                           scope=Member.Scope.ZONE, full_name="乙领导")
    return world.leader, other, leader_b


def _form(world, **extra):
    return {"code": "L1", "name": "新材料产业园项目", "category": "industry", "planned_investment": "12000",
            "unit": world.street1.pk, **extra}


def test_sponsor_is_a_member_on_form_and_api(world, leaders, client_for, api_for):
    leader, other, leader_b = leaders
    r = client_for(world.staff1).post("/projects/new/", _form(world, sponsor_member=leader.pk))
    assert r.status_code == 302
    p = Project.objects.get(code="L1")
    assert (p.sponsor_member, p.sponsor) == (leader, "韩立新")
    r = api_for(world.staff1).post("/api/v1/projects/", {**_form(world, code="L2"), "sponsor_member": other.pk},
                                   format="json")
    assert r.status_code == 201, r.content
    assert Project.objects.get(code="L2").sponsor == "许文博"
    # refused, naming the field: a leader of another zone, a member who is not a leader
    for bad in (leader_b, world.staff1):
        r = client_for(world.staff1).post("/projects/new/", _form(world, code="L3", sponsor_member=bad.pk))
        assert r.status_code == 200 and "sponsor_member" in r.context["form"].errors
        r = api_for(world.staff1).post("/api/v1/projects/", {**_form(world, code="L3"), "sponsor_member": bad.pk},
                                       format="json")
        assert r.status_code == 400 and "sponsor_member" in r.json()
    assert not Project.objects.filter(code="L3").exists()


def test_sponsor_text_links_the_one_leader_of_that_name_and_stays_where_none(world, leaders):
    leader, other, _b = leaders
    kw = dict(category="industry", unit=world.street1)
    p = project_create(member=world.office, zone=world.zone_a, code="T1", name="甲", sponsor="许文博", **kw)
    assert p.sponsor_member == other
    q = project_create(member=world.office, zone=world.zone_a, code="T2", name="乙", sponsor="王主任", **kw)
    assert (q.sponsor_member, q.sponsor) == (None, "王主任")
    q = project_update(member=world.office, project=q, sponsor="韩立新")
    q.refresh_from_db()
    assert q.sponsor_member == leader
    q = project_update(member=world.office, project=q, name="乙项目")  # other changes keep the sponsor
    q.refresh_from_db()
    assert (q.sponsor_member, q.sponsor) == (leader, "韩立新")


def test_migration_links_names_and_keeps_the_rest(world, leaders):
    from django.apps import apps

    leader, other, _b = leaders
    kw = dict(category="industry", unit=world.street1)
    p1 = project_create(member=world.office, zone=world.zone_a, code="M1", name="甲", **kw)
    p2 = project_create(member=world.office, zone=world.zone_a, code="M2", name="乙", **kw)
    Project.objects.filter(pk=p1.pk).update(sponsor="许文博", sponsor_member=None)
    Project.objects.filter(pk=p2.pk).update(sponsor="不在册的领导", sponsor_member=None)
    migration = importlib.import_module("tuijin.projects.migrations.0004_sponsor_member")
    migration.link_sponsors(apps, None)
    assert Project.objects.get(pk=p1.pk).sponsor_member == other
    assert Project.objects.values_list("sponsor_member", "sponsor").get(pk=p2.pk) == (None, "不在册的领导")


def test_sponsored_page_and_ledger_filter(world, leaders, client_for):
    from tuijin.tickets import services as tickets

    leader, other, leader_b = leaders
    Zone.objects.filter(pk=world.zone_a.pk).update(as_of=dt.date(2023, 8, 8))
    kw = dict(category="industry", planned_investment=Decimal(1000))
    late = project_create(member=world.office, zone=world.zone_a, code="S1", name="滞后项目", unit=world.street1,
                          sponsor_member=leader, started_planned=dt.date(2023, 5, 1), **kw)
    project_create(member=world.office, zone=world.zone_a, code="S2", name="别人的项目", unit=world.street2,
                   sponsor_member=other, **kw)
    project_create(member=world.office, zone=world.zone_a, code="S3", name="枚乘项目", unit=world.street2,
                   sponsor_member=leader, **kw)
    tickets.ticket_raise(member=world.office, zone=world.zone_a, title="施工许可办理慢", assignee_unit=world.street1,
                         project=late, deadline=dt.date(2030, 1, 1))
    r = client_for(world.leader).get("/projects/sponsored/")
    rows = r.context["rows"]
    assert [x["project"].code for x in rows] == ["S1", "S3"]
    assert rows[0]["light"] == "red" and "逾期99天未开工" in rows[0]["reason"] and rows[0]["open_tickets"] == 1
    assert "我包挂的项目" in r.content.decode()
    r = client_for(world.office).get(f"/projects/sponsored/?leader={other.pk}")
    assert [x["project"].code for x in r.context["rows"]] == ["S2"]
    # a street sees its own projects of the leader; another zone's leader is not there to open
    r = client_for(world.staff1).get(f"/projects/sponsored/?leader={leader.pk}")
    assert [x["project"].code for x in r.context["rows"]] == ["S1"]
    assert client_for(world.office).get(f"/projects/sponsored/?leader={leader_b.pk}").status_code == 404
    assert client_for(world.office_b).get(f"/projects/sponsored/?leader={leader.pk}").status_code == 404
    for bad in ("x", "-1", "99999999999", "1e3"):
        assert client_for(world.office).get(f"/projects/sponsored/?leader={bad}").status_code == 404
    r = client_for(world.office).get(f"/projects/?sponsor={leader.pk}")
    page = r.content.decode()  # by name: a code as short as "S2" may turn up in the page's random CSRF token
    assert "滞后项目" in page and "枚乘项目" in page and "别人的项目" not in page
    r = client_for(world.office).get("/api/v1/projects/?sponsor=abc")
    r = client_for(world.office).get(f"/api/v1/projects/?sponsor={leader.pk}")
    assert {x["code"] for x in r.json()["results"]} == {"S1", "S3"}


def test_escalation_goes_to_the_projects_leader(world, leaders):
    from tuijin.tickets import services as tickets
    from tuijin.tickets.tests.test_tickets import as_member
    from tuijin.tickets.models import Ticket

    leader, *_ = leaders
    p = project_create(member=world.office, zone=world.zone_a, code="E1", name="甲", category="industry",
                       unit=world.street1)
    Project.objects.filter(pk=p.pk).update(sponsor_member=leader, sponsor="旧名字")
    with as_member(world.office):
        t = tickets.ticket_raise(member=world.office, zone=world.zone_a, title="用地指标未落实",
                                 assignee_unit=world.street1, project=p, deadline=timezone.localdate())
    Ticket.objects.filter(pk=t.pk).update(ack_due=timezone.now() - dt.timedelta(hours=1))
    assert tickets.tickets_escalate(zone=world.zone_a) == 1
    t.refresh_from_db()
    assert t.sponsor == "韩立新" and tickets.escalation_leader(t) == leader
    assert "已提请韩立新督办" in t.events.order_by("-id").first().note


@pytest.fixture
def template(world):
    tpl = NodePlanTemplate.objects.create(zone=world.zone_a, name="产业项目节点计划", category="industry")
    a = TemplateNode.objects.create(zone=world.zone_a, template=tpl, seq=1, name="立项备案", duration_days=30)
    TemplateNode.objects.create(zone=world.zone_a, template=tpl, seq=2, name="施工许可", duration_days=60, after=a)
    return tpl


def test_node_plan_from_the_project_page(world, template, client_for):
    Zone.objects.filter(pk=world.zone_a.pk).update(as_of=dt.date(2023, 8, 8))
    world.zone_a.refresh_from_db()
    p = project_create(member=world.office, zone=world.zone_a, code="N1", name="甲", category="industry",
                       unit=world.street1)
    c = client_for(world.staff1)
    assert 'id="apply-template"' in c.get(f"/projects/{p.pk}/").content.decode()
    r = c.post(f"/projects/{p.pk}/", {"action": "apply_template", "template": template.pk, "start": "2023-05-01"})
    assert r.status_code == 302
    nodes = list(p.nodes.order_by("seq").values_list("name", "planned_start", "planned_date"))
    assert nodes == [("立项备案", dt.date(2023, 5, 1), dt.date(2023, 5, 31)),
                     ("施工许可", dt.date(2023, 5, 31), dt.date(2023, 7, 30))]
    lag = lag_map([p], zone=world.zone_a)[p.pk]
    assert lag["light"] == "red" and "逾期69天未立项备案" in lag["reason"]  # the lag engine reads the nodes
    first, second = p.nodes.order_by("seq")
    r = c.post(f"/projects/{p.pk}/", {"action": "node", "node": first.pk, "planned_date": "2023-05-31",
                                      "actual_date": "2023-05-20"})
    assert r.status_code == 302
    r = c.post(f"/projects/{p.pk}/", {"action": "node", "node": second.pk, "planned_date": "2023-09-30",
                                      "actual_date": ""})
    assert r.status_code == 302
    lag = lag_map([p], zone=world.zone_a)[p.pk]
    assert lag["light"] == "green" and lag["days_late"] == 0
    # refused, nothing changed: done after today, a finish before the start, a date that is none
    for bad in ({"actual_date": "2023-09-01"}, {"planned_date": "2023-05-01"}, {"actual_date": "2023-02-30"}):
        r = c.post(f"/projects/{p.pk}/", {"action": "node", "node": second.pk, **bad}, follow=True)
        assert r.status_code == 200 and r.context["messages"]
    second.refresh_from_db()
    assert (second.planned_date, second.actual_date) == (dt.date(2023, 9, 30), None)
    # another street, the leader and another zone cannot change the plan
    for member, code in ((world.staff2, 404), (world.leader, 404), (world.office_b, 404)):
        r = client_for(member).post(f"/projects/{p.pk}/", {"action": "node", "node": second.pk,
                                                           "actual_date": "2023-08-01"})
        assert r.status_code in (302, 403, 404)
    second.refresh_from_db()
    assert second.actual_date is None
    other_tpl = NodePlanTemplate.objects.create(zone=world.zone_b, name="乙区模板", category="industry")
    r = c.post(f"/projects/{p.pk}/", {"action": "apply_template", "template": other_tpl.pk, "start": "2023-05-01"},
               follow=True)
    assert "请选择本区的节点计划模板" in r.content.decode() and p.nodes.count() == 2
