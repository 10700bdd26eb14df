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
