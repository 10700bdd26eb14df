"""Every list page gives its rows as Excel (the member's scope and the page's filters), and the ticket inbox finds
tickets by keyword, unit, project and lapse."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from tuijin.tickets.models import Ticket
from tuijin.tickets.services import ticket_raise


def _sheet(response) -> list[tuple]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


@pytest.fixture
def tickets(world):
    today = dt.date.today()
    a = ticket_raise(member=world.office, zone=world.zone_a, title="道路积水影响企业出行", assignee_unit=world.street1,
                     deadline=today + dt.timedelta(days=1), enterprise="=HYPERLINK(\"x\")")
    Ticket.objects.filter(pk=a.pk).update(deadline=today - dt.timedelta(days=3))  # time has passed
    b = ticket_raise(member=world.office, zone=world.zone_a, title="用电增容", assignee_unit=world.street2,
                     deadline=today + dt.timedelta(days=10))
    return a, b


@pytest.mark.django_db
def test_ticket_inbox_export_follows_scope_and_filters(world, tickets, client_for):
    rows = _sheet(client_for(world.office).get("/tickets/?format=xlsx"))
    titles = {r[0] for r in rows[1:]}
    assert rows[0][0] == "督办事项" and titles == {"道路积水影响企业出行", "用电增容"}
    assert any(r[7] == "'=HYPERLINK(\"x\")" for r in rows[1:])  # a formula-like name stays text
    assert {r[0] for r in _sheet(client_for(world.staff1).get("/tickets/?format=xlsx"))[1:]} == {"道路积水影响企业出行"}
    filtered = _sheet(client_for(world.office).get("/tickets/?format=xlsx&q=用电"))
    assert [r[0] for r in filtered[1:]] == ["用电增容"]


@pytest.mark.django_db
def test_ticket_inbox_search_unit_and_overdue(world, tickets, client_for):
    c = client_for(world.office)
    html = c.get("/tickets/?q=积水").content.decode()
    assert "道路积水影响企业出行" in html and "用电增容" not in html
    html = c.get(f"/tickets/?unit={world.street2.pk}").content.decode()
    assert "用电增容" in html and "道路积水影响企业出行" not in html
    html = c.get("/tickets/?overdue=1").content.decode()
    assert "道路积水影响企业出行" in html and "用电增容" not in html
    assert c.get("/tickets/?overdue=abc&q=" + "x" * 500).status_code == 200  # a bad filter: an empty list, no 500


@pytest.mark.django_db
def test_members_lagging_and_run_exports(world, client_for):
    from tuijin.assessment import services

    members = _sheet(client_for(world.office).get("/org/members/export/"))
    assert "t_staff1" in {r[0] for r in members[1:]}
    lagging = _sheet(client_for(world.office).get("/projects/lagging/?format=xlsx"))
    assert lagging[0][:3] == ("项目编号", "项目名称", "责任单位")
    scheme = services.scheme_save(member=world.office, zone=world.zone_a, yaml_text=(
        "code: t\nname: 测试考核\nunit_column: 单位\nmissing: drop\naggregation: sum\n"
        "tree: {code: total, children: [{code: a, name: 项目A, points: 10, rule: {type: value}}]}\n"))
    run = services.run_create(member=world.office, scheme=scheme, title="2023年度考核", year=2023,
                              rows=[["单位", "a"], ["钵池街道", 9], ["枚乘街道", None]])
    rows = _sheet(client_for(world.office).get(f"/assessment/runs/{run.pk}/?format=xlsx"))
    assert rows[0] == ("分组", "名次", "单位", "得分", "等次")
    assert [r[1:4] for r in rows[1:]] == [(1, "钵池街道", 9), (None, "枚乘街道", None)] and rows[2][4] == "无数据"
    services.run_publish(member=world.office, run=run)
    own = _sheet(client_for(world.staff1).get(f"/assessment/runs/{run.pk}/?format=xlsx"))
    assert [r[2] for r in own[1:]] == ["钵池街道"]  # a street's export holds its own line only


@pytest.mark.django_db
def test_bulk_acknowledge_and_close_from_the_inbox(world, tickets, client_for):
    from tuijin.tickets.services import ticket_step

    a, b = tickets
    other = ticket_raise(member=world.office_b, zone=world.zone_b, title="另一开发区的事项",
                         assignee_unit=world.street_b, deadline=dt.date.today() + dt.timedelta(days=5))
    # the street acknowledges both of its tickets at once; the other street's and the other zone's are refused by name
    r = client_for(world.staff1).post("/tickets/", {"ids": [a.pk, b.pk, other.pk], "action": "acknowledge",
                                                    "next": "open=1"}, follow=True)
    assert r.redirect_chain[-1][0] == "/tickets/?open=1"
    a.refresh_from_db(), b.refresh_from_db(), other.refresh_from_db()
    assert a.state == Ticket.State.ACKNOWLEDGED and b.state == Ticket.State.ASSIGNED
    assert other.state == Ticket.State.ASSIGNED
    text = r.content.decode()
    assert "已办理1个事项" in text and text.count("事项不存在,或不在您的数据权限范围内") == 2
    # 销号 of an unresolved ticket is refused with the single step's own words; a resolved one is closed
    ticket_step(member=world.staff1, ticket=a, action="resolve", note="已修复排水")
    r = client_for(world.office).post("/tickets/", {"ids": [a.pk, b.pk], "action": "close"}, follow=True)
    a.refresh_from_db(), b.refresh_from_db()
    assert a.state == Ticket.State.CLOSED and b.state == Ticket.State.ASSIGNED
    assert "用电增容" in r.content.decode()
    assert client_for(world.office).post("/tickets/", {"ids": ["x"], "action": "close"}).status_code == 302
    assert client_for(world.office).post("/tickets/", {"ids": [a.pk], "action": "delete"}).status_code == 302
