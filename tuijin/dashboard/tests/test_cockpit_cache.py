"""The cockpit keeps its rendered page in the shared cache (``core.cache.fragment_key`` over
``dashboard.selectors.CockpitReads.versions``), the ticket figures apart: every write it shows appears at once, the
kept page is the page computed from nothing, and no member is served another's."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuijin.core.models import Zone
from tuijin.core.scope import SYSTEM
from tuijin.dashboard.selectors import CockpitReads
from tuijin.indicators.services import actual_save, catalogue_install, target_set

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')
URL = "/dashboard/?period=2023-06"


def _page(client, url=URL) -> str:
    """The cockpit's own part of the page (the top bar's 待办 counts are kept by notifications, on their own terms)."""
    response = client.get(url)
    assert response.status_code == 200
    html = TOKEN.sub(r"\1…", response.content.decode())
    return html[html.index("<main"):html.index("</main>")]


def _fresh(client, url=URL) -> str:
    """The page computed from nothing: every kept part (and fragment) dropped first."""
    cache.clear()
    return _page(client, url)


@pytest.fixture
def cat(world):
    return {i.code: i for i in catalogue_install(zone=world.zone_a)}


@pytest.fixture
def filed(world, cat):
    """2023 targets and approved 1—6月 figures of both streets, the same month of 2022; a project of each street
    (one lagging)."""
    from tuijin.projects.services import project_create

    rev = cat["general_budget_revenue"]
    target_set(member=world.office, zone=world.zone_a, indicator=rev, year=2023, value=Decimal("20"))
    for unit, v23, v22 in ((world.street1, "5.6", "4.0"), (world.street2, "3.0", "3.5")):
        target_set(member=world.office, zone=world.zone_a, indicator=rev, year=2023, value=Decimal("10"), unit=unit)
        actual_save(member=SYSTEM, unit=unit, indicator=rev, year=2022, month=6, ytd=Decimal(v22), approved=True)
        actual_save(member=SYSTEM, unit=unit, indicator=rev, year=2023, month=6, ytd=Decimal(v23), approved=True)
    make = dict(category="industry", planned_investment=Decimal(20000), year_planned_investment=Decimal(5000))
    project_create(member=world.office, zone=world.zone_a, code="P001", name="华瑞新能源项目", unit=world.street1,
                   signed_actual=dt.date(2023, 2, 1), started_planned=dt.date(2023, 5, 1), **make)
    project_create(member=world.office, zone=world.zone_a, code="P002", name="枚乘邻里中心", unit=world.street2,
                   signed_actual=dt.date(2023, 1, 10), **make)
    return cat


@pytest.fixture
def renders(monkeypatch) -> list:
    """One entry each time a view reads the cockpit's figures, that is renders its kept fragments again."""
    calls, figures = [], CockpitReads.figures

    def counted(self):
        calls.append(self.member.pk)
        return figures(self)

    monkeypatch.setattr(CockpitReads, "figures", counted)
    return calls


def _both_streets(cat, indicator, year, month, values):
    for unit, value in values:
        actual_save(member=SYSTEM, unit=unit, indicator=cat[indicator], year=year, month=month, ytd=Decimal(value),
                    approved=True)


def _figure_of_the_month(world, cat):
    actual_save(member=SYSTEM, unit=world.street1, indicator=cat["general_budget_revenue"], year=2023, month=6,
                ytd=Decimal("7.35"), approved=True)


def _target(world, cat):
    target_set(member=world.office, zone=world.zone_a, indicator=cat["general_budget_revenue"], year=2023,
               value=Decimal("40"))


def _last_years_later_month(world, cat):  # only the trend's last-year line reads it (the dispatch: 1—6月)
    _both_streets(cat, "general_budget_revenue", 2022, 9, [(world.street1, "6.0"), (world.street2, "5.0")])


def _this_years_later_month(world, cat):  # only the trend's line reads it, once counted
    _both_streets(cat, "general_budget_revenue", 2023, 9, [(world.street1, "8.0"), (world.street2, "6.0")])


