"""The project page's lists (nodes, stages, monthly progress, tickets) as each member sees them: the rows are worked
out in the view, the page shows what it always showed."""
import datetime as dt
import re
from decimal import Decimal

import pytest

from tuijin.core.models import Zone
from tuijin.projects import services
from tuijin.projects.models import ProjectNode


def _html(client, url):
    r = client.get(url)
    assert r.status_code == 200
    return r.content.decode()


def _table(html, table_id):
    start = html.index(f'id="{table_id}"')
    return html[start:html.index("</table>", start)]


@pytest.mark.django_db
def test_progress_rows_with_their_steps(world, projects, client_for):
    p1 = projects[0]
    g = services.progress_save(member=world.staff1, project=p1, year=2023, month=5, invested_month=Decimal("12345.6"),
                               physical_progress="桩基施工", problems="电力增容滞后")
    services.progress_save(member=world.staff1, project=p1, year=2023, month=6, invested_month=Decimal(700))
    url = f"/projects/{p1.pk}/"
    street = _table(_html(client_for(world.staff1), url), "progress")
    assert "<td>2023-05</td>" in street and "<td>2023-06</td>" in street
    assert '<td class="num">12346</td><td class="num">12346</td>' in street  # half-up, no decimals
    assert '<td class="num">700</td><td class="num">13046</td>' in street
    assert street.count('value="submit"') == 2 and "草稿" in street
    assert f"/tickets/new/?project={p1.pk}&amp;progress={g.pk}" in street  # supervise the problems
    leader = _table(_html(client_for(world.leader), url), "progress")
    assert 'value="submit"' not in leader and "/tickets/new/" not in leader and "电力增容滞后" in leader
    services.progress_submit(member=world.staff1, progress=g)
    office = _table(_html(client_for(world.office), url), "progress")
    assert office.count('value="approve"') == 1 and office.count('value="submit"') == 1
    assert 'value="approve"' not in _table(_html(client_for(world.staff1), url), "progress")
    services.progress_review(member=world.office, progress=g, approve=False, reason="<b>数据有误</b>")
    street = _table(_html(client_for(world.staff1), url), "progress")
    assert '<div class="text-danger">&lt;b&gt;数据有误&lt;/b&gt;</div>' in street and street.count('value="submit"') == 2


@pytest.mark.django_db
def test_nodes_stages_and_tickets(world, projects, client_for):
    from tuijin.tickets import services as tickets

    Zone.objects.filter(pk=world.zone_a.pk).update(as_of=dt.date(2023, 8, 8))
    p1 = projects[0]
    ProjectNode.objects.create(zone=world.zone_a, project=p1, seq=1, name="立项备案", planned_start=dt.date(2023, 5, 1),
                               planned_date=dt.date(2023, 5, 31))
    ProjectNode.objects.create(zone=world.zone_a, project=p1, seq=2, name="施工许可", planned_date=dt.date(2023, 9, 30),
                               actual_date=dt.date(2023, 7, 1))
    t = tickets.ticket_raise(member=world.office, zone=world.zone_a, title="用地<指标>未落实", assignee_unit=world.street1,
                             project=p1)
    url = f"/projects/{p1.pk}/"
    leader = _html(client_for(world.leader), url)
    nodes = _table(leader, "nodes")
    assert '<tr class="warn-red"><td>1</td><td>立项备案</td><td>2023-05-01</td><td>2023-05-31</td><td>—</td></tr>' in nodes
    assert '<tr class=""><td>2</td><td>施工许可</td><td></td><td>2023-09-30</td><td>2023-07-01</td></tr>' in nodes
    street = _table(_html(client_for(world.staff1), url), "nodes")
    assert 'name="planned_date" value="2023-05-31"' in street and 'name="actual_date" value=""' in street
    assert 'name="actual_date" value="2023-07-01"' in street
    timeline = _table(leader, "timeline")
    assert "<td>2023-02-01</td>" in timeline and "<td>2023-04-01</td><td>2023-04-05</td>" in timeline
    assert re.search(r'<tr class="warn-yellow"><td>[^<]+</td><td>2023-04-01</td><td>2023-04-05</td>', timeline)
    assert f'<a href="/tickets/{t.pk}/">用地&lt;指标&gt;未落实</a> · 已交办' in leader


