"""The indicator page is kept per member and address until something it shows changes
(``history.indicator_page_version``): a draft of another indicator leaves it alone, everything it shows appears at
once, and no member is served another's page."""
import re
from decimal import Decimal

import pytest

from tuijin.core.scope import SYSTEM
from tuijin.indicators import history
from tuijin.indicators.services import actual_save, target_set

URL = "/indicators/{}/?period=2023-07"


@pytest.fixture
def built(monkeypatch):
    """How many times an indicator page's data was worked out (not taken from the cache)."""
    calls = []
    real = history.indicator_trend
    monkeypatch.setattr(history, "indicator_trend", lambda **k: calls.append(k) or real(**k))
    return calls


def _page(client, code="general_budget_revenue"):
    r = client.get(URL.format(code))
    assert r.status_code == 200
    return re.sub(r'(X-CSRFToken": "|csrfmiddlewaretoken" value=")[^"]+', r"\1", r.content.decode())


@pytest.mark.django_db
class TestIndicatorPageKept:
    def test_another_indicators_draft_leaves_it_and_its_own_shows_at_once(self, world, filed, client_for, built):
        actual_save(member=world.staff2, unit=world.street2, indicator=filed["industrial_output"], year=2023,
                    month=7, ytd=Decimal("10"))  # the month opens (its period row is created) with a first filing
        c = client_for(world.office)
        first = _page(c)
        assert _page(c) == first and len(built) == 1  # kept
        actual_save(member=world.staff1, unit=world.street1, indicator=filed["industrial_output"], year=2023,
                    month=7, ytd=Decimal("12"))
        assert _page(c) == first and len(built) == 1  # another indicator's draft
        actual_save(member=world.staff1, unit=world.street1, indicator=filed["general_budget_revenue"], year=2023,
                    month=7, ytd=Decimal("6.5"))
        page = _page(c)
        assert len(built) == 2 and "6.50" in page and "草稿" in page

    def test_a_ratios_parts_targets_and_units_show_at_once(self, world, filed, client_for, built):
        c = client_for(world.office)
        _page(c, "tax_share")
        actual_save(member=SYSTEM, unit=world.street1, indicator=filed["tax_revenue"], year=2023, month=7,
                    ytd=Decimal("5.5"), approved=True)
        _page(c, "tax_share")
        assert len(built) == 2  # a part of the ratio changed
        page = _page(c)
        target_set(member=world.office, zone=world.zone_a, indicator=filed["general_budget_revenue"], year=2023,
                   value=Decimal("30"))
        assert _page(c) != page
        n = len(built)
        world.street1.name = "钵池新街道"
        world.street1.save()
        assert "钵池新街道" in _page(c) and len(built) == n + 1

    def test_members_are_not_served_each_others_page(self, world, filed, client_for):
        actual_save(member=world.staff1, unit=world.street1, indicator=filed["general_budget_revenue"], year=2023,
                    month=7, ytd=Decimal("6.5"))
        one, two = _page(client_for(world.staff1)), _page(client_for(world.staff2))
        assert ">钵池街道<" in one and ">钵池街道<" not in two and ">枚乘街道<" in two

    def test_a_missing_indicator_is_404_until_it_exists(self, world, filed, client_for):
        c = client_for(world.office)
        assert c.get(URL.format("no_such")).status_code == 404
        assert c.get(URL.format("no_such")).status_code == 404