def _ticket(world, cat):
    from tuijin.tickets.services import ticket_raise

    ticket_raise(member=world.office, zone=world.zone_a, title="道路施工协调", assignee_unit=world.street1)


def _project(world, cat):
    from tuijin.projects.services import project_create

    project_create(member=world.office, zone=world.zone_a, code="P003", name="恒信智造项目", unit=world.street2,
                   category="industry", planned_investment=Decimal(1000), signed_actual=dt.date(2023, 3, 1))


def _stage_goal(world, cat):
    from tuijin.campaigns.models import Campaign
    from tuijin.campaigns.services import stage_goal_add

    campaign = Campaign.objects.create(zone=world.zone_a, year=2023, theme="项目落地年")
    stage_goal_add(member=world.office, campaign=campaign, kind="double_half", due=dt.date(2023, 6, 30),
                   indicator_codes=["general_budget_revenue"])


def _unit_renamed(world, cat):
    from tuijin.org.services import unit_update

    unit_update(member=SYSTEM, unit=world.street1, name="钵池新街道")


def _lock(world, cat):
    from tuijin.indicators.services import period_lock

    period_lock(member=world.office, zone=world.zone_a, year=2023, month=6, exceptions={world.dept.pk: "测试"})


def _zone_today(world, cat):  # days late are counted to the zone's today
    Zone.objects.filter(pk=world.zone_a.pk).update(as_of=dt.date(2024, 1, 31), updated=dt.datetime.now(dt.UTC))


WRITES = [_figure_of_the_month, _target, _last_years_later_month, _this_years_later_month, _ticket, _project,
          _stage_goal, _unit_renamed, _lock, _zone_today]


def test_the_kept_page_is_the_page(world, filed, client_for, renders):
    c = client_for(world.office)
    first = _page(c)
    assert "8.60" in first and "华瑞新能源项目" in first and 'id="cockpit-trend"' in first
    assert _page(c) == first and len(renders) == 1  # the second view: from the cache, nothing read again
    assert _fresh(c) == first


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__.strip("_"))
def test_every_write_shows_at_once(world, filed, client_for, write):
    c = client_for(world.office)
    before = _page(c)
    write(world, filed)
    after = _page(c)
    assert after != before, "the write does not change the page: the test proves nothing"
    assert after == _fresh(c)


def test_a_draft_of_a_later_month_keeps_the_page(world, filed, client_for, renders):
    """Units save drafts of the month being filed all day; the cockpit of a locked month shows none of them."""
    c = client_for(world.office)
    first = _page(c)
    actual_save(member=world.staff1, unit=world.street1, indicator=filed["general_budget_revenue"], year=2023,
                month=7, ytd=Decimal("6.4"))
    assert _page(c) == first and len(renders) == 1
    assert _fresh(c) == first


def test_a_progress_note_renders_only_the_ticket_figures(world, filed, client_for, renders):
    from tuijin.tickets.services import ticket_acknowledge, ticket_feedback, ticket_raise, ticket_resolve

    ticket = ticket_raise(member=world.office, zone=world.zone_a, title="道路施工协调", assignee_unit=world.street1)
    ticket_acknowledge(member=world.staff1, ticket=ticket)
    c = client_for(world.office)
    first = _page(c)
    assert "0/1 · 0%" in first
    ticket_feedback(member=world.staff1, ticket=ticket, note="已协调")
    assert _page(c) == first and len(renders) == 1
    ticket_resolve(member=world.staff1, ticket=ticket, resolution="已办结")
    resolved = _page(c)
    assert "1/1 · 100%" in resolved and len(renders) == 1  # the rest of the page still kept
    assert resolved == _fresh(c)


def _battle_map(page: str) -> str:
    return page[page.index('id="cockpit-battle"'):page.index("</table>", page.index('id="cockpit-battle"'))]


