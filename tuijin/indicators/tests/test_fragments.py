"""The dispatch page keeps its rendered table in the shared cache, keyed by the dispatch's data version and the
member (``core.cache.fragment_key``): a filed figure shows at once, and a street never gets the zone's table."""
import re
from decimal import Decimal

import pytest

from tuijin.core.scope import SYSTEM
from tuijin.indicators.services import actual_save

TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')
URL = "/indicators/?period=2023-06"


def _page(client, url=URL):
    response = client.get(url)
    assert response.status_code == 200
    return TOKEN.sub(r"\1…", response.content.decode())


@pytest.mark.django_db
class TestDispatchFragment:
    def test_cached_page_is_the_page_and_a_filed_figure_shows_at_once(self, world, filed, client_for):
        c = client_for(world.office)
        first = _page(c)
        assert "5.60" in first
        assert _page(c) == first  # from the cache: the same bytes
        actual_save(member=SYSTEM, unit=world.street1, indicator=filed["general_budget_revenue"], year=2023,
                    month=6, ytd=Decimal("7.35"), approved=True)
        again = _page(c)
        assert "7.35" in again and again != first
        assert _page(c, URL + "&all=1") != again  # another address, another fragment

    def test_never_shared_between_the_office_and_a_street(self, world, filed, client_for):
        office = _page(client_for(world.office))  # fills the cache first
        assert "枚乘街道" in office
        street = _page(client_for(world.staff1))
        assert "钵池街道" in street and "枚乘街道" not in street
        other_zone = _page(client_for(world.office_b))
        assert "钵池街道" not in other_zone

    def test_a_lock_shows_at_once(self, world, filed, client_for):
        from tuijin.indicators.services import period_lock

        c = client_for(world.office)
        assert "bi-lock" not in _page(c)
        period_lock(member=world.office, zone=world.zone_a, year=2023, month=6,
                    exceptions={u.pk: "测试" for u in (world.dept,)})
        assert "bi-lock" in _page(c)
