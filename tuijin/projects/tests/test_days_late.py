"""Days late, defined once (docs/projects.md): the ledger, the lagging list, the project page and the selectors give
the same number, counted to the zone's as-of date; a project that has caught up is not lagging."""
import datetime as dt
import re
from decimal import Decimal

import pytest

from tuijin.core.models import Zone
from tuijin.projects import selectors, services
from tuijin.projects.models import ProjectNode

D = dt.date
AS_OF = D(2023, 7, 1)


@pytest.fixture
def late(world):
    """The zone stands at 2023-07-01. L1: start planned 2023-03-01, not started (122 days late); a node done late;
    L2: started 40 days late but started — caught up; L3: 注册 skipped, already started — not late."""
    Zone.objects.filter(pk=world.zone_a.pk).update(as_of=AS_OF)
    world.zone_a.refresh_from_db()
    make = dict(member=world.office, zone=world.zone_a, category="industry", unit=world.street1,
                planned_investment=Decimal(1000))
    l1 = services.project_create(code="L1", name="迟滞项目", signed_actual=D(2023, 1, 5), started_planned=D(2023, 3, 1),
                                 completed_planned=D(2024, 6, 1), **make)
    ProjectNode.objects.create(zone=world.zone_a, project=l1, seq=1, name="立项备案", planned_date=D(2023, 2, 1),
                               actual_date=D(2023, 2, 20))
    ProjectNode.objects.create(zone=world.zone_a, project=l1, seq=2, name="施工许可", planned_date=D(2023, 4, 1))
    l2 = services.project_create(code="L2", name="已追上项目", signed_actual=D(2023, 1, 5), started_planned=D(2023, 3, 1),
                                 started_actual=D(2023, 4, 10), **make)
    l3 = services.project_create(code="L3", name="跳过注册项目", signed_actual=D(2023, 1, 5),
                                 registered_planned=D(2023, 2, 1), started_planned=D(2023, 5, 1),
                                 started_actual=D(2023, 4, 28), **make)
    return l1, l2, l3


def cell(html: str, code: str) -> str:
    row = re.search(rf'<tr data-code="{code}">(.*?)</tr>', html, re.S)
    assert row, f"{code} not on the page"
    return re.search(r'<td class="num days-late">(.*?)</td>', row.group(1), re.S).group(1).strip()


@pytest.mark.django_db
def test_ledger_lagging_list_and_selector_agree(world, late, client_for):
    rows = {r["code"]: r for r in selectors.lagging_projects(member=world.office, zone=world.zone_a)}
    assert rows["L1"]["days_late"] == (AS_OF - D(2023, 3, 1)).days == 122
    lag = selectors.lag_map(selectors.project_list(member=world.office, zone=world.zone_a), zone=world.zone_a)
    assert lag[late[0].pk]["days_late"] == 122
    c = client_for(world.office)
    assert cell(c.get("/projects/lagging/").content.decode(), "L1") == "122"
    assert cell(c.get("/projects/").content.decode(), "L1") == "122"
    assert "逾期122天" in c.get(f"/projects/{late[0].pk}/").content.decode()
    # the reason leads with the checkpoint that decides the number
    assert rows["L1"]["reason"].startswith("计划开工日期2023-03-01已过,逾期122天未开工")


@pytest.mark.django_db
def test_caught_up_and_skipped_are_not_lagging(world, late, client_for):
    codes = {r["code"] for r in selectors.lagging_projects(member=world.office, zone=world.zone_a)}
    assert codes == {"L1"}
    lag = selectors.lag_map(selectors.project_list(member=world.office, zone=world.zone_a), zone=world.zone_a)
    assert lag[late[1].pk]["days_late"] == 0 and not lag[late[1].pk]["lagging"]
    assert lag[late[2].pk]["days_late"] == 0  # 注册 was skipped: the project has moved past it
    html = client_for(world.office).get("/projects/lagging/").content.decode()
    assert "(已追上)" not in html and 'data-code="L2"' not in html and "已追上项目" not in html
    assert cell(client_for(world.office).get("/projects/").content.decode(), "L2") == ""
    lagging = client_for(world.office).get("/projects/?lagging=1").content.decode()
    assert 'data-code="L1"' in lagging and 'data-code="L2"' not in lagging


@pytest.mark.django_db
def test_counted_to_a_given_date_looking_back(world, late):
    """The bulletin passes the end of its month: actual dates after it did not exist yet."""
    rows = {r["code"]: r for r in selectors.lagging_projects(member=world.office, zone=world.zone_a,
                                                             as_of=D(2023, 3, 31))}
    assert rows["L1"]["days_late"] == 30 and rows["L2"]["days_late"] == 30  # L2 started only on 04-10
    assert rows["L3"]["days_late"] == 58  # then, 注册 was due and the project had not moved past it


@pytest.mark.django_db
def test_zone_without_as_of_counts_to_today(world, late):
    from django.utils import timezone

    Zone.objects.filter(pk=world.zone_a.pk).update(as_of=None)
    rows = {r["code"]: r for r in selectors.lagging_projects(member=world.office, zone=Zone.objects.get(
        pk=world.zone_a.pk))}
    assert rows["L1"]["days_late"] == (timezone.localdate() - D(2023, 3, 1)).days