@pytest.mark.django_db
def test_the_page_offers_changes_to_exactly_those_who_may_change(world, projects, client_for):
    """``can_change`` is read with the project (projects.selectors.project_page): the same answer as the change
    scope's own query, for every role and scope, in and out of the member's zone."""
    from tuijin.core.scope import CHANGE
    from tuijin.org.demo import make_member
    from tuijin.org.models import Member
    from tuijin.projects.models import Project

    subtree = make_member(username="t_subtree", unit=world.street1, role=Member.Role.STAFF, scope=Member.Scope.SUBTREE)
    members = [world.admin, world.office, world.leader, world.staff1, world.staff2, world.office_b, world.staff_b,
               subtree]
    seen = 0
    for member in members:
        c = client_for(member)
        for p in projects:
            r = c.get(f"/projects/{p.pk}/")
            if not Project.objects.restrict(member).filter(pk=p.pk).exists():
                assert r.status_code == 404
                continue
            seen += 1
            may = Project.objects.restrict(member, CHANGE).filter(pk=p.pk).exists()
            html = r.content.decode()
            assert ('id="edit-project"' in html) is may, (member.user.username, p.code)
            assert ('value="transition"' in html) is may and ('value="progress"' in html) is may
    assert seen >= 12


@pytest.mark.django_db
def test_a_project_of_another_zone_counts_to_its_own_zone_date(world, projects, client_for):
    """An administrator (all zones) opens a zone B project from zone A: the page works to zone B's date."""
    Zone.objects.filter(pk=world.zone_a.pk).update(as_of=dt.date(2023, 8, 8))
    Zone.objects.filter(pk=world.zone_b.pk).update(as_of=dt.date(2022, 3, 15))
    html = _html(client_for(world.admin), f"/projects/{projects[3].pk}/")
    assert 'name="year" value="2022"' in html and 'name="month" value="3"' in html
    html = _html(client_for(world.admin), f"/projects/{projects[0].pk}/")
    assert 'name="year" value="2023"' in html and 'name="month" value="8"' in html


@pytest.mark.django_db
def test_a_refusal_of_the_whole_filing_shows_on_the_form(world, projects, client_for):
    """A service's refusal that names no field is drawn at the top of the posted form."""
    p1 = projects[0]
    g = services.progress_save(member=world.staff1, project=p1, year=2023, month=5, invested_month=Decimal(10))
    services.progress_submit(member=world.staff1, progress=g)
    services.progress_review(member=world.office, progress=g, approve=True)
    r = client_for(world.staff1).post(f"/projects/{p1.pk}/", {"action": "progress", "year": "2023", "month": "5",
                                                              "invested_month": "20"})
    assert r.status_code == 200
    html = r.content.decode()
    form = html[html.index('name="action" value="progress"'):]
    assert form.index('<div class="alert alert-danger">') < form.index("</form>")
    assert "This filing has been approved" in form or "审核" in form


@pytest.mark.django_db
def test_the_history_is_the_described_change_log(world, projects, client_for):
    """The page's history reads the change log as plain rows (core.changelog.history_rows): the same rows, words and
    names as ``describe`` gives for the change log's records, a renamed unit included."""
    from tuijin.core.changelog import describe, history_for, history_rows
    from tuijin.core.scope import SYSTEM
    from tuijin.org.services import unit_update

    p1 = projects[0]
    services.project_update(member=world.office, project=p1, name="华瑞新能源<二期>项目", unit=world.street2,
                            is_foreign=True)
    unit_update(member=SYSTEM, unit=world.street2, name="枚乘新街道")
    plain = history_rows(p1)
    full = describe(history_for(p1).select_related("content_type"))
    assert len(plain) == len(full) >= 2
    for a, b in zip(plain, full, strict=True):
        assert (a.time, a.username, a.action, a.source_label, a.action_label, a.described) == \
            (b.time, b.username, b.action, b.source_label, b.action_label, b.described)
    assert any(d[1:3] == ("钵池街道", "枚乘新街道") for d in plain[0].described)
    html = _html(client_for(world.office), f"/projects/{p1.pk}/")
    history = html[html.index('id="change-history"'):]
    assert "枚乘新街道" in history and "华瑞新能源&lt;二期&gt;项目" in history
