"""`tuijin demo` builds the seeds' zones, and the demo accounts work as the README says."""
import pytest
from django.core.management import call_command

from tuijin.org.models import Member, Unit
from tuijin.core.models import Zone


@pytest.fixture
def demo(db):
    call_command("demo", verbosity=0)


def test_zones_and_units_from_the_seeds(demo):
    assert set(Zone.objects.values_list("code", flat=True)) >= {"jiaxing", "jiangyan", "huaian", "jimo", "shifan"}
    jiaxing = set(Unit.objects.filter(zone__code="jiaxing").values_list("name", flat=True))
    assert {"城南街道", "嘉北街道", "塘汇街道", "长水街道", "区投资促进中心", "区发展改革局", "区建设交通局"} <= jiaxing
    huaian = set(Unit.objects.filter(zone__code="huaian").values_list("name", flat=True))
    assert {"钵池街道", "枚乘街道", "区市场监督管理局"} <= huaian


@pytest.mark.parametrize("username, sees", [
    ("admin", {"jiaxing", "jiangyan", "huaian", "jimo", "shifan", "taizhou", "jiangyanqu", "jiangyan-tech"}),
    ("taizhou", {"taizhou", "jiangyanqu", "jiangyan", "jiangyan-tech"}),  # the city office: the zones below it
    ("jiangyan", {"jiangyan"}),
    ("office", {"huaian"}),
    ("leader", {"huaian"}),
    ("street", {"huaian"}),
])
def test_demo_accounts_sign_in_and_see_their_scope(demo, client, username, sees):
    r = client.post("/accounts/login/", {"username": username, "password": "tuijin2026"})
    assert r.status_code == 302, r.content.decode()[:500]
    member = Member.objects.get(user__username=username)
    assert not member.must_change_password
    assert set(Unit.objects.restrict(member).values_list("zone__code", flat=True)) == sees


def test_street_account_sees_only_its_street(demo):
    member = Member.objects.get(user__username="street")
    assert list(Unit.objects.restrict(member).values_list("name", flat=True)) == ["钵池街道"]


def test_demo_is_deterministic_and_refuses_to_run_twice(demo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("demo", verbosity=0)
    call_command("demo", "--if-empty", verbosity=0)  # make demo's path: a no-op on a built database


def test_scale_adds_synthetic_zones_of_forty_units(demo):
    call_command("demo", "--scale", "2", verbosity=0)
    assert Zone.objects.filter(code__in=["z001", "z002"]).count() == 2
    assert Unit.objects.filter(zone__code="z001").count() == 40


def test_zone_switcher_for_all_zone_members(demo, client):
    client.post("/accounts/login/", {"username": "admin", "password": "tuijin2026"})
    jimo = Zone.objects.get(code="jimo")
    client.post("/zone/", {"zone": jimo.pk, "next": "/org/units/"})
    html = client.get("/org/units/").content.decode()
    assert "即墨经济开发区" in html and "经济发展部" in html and "钵池街道" not in html


def test_zone_switcher_refuses_a_zone_out_of_scope(demo, client):
    client.post("/accounts/login/", {"username": "office", "password": "tuijin2026"})
    jimo = Zone.objects.get(code="jimo")
    assert client.post("/zone/", {"zone": jimo.pk}).status_code == 403


def test_project_progress_month_figures_add_up_to_the_year(demo):
    """本月 is what 本年累计 grows by: no month shows 0 while the year's total rises (the demo as the service)."""
    from collections import defaultdict

    from tuijin.projects.models import ProjectProgress

    running: dict = defaultdict(int)
    rows = ProjectProgress.objects.order_by("project_id", "year", "month").values_list(
        "project_id", "year", "invested_month", "invested_ytd")
    assert rows
    for project, year, month_amount, ytd in rows:
        running[project, year] += month_amount
        assert ytd == running[project, year], (project, year)