def test_never_shared_across_members_scopes_or_zones(world, filed, client_for):
    office = _page(client_for(world.office))  # fills the cache first
    assert "枚乘街道" in _battle_map(office)
    street = _page(client_for(world.staff1))
    assert "钵池街道" in _battle_map(street) and "枚乘街道" not in _battle_map(street)
    leader = client_for(world.leader)
    assert _page(leader) == _fresh(leader)
    other_zone = _page(client_for(world.office_b))
    assert "钵池街道" not in other_zone and "华瑞新能源项目" not in other_zone


def test_a_refused_month_is_kept_as_refused(world, filed, client_for):
    c = client_for(world.office)
    url = f"/dashboard/?period={dt.date.today().year + 1}-01"
    first = _page(c, url)
    assert "alert-warning" in first and '<script id="cockpit-tickets" type="application/json">[]</script>' in first
    assert _page(c, url) == first == _fresh(c, url)


def _version_tables(run) -> set[str]:
    """The tables whose data versions (``core.cache.table_version``) ``run`` reads."""
    with CaptureQueriesContext(connection) as queries:
        run()
    return {t for q in queries.captured_queries if 'MAX("updated") AS TEXT), COUNT(*)' in q["sql"]
            for t in re.findall(r'FROM "(\w+)"', q["sql"])}


def test_the_key_covers_every_version_of_what_the_cockpit_reads(world, filed):
    """When a part of the cockpit (the bulletin's data, the trend, the funnel) comes to read another table, its own
    version names it; the cockpit's must too, or its kept page would miss that table's changes."""
    from tuijin.bulletins.selectors import bulletin_data_cached
    from tuijin.indicators.history import indicator_trend_cached
    from tuijin.projects.selectors import cockpit_projects

    _lock(world, filed)
    zone, member = world.zone_a, world.office
    parts = _version_tables(lambda: (
        bulletin_data_cached(member=member, zone=zone, year=2023, month=6),
        indicator_trend_cached(member=member, zone=zone, indicator_code="general_budget_revenue", year=2023),
        cockpit_projects(member=member, zone=zone)))
    def versions():
        return CockpitReads(member=member, zone=zone, year=2023, month=6, as_of=dt.date(2023, 7, 10)).versions()

    versions()  # the trend's indicator is kept now: only the cockpit's own versions are read below
    assert parts and parts <= _version_tables(versions)


def test_the_next_day_shows_at_once(world, filed, client_for, monkeypatch):
    """Days late are counted to the zone's today, which moves by itself."""
    from django.utils import timezone

    c = client_for(world.office)
    before = _page(c)
    later = timezone.localdate() + dt.timedelta(days=40)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    after = _page(c)
    assert after != before and after == _fresh(c)


def test_the_trend_follows_its_indicator(world, filed, client_for):
    """The trend draws the month's first main indicator; once another one is first, its figures are the ones that
    change the kept page."""
    from django.utils import timezone

    from tuijin.indicators.models import Indicator

    _both_streets(filed, "trade_total", 2023, 6, [(world.street1, "12"), (world.street2, "8")])
    c = client_for(world.office)
    assert "一般公共预算收入" in _page(c)
    Indicator.objects.filter(zone=world.zone_a, code__in=["general_budget_revenue", "tax_share"]).update(
        is_main=False, updated=timezone.now())
    before = _page(c)
    assert '"name": "\\u8fdb\\u51fa\\u53e3\\u603b\\u989d"' in before  # 进出口总额, in the trend's JSON
    _both_streets(filed, "trade_total", 2023, 9, [(world.street1, "30"), (world.street2, "20")])
    after = _page(c)
    assert after != before and after == _fresh(c)


def test_the_ticket_figures_are_counted_to_the_zones_today(world, filed, client_for):
    c = client_for(world.office)
    _ticket(world, filed)
    assert "0/1 · 0%" in _page(c)
    _zone_today(world, filed)  # before the ticket was raised
    after = _page(c)
    assert "0/0 · —" in after and after == _fresh(c)
