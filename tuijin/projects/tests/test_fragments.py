"""The ledger and the lagging list keep their rendered tables in the shared cache (``core.cache.fragment_key``):
a write shows at once, and no member is ever served another member's rows."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import RequestFactory

from tuijin.core.cache import fragment_key
from tuijin.projects import services
from tuijin.projects.models import Project

TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return TOKEN.sub(r"\1…", response.content.decode())


@pytest.mark.django_db
class TestLedgerFragments:
    def test_the_cached_page_is_the_page_and_a_write_shows_at_once(self, world, projects, client_for):
        c = client_for(world.office)
        first = _page(c, "/projects/")
        assert "华瑞新能源项目" in first and "乙区项目" not in first
        assert _page(c, "/projects/") == first  # served from the cache: the same bytes
        services.project_update(member=world.office, project=projects[0], name="华瑞新能源二期项目")
        again = _page(c, "/projects/")
        assert "华瑞新能源二期项目" in again and "华瑞新能源项目<" not in again
        services.project_create(member=world.office, zone=world.zone_a, code="P009", name="新签约项目",
                                category="industry", unit=world.street2, planned_investment=Decimal(1000))
        assert "新签约项目" in _page(c, "/projects/")
        assert "新签约项目" in _page(c, "/projects/?q=新签约") and "华瑞" not in _page(c, "/projects/?q=新签约")

    def test_a_unit_rename_shows_on_the_ledger(self, world, projects, client_for):
        from tuijin.core.scope import SYSTEM
        from tuijin.org.services import unit_update

        c = client_for(world.office)
        assert "钵池街道" in _page(c, "/projects/")
        unit_update(member=SYSTEM, unit=world.street1, name="钵池新街道")
        assert "钵池新街道" in _page(c, "/projects/")

    def test_never_shared_across_members_scopes_or_zones(self, world, projects, client_for):
        office, street, other_zone = client_for(world.office), client_for(world.staff1), client_for(world.office_b)
        for url in ("/projects/", "/projects/lagging/"):
            office_page = _page(office, url)  # fills the cache first
            street_page = _page(street, url)
            assert street_page != office_page
            assert "枚乘邻里中心" not in street_page and "乙区项目" not in street_page
            zone_b_page = _page(other_zone, url)
            assert "华瑞新能源项目" not in zone_b_page and "钵池街道" not in zone_b_page
        assert "枚乘邻里中心" in _page(office, "/projects/")
        assert "乙区项目" in _page(other_zone, "/projects/")

    def test_planted_text_stays_text_in_the_cached_fragment(self, world, projects, client_for):
        planted = "</script><img src=x onerror=alert(1)>"
        services.project_update(member=world.office, project=projects[0], name=planted, sponsor=planted)
        c = client_for(world.office)
        for url in ("/projects/", "/projects/?q=onerror"):
            for _ in range(2):  # rendered, then served from the cache
                html = _page(c, url)
                assert planted not in html and "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html

    def test_the_lagging_list_follows_progress_and_the_as_of_date(self, world, projects, client_for):
        c = client_for(world.office)
        world.zone_a.as_of = dt.date(2023, 6, 1)
        world.zone_a.save()
        lagging = _page(c, "/projects/lagging/")
        assert "恒信智造项目" in lagging  # started was due 2023-05-01 and is not done
        services.project_update(member=world.office, project=Project.objects.get(pk=projects[1].pk),
                                started_actual=dt.date(2023, 5, 20))
        assert "恒信智造项目" not in _page(c, "/projects/lagging/")
        world.zone_a.as_of = dt.date(2023, 4, 1)
        world.zone_a.save()
        assert "2023-04-01" in _page(c, "/projects/lagging/")


@pytest.mark.django_db
def test_fragment_key_varies_on_member_zone_language_address_and_version(world):
    from django.utils import translation

    def request(member, url="/projects/", zone=None):
        r = RequestFactory().get(url)
        r.member, r.zone = member, zone or member.zone
        return r

    base = fragment_key(request(world.office), "v1")
    assert fragment_key(request(world.office), "v1") == base
    assert fragment_key(request(world.leader), "v1") != base  # same zone and scope, another member
    assert fragment_key(request(world.office), "v2") != base
    assert fragment_key(request(world.office, "/projects/?page=2"), "v1") != base
    assert fragment_key(request(world.office, "/projects/lagging/"), "v1") != base
    assert fragment_key(request(world.admin, zone=world.zone_a), "v1") != \
        fragment_key(request(world.admin, zone=world.zone_b), "v1")
    with translation.override("en"):
        assert fragment_key(request(world.office), "v1") != base
    world.office.role = world.office.Role.LEADER
    world.office.save()
    assert fragment_key(request(world.office), "v1") != base


@pytest.mark.django_db
class TestProgressFormFragment:
    """The project page keeps its empty progress form (the unit picker above all) with ``{% cache %}``, keyed by
    member, address, language, the zone's units and the as-of month."""

    def _form(self, html):
        start = html.index('name="action" value="progress"')
        return html[start:html.index("</form>", start)]

    def test_the_cached_form_is_the_form_and_unit_changes_show_at_once(self, world, projects, client_for):
        from tuijin.core.scope import SYSTEM
        from tuijin.org.services import unit_create, unit_update
        from tuijin.org.models import Unit

        c, url = client_for(world.office), f"/projects/{projects[0].pk}/"
        first = _page(c, url)
        assert "经济发展局" in self._form(first)
        assert _page(c, url) == first  # served from the cache: the same bytes
        unit_update(member=SYSTEM, unit=world.dept, name="经济发展和改革局")
        assert "经济发展和改革局" in self._form(_page(c, url))
        unit_create(member=SYSTEM, zone=world.zone_a, name="自然资源局", kind=Unit.Kind.DEPARTMENT,
                    parent=world.office_unit)
        assert "自然资源局" in self._form(_page(c, url))
        unit_update(member=SYSTEM, unit=world.dept, is_active=False)
        assert "经济发展和改革局" not in self._form(_page(c, url))

    def test_the_month_follows_the_as_of_date(self, world, projects, client_for):
        c, url = client_for(world.office), f"/projects/{projects[0].pk}/"
        world.zone_a.as_of = dt.date(2023, 6, 15)
        world.zone_a.save()
        assert 'name="month" value="6"' in self._form(_page(c, url))
        world.zone_a.as_of = dt.date(2023, 9, 1)
        world.zone_a.save()
        form = self._form(_page(c, url))
        assert 'name="month" value="9"' in form and 'name="month" value="6"' not in form

    def test_a_form_with_errors_is_drawn_anew_then_the_empty_one_again(self, world, projects, client_for):
        c, url = client_for(world.office), f"/projects/{projects[0].pk}/"
        empty = self._form(_page(c, url))
        r = c.post(url, {"action": "progress", "year": "2023", "month": "13", "invested_month": "12.5",
                         "physical_progress": "主体封顶"})
        assert r.status_code == 200
        bound = self._form(TOKEN.sub(r"\1…", r.content.decode()))
        assert "主体封顶" in bound and 'value="13"' in bound and "text-danger" in bound
        assert self._form(_page(c, url)) == empty

    def test_never_shared_across_members_or_zones(self, world, projects, client_for):
        from tuijin.projects.services import project_create

        a = _page(client_for(world.office), f"/projects/{projects[0].pk}/")  # fills the cache first
        assert "钵池街道" in self._form(a)
        b = _page(client_for(world.office_b), f"/projects/{projects[3].pk}/")
        assert "城南街道" in self._form(b) and "钵池街道" not in self._form(b)
        street = client_for(world.staff1)
        assert "钵池街道" in self._form(_page(street, f"/projects/{projects[0].pk}/"))
        assert client_for(world.staff2).get(f"/projects/{projects[0].pk}/").status_code == 404
        leader = _page(client_for(world.leader), f"/projects/{projects[0].pk}/")
        assert 'value="progress"' not in leader  # a leader reads: no form, cached or not
        other = project_create(member=world.office, zone=world.zone_a, code="P010", name="另一项目",
                               category="industry", unit=world.street1, planned_investment=Decimal(100))
        form = self._form(_page(client_for(world.office), f"/projects/{other.pk}/"))
        assert f"project={other.pk}" in form and f"project={projects[0].pk}" not in form  # the picker's address

    def test_planted_unit_name_stays_text(self, world, projects, client_for):
        from tuijin.core.scope import SYSTEM
        from tuijin.org.services import unit_update

        planted = "<img src=x onerror=alert(1)>"
        unit_update(member=SYSTEM, unit=world.dept, name=planted)
        c = client_for(world.office)
        for _ in range(2):  # rendered, then served from the cache
            form = self._form(_page(c, f"/projects/{projects[0].pk}/"))
            assert planted not in form and "&lt;img src=x onerror=alert(1)&gt;" in form


