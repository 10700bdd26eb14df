"""A stored value the services would refuse (written before the checks, or by hand in the database) does not break a
zone: every page of its month answers, shows it as 异常值 and leaves it out of the totals, and the office corrects it
on the filing page."""
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from tuijin.core.validators import AMOUNT_LIMIT, STORABLE_AMOUNT
from tuijin.indicators.dispatch import dispatch_table
from tuijin.indicators.models import Actual, Target
from tuijin.indicators.tests.test_monthly_loop import post_filing

BAD = Decimal("50000000000000")  # 5×10^13 万元: above what a service accepts, within what the column stores
PAGES = ["/indicators/?period=2023-06", "/indicators/?period=2023-06&format=xlsx",
         "/indicators/?period=2023-06&format=json", "/indicators/review/?period=2023-06",
         "/indicators/general_budget_revenue/?period=2023-06", "/dashboard/?period=2023-06",
         "/api/v1/dispatch/?zone=za&period=2023-06", "/api/v1/actuals/?year=2023"]


def _store_by_hand(model, **where_and_value):
    value = where_and_value.pop("value")
    field = "ytd" if model is Actual else "value"
    assert model.objects.filter(**where_and_value).update(**{field: value, "updated": timezone.now()}) == 1


def _street1_row(world, code="general_budget_revenue"):
    rows = dispatch_table(member=world.office, zone=world.zone_a, year=2023, month=6)
    unit = next(r for r in rows if r.unit_id == world.street1.pk and r.indicator_code == code)
    zone = next(r for r in rows if r.is_zone and r.indicator_code == code)
    return unit, zone


@pytest.mark.django_db
def test_a_figure_out_of_range_is_shown_as_abnormal_and_the_office_corrects_it(world, filed, client_for, api_for):
    assert AMOUNT_LIMIT < BAD <= STORABLE_AMOUNT
    rev = filed["general_budget_revenue"]
    _store_by_hand(Actual, unit=world.street1, indicator=rev, year=2023, month=6, value=BAD)

    unit, zone = _street1_row(world)
    assert unit.abnormal and unit.actual_ytd is None and "异常值" in unit.warning_reason
    assert zone.actual_ytd == Decimal("3.0")  # 枚乘街道's 3.0 only: the bad figure is not summed
    office = client_for(world.office)
    for url in PAGES:
        client = api_for(world.office) if url.startswith("/api/") else office
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
    page = office.get("/indicators/?period=2023-06").content.decode()
    assert "异常值" in page and "50000000000000" not in page
    staff = client_for(world.staff1).get("/indicators/?period=2023-06")
    assert staff.status_code == 200 and "异常值" in staff.content.decode()
    out = io.StringIO()
    call_command("dumpdata", "indicators.actual", stdout=out)
    assert "50000000000000" in out.getvalue()  # a backup holds it as it is

    # The office opens the unit's filing page (the stored value stands in its box) and files the right figure.
    r = office.get(f"/indicators/filing/?unit={world.street1.pk}&period=2023-06")
    assert r.status_code == 200
    r = post_filing(office, world.street1, "2023-06", {f"ytd_{rev.pk}": "5.8"})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Actual.objects.get(unit=world.street1, indicator=rev, year=2023, month=6).ytd == Decimal("58000")
    unit, zone = _street1_row(world)
    assert not unit.abnormal and unit.actual_ytd == Decimal("5.8")
    assert "异常值" not in office.get("/indicators/?period=2023-06").content.decode()


@pytest.mark.django_db
def test_a_target_out_of_range_is_no_target_and_every_page_answers(world, filed, client_for, api_for):
    rev = filed["general_budget_revenue"]
    _store_by_hand(Target, unit=world.street1, indicator=rev, year=2023, value=-BAD)
    unit, _zone = _street1_row(world)
    assert unit.abnormal and unit.target is None and unit.completion is None
    office = client_for(world.office)
    for url in PAGES + ["/indicators/targets/?year=2023&indicator=general_budget_revenue"]:
        client = api_for(world.office) if url.startswith("/api/") else office
        assert client.get(url).status_code == 200, url
