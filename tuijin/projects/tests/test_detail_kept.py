"""A project's page below its title is kept as rendered, forms and all (``{% kept %}``, keyed by the member, the day
and ``projects.views.project_version``): every change of what it shows, by anyone, shows at once; no member is ever
served another's page; each answer carries its own CSRF token."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import Client

from tuijin.campaigns.models import Campaign
from tuijin.core.scope import SYSTEM
from tuijin.org.services import member_update, unit_update
from tuijin.projects import selectors, services
from tuijin.projects.models import LagRuleSetting, NodePlanTemplate, ProjectNode
from tuijin.tickets import services as tickets

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ANY_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')


def _page(client, url):
    r = client.get(url)
    assert r.status_code == 200
    return r.content.decode()


def _plain(html):
    return ANY_TOKEN.sub(r"\1…", html)


@pytest.fixture
def url(projects):
    return f"/projects/{projects[0].pk}/"


def test_the_kept_page_is_the_page_and_reads_nothing_it_shows(world, projects, client_for, url, monkeypatch):
    c = client_for(world.office)
    first = _page(c, url)
    assert "华瑞新能源项目" in first and 'value="progress"' in first and 'id="timeline"' in first

    def unread(*args, **kwargs):
        raise AssertionError("the kept page read its lists again")

    monkeypatch.setattr(selectors, "lag_map", unread)
    assert _plain(_page(c, url)) == _plain(first)


def test_every_change_of_what_it_shows_shows_at_once(world, projects, client_for, url):
    from tuijin.tickets.models import Ticket

    p1 = projects[0]
    c = client_for(world.office)
    _page(c, url)
    services.progress_save(member=world.staff1, project=p1, year=2023, month=5, invested_month=Decimal(321),
                           physical_progress="主体封顶")
    assert "主体封顶" in _page(c, url)
    t = tickets.ticket_raise(member=world.office, zone=world.zone_a, title="电力增容未落实", assignee_unit=world.street1,
                             project=p1)
    assert "电力增容未落实" in _page(c, url) and "已交办" in _page(c, url)
    tickets.ticket_acknowledge(member=world.staff1, ticket=Ticket.objects.get(pk=t.pk))
    assert "已签收" in _page(c, url)
    template = NodePlanTemplate.objects.create(zone=world.zone_a, name="工业项目十一节点", category="industry")
    assert "工业项目十一节点" in _page(c, url)
    template.nodes.create(zone=world.zone_a, seq=1, name="能评批复", duration_days=30)
    services.nodes_apply_template(member=world.office, project=p1, template=template, start=dt.date(2023, 3, 1))
    assert "<td>能评批复</td>" in _page(c, url)
    node = ProjectNode.objects.get(project=p1)
    services.node_update(member=world.office, node=node, actual_date=dt.date(2023, 3, 20))
    assert 'name="actual_date" value="2023-03-20"' in _page(c, url)
    services.project_update(member=world.office, project=p1, name="华瑞新能源二期项目")
    page = _page(c, url)
    assert "</span> 华瑞新能源二期项目 <small" in page
    unit_update(member=SYSTEM, unit=world.street1, name="钵池新街道")
    assert "<dd class=\"col-8\">钵池新街道</dd>" in _page(c, url)
    campaign = Campaign.objects.create(zone=world.zone_a, year=2023, theme="项目落地年")
    services.project_update(member=world.office, project=p1, campaign=campaign)
    assert "项目落地年" in _page(c, url)
    Campaign.objects.filter(pk=campaign.pk).update(theme="工业服务年", updated=dt.datetime.now(dt.UTC))
    assert "工业服务年" in _page(c, url)


def test_the_lag_follows_the_rule_and_the_day(world, projects, client_for):
    from tuijin.core.models import Zone
    from tuijin.projects.models import Project

    p1 = projects[0]
    url = f"/projects/{p1.pk}/"
    Zone.objects.filter(pk=world.zone_a.pk).update(as_of=dt.date(2023, 6, 1), updated=dt.datetime.now(dt.UTC))
    Project.objects.filter(pk=p1.pk).update(last_progress=dt.date(2023, 2, 1), updated=dt.datetime.now(dt.UTC))
    c = client_for(world.office)
    assert "2023-06-01" in _page(c, url)
    LagRuleSetting.objects.create(zone=world.zone_a, due_soon_days=15, stale_days=400)
    assert 'id="lag-reason"' not in _page(c, url)
    LagRuleSetting.objects.filter(zone=world.zone_a).update(stale_days=100, updated=dt.datetime.now(dt.UTC))
    assert 'id="lag-reason"' in _page(c, url)
    Zone.objects.filter(pk=world.zone_a.pk).update(as_of=dt.date(2023, 7, 9), updated=dt.datetime.now(dt.UTC))
    assert "2023-07-09" in _page(c, url)


def test_a_bulk_update_and_the_day_alone_show_at_once(world, projects, client_for, url, monkeypatch):
    from tuijin.projects import views
    from tuijin.projects.models import Project

    c = client_for(world.office)
    _page(c, url)
    Project.objects.filter(pk=projects[0].pk).update(name="华瑞储能项目", updated=dt.datetime.now(dt.UTC))
    assert "</span> 华瑞储能项目 <small" in _page(c, url)
    monkeypatch.setattr(views, "as_of_date", lambda zone: dt.date(2031, 1, 2))  # the next day, nothing written
    assert "2031-01-02" in _page(c, url)


def test_a_renamed_member_shows_in_the_history(world, projects, client_for, url):
    c = client_for(world.office)
    services.project_update(member=world.office, project=projects[0], sponsor_member=world.leader)
    assert str(world.leader) in _page(c, url)
    member_update(member=SYSTEM, target=world.leader, full_name="王主任")
    assert "王主任" in _page(c, url)


def test_never_shared_across_members_or_zones(world, projects, client_for, url):
    office = _page(client_for(world.office), url)  # fills the cache first
    leader = _page(client_for(world.leader), url)
    street = _page(client_for(world.staff1), url)
    assert 'value="transition"' in office and 'value="transition"' not in leader and "csrfmiddlewaretoken" in street
    assert _plain(leader) != _plain(office)
    assert client_for(world.staff2).get(url).status_code == 404
    assert client_for(world.office_b).get(url).status_code == 404
    zone_b = _page(client_for(world.office_b), f"/projects/{projects[3].pk}/")
    assert "乙区项目" in zone_b and "华瑞新能源项目" not in zone_b


def test_each_answer_has_its_own_token_and_the_kept_forms_post(world, projects, url):
    c = Client(enforce_csrf_checks=True)
    c.force_login(world.office.user)
    first, second = _page(c, url), _page(c, url)
    tokens = set(TOKEN.findall(first)) | set(TOKEN.findall(second))
    assert len(set(TOKEN.findall(second))) == 1 and len(tokens) == 2  # one per answer, never the kept one
    assert "tjCsrfSlot" not in second
    token = TOKEN.findall(second)[0]
    r = c.post(url, {"csrfmiddlewaretoken": token, "action": "status", "status": "suspended", "reason": "资金未到位"})
    assert r.status_code == 302
    assert "资金未到位" in _page(c, url)


def test_planted_text_stays_text_on_the_kept_page(world, projects, client_for, url):
    planted = "</script><img src=x onerror=alert(1)>"
    services.project_update(member=world.office, project=projects[0], investor=planted)
    c = client_for(world.office)
    for _ in range(2):  # rendered, then served as kept
        html = _page(c, url)
        assert planted not in html and "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_history_row_alone_shows_at_once(world, projects, client_for, url):
    """The change history is read by its own part of the version: a row recorded without the project being saved
    (a bulk write's history, or any future path that writes one) shows on the next view."""
    from tuijin.core.changelog import record_bulk, snapshot

    c = client_for(world.office)
    _page(c, url)
    p = projects[0]
    before = snapshot(p)
    p.owner = "赵六顺"  # in memory only: the history says it changed, the row itself is not saved
    assert record_bulk([(p, "update", before)]) == 1
    assert "赵六顺" in _page(c, url)