@pytest.mark.django_db
class TestLaggingKey:
    """The lagging list is kept by ``projects_version``: everything it shows (projects, nodes, progress, the lag rule,
    units) changes the key; campaigns and members, which it does not show, need not."""

    def test_a_unit_rename_and_the_lag_rule_show_at_once(self, world, projects, client_for):
        from tuijin.core.scope import SYSTEM
        from tuijin.org.services import unit_update
        from tuijin.projects.models import LagRuleSetting

        world.zone_a.as_of = dt.date(2023, 6, 1)
        world.zone_a.save()
        c = client_for(world.office)
        page = _page(c, "/projects/lagging/")
        assert "恒信智造项目" in page and "华瑞新能源项目" not in page and "钵池街道" in page
        unit_update(member=SYSTEM, unit=world.street1, name="钵池新街道")
        assert "钵池新街道" in _page(c, "/projects/lagging/")
        # no progress filed for 120 days turns 华瑞 red once the rule says 100 days are too many (default: 45)
        Project.objects.filter(pk=projects[0].pk).update(last_progress=dt.date(2023, 2, 1),
                                                         updated=dt.datetime.now(dt.UTC))
        LagRuleSetting.objects.create(zone=world.zone_a, due_soon_days=15, stale_days=400)
        assert "华瑞新能源项目" not in _page(c, "/projects/lagging/")
        LagRuleSetting.objects.filter(zone=world.zone_a).update(stale_days=100, updated=dt.datetime.now(dt.UTC))
        assert "华瑞新能源项目" in _page(c, "/projects/lagging/")


@pytest.mark.django_db
class TestLedgerFilters:
    def test_no_filter_no_warning_and_the_choices_are_drawn(self, world, projects, client_for):
        c = client_for(world.office)
        html = _page(c, "/projects/")
        assert "alert-warning" not in html
        form = html[html.index('id="ledger-filters"'):html.index("</form>", html.index('id="ledger-filters"'))]
        assert f'<option value="{world.street1.pk}">钵池街道</option>' in form
        assert f'<option value="{world.street2.pk}">枚乘街道</option>' in form

    def test_a_malformed_filter_still_warns(self, world, projects, client_for):
        c = client_for(world.office)
        r = c.get("/projects/?unit=abc")
        html = r.content.decode()
        assert r.status_code == 200 and "alert-warning" in html and "华瑞新能源项目" not in html
