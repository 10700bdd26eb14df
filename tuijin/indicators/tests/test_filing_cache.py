"""The filing page keeps the stored month's page as two fragments, and the unit's month read for it, keyed by
``selectors.filing_version`` and the member: every change of what the page shows (by anyone) shows at once, a
kept page never crosses members or zones, and a save never works from a stale read."""
import re
from decimal import Decimal

import pytest

from tuijin.core.scope import SYSTEM
from tuijin.indicators.services import actual_save, target_set

TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')
URL = "/indicators/filing/?period=2023-07"
REV = "general_budget_revenue"


def _page(client, url=URL):
    response = client.get(url)
    assert response.status_code == 200
    return TOKEN.sub(r"\1…", response.content.decode())


def _input(html: str, name: str) -> str | None:
    """The value shown in the input ``name`` (None: no such input)."""
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    return found.group(1) if found else None


@pytest.fixture
def street(world, filed, client_for):
    """The street's client, its page kept once already (July's period row made first: a filing makes it, which
    alone would change the page's version)."""
    from tuijin.core.periods import period_get

    period_get(world.zone_a, 2023, 7, create=True)
    c = client_for(world.staff1)
    first = _page(c)
    assert _page(c) == first  # from the cache: the same bytes
    return c


@pytest.mark.django_db
class TestFilingPageFollowsEveryChange:
    def test_a_figure_filed_by_another_member(self, world, filed, street):
        rev = filed[REV]
        assert _input(_page(street), f"ytd_{rev.pk}") == ""
        actual_save(member=world.office, unit=world.street1, indicator=rev, year=2023, month=7, ytd=Decimal("6.1"))
        html = _page(street)
        assert _input(html, f"ytd_{rev.pk}") == "6.1" and "草稿" in html

    def test_an_earlier_month_changed(self, world, filed, street):
        assert "5.60" in _page(street)  # last month's year to date
        actual_save(member=SYSTEM, unit=world.street1, indicator=filed[REV], year=2023, month=6, ytd=Decimal("5.9"),
                    approved=True)
        html = _page(street)
        assert "5.90" in html and "5.60" not in html

    def test_last_years_figure_filed(self, world, filed, street):
        rev = filed[REV]
        assert _input(_page(street), f"last_{rev.pk}") == ""  # not filed last July: asked for
        actual_save(member=SYSTEM, unit=world.street1, indicator=rev, year=2022, month=7, ytd=Decimal("4.4"),
                    approved=True)
        html = _page(street)
        assert _input(html, f"last_{rev.pk}") is None and "4.40" in html

    def test_a_target_set(self, world, filed, street):
        assert "10.00" in _page(street)
        target_set(member=world.office, zone=world.zone_a, indicator=filed[REV], year=2023, value=Decimal("12.5"),
                   unit=world.street1)
        assert "12.50" in _page(street)

    def test_an_indicator_renamed(self, world, filed, street):
        rev = filed[REV]
        rev.name = "一般公共预算收入(新口径)"
        rev.save()
        assert "一般公共预算收入(新口径)" in _page(street)

    def test_a_unit_renamed(self, world, filed, street, client_for):
        from tuijin.org.services import unit_update

        office = client_for(world.office)
        assert "枚乘街道" in _page(office)  # the office's unit picker
        unit_update(member=SYSTEM, unit=world.street2, name="枚乘新街道")
        assert "枚乘新街道" in _page(office)
        unit_update(member=SYSTEM, unit=world.street1, name="钵池新街道")
        assert "<strong>钵池新街道</strong>" in _page(street)  # the status line

    def test_the_month_locked_and_a_unit_confirmed_not_reported(self, world, filed, client_for):
        """Each row on its own (``period_lock`` writes both): the period row, then a 未报 confirmation alone."""
        from tuijin.core.periods import period_get
        from tuijin.indicators.models import FilingException

        period = period_get(world.zone_a, 2023, 7, create=True)
        c = client_for(world.staff1)
        html = _page(c)
        assert _page(c) == html and "bi-lock" not in html and 'value="save"' in html
        period.locked = True
        period.save()
        html = _page(c)
        assert "bi-lock" in html and 'value="save"' not in html and "停产检修" not in html
        FilingException.objects.create(zone=world.zone_a, period=period, unit=world.street1, reason="停产检修")
        assert "停产检修" in _page(c)


@pytest.mark.django_db
class TestFilingPageIsNeverShared:
    def test_not_between_members_or_zones(self, world, filed, client_for):
        office = _page(client_for(world.office), URL + f"&unit={world.street1.pk}")  # fills the cache first
        assert 'id="unit-select"' in office
        street = _page(client_for(world.staff1), URL + f"&unit={world.street1.pk}")
        assert 'id="unit-select"' not in street and "枚乘街道" not in street
        other_zone = _page(client_for(world.office_b))
        assert "钵池街道" not in other_zone


@pytest.mark.django_db
class TestSavesWorkFromTheStoredMonth:
    def test_a_figure_approved_meanwhile_is_not_taken_as_unchanged(self, world, filed, street):
        """The street opened the page with its draft of 6.1; the office approves 6.1 → 6.3 meanwhile. Sending the
        page's 6.1 again is a change now (refused: approved), not an unchanged figure skipped."""
        rev = filed[REV]
        actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=7, ytd=Decimal("6.1"))
        html = _page(street)
        assert _input(html, f"ytd_{rev.pk}") == "6.1"
        actual_save(member=SYSTEM, unit=world.street1, indicator=rev, year=2023, month=7, ytd=Decimal("6.3"),
                    approved=True)
        r = street.post("/indicators/filing/", {"unit": world.street1.pk, "period": "2023-07", "action": "save",
                                                f"ytd_{rev.pk}": "6.1"})
        assert r.status_code == 200 and "已审核通过,如需修改请联系办公室退回" in r.content.decode()

    def test_a_refused_form_is_drawn_anew_and_never_kept(self, world, filed, street):
        rev = filed[REV]
        r = street.post("/indicators/filing/", {"unit": world.street1.pk, "period": "2023-07", "action": "save",
                                                f"ytd_{rev.pk}": "abc"})
        html = r.content.decode()
        assert r.status_code == 200 and _input(html, f"ytd_{rev.pk}") == "abc" and "is-invalid" in html
        again = _page(street)
        assert _input(again, f"ytd_{rev.pk}") == "" and "is-invalid" not in again

    def test_a_cell_the_form_does_not_offer_is_refused(self, world, filed, street):
        """The catalogue is read only for such a cell (a computed indicator, another zone's): still refused."""
        for key, words in ((f"ytd_{filed['tax_share'].pk}", "税占比"), ("ytd_999999", "表单中有不属于本开发区的指标")):
            r = street.post("/indicators/filing/", {"unit": world.street1.pk, "period": "2023-07", "action": "save",
                                                    key: "1"})
            assert r.status_code == 200 and words in r.content.decode() and 'id="form-errors"' in r.content.decode()
