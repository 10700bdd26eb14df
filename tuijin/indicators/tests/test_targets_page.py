"""Targets on screen: the office enters one indicator's targets for the zone and its units through target_set (the
import's path too), sees the split as a difference, and copies last year's as a starting point."""
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from tuijin.exchange.base import get_importer, run_import
from tuijin.indicators.models import Target
from tuijin.indicators.services import target_set


def _page(world, client_for, member, data):
    return client_for(member).post("/indicators/targets/", {"year": "2023", "indicator": "general_budget_revenue",
                                                            **data})


def test_office_enters_targets_and_sees_the_split_as_a_difference(world, cat, client_for):
    r = _page(world, client_for, world.office, {"zone": "20", f"unit_{world.street1.pk}": "10",
                                                f"unit_{world.street2.pk}": "8.5"})
    assert r.status_code == 302
    rev = cat["general_budget_revenue"]
    got = {t.unit_id: rev.to_display(t.value) for t in Target.objects.filter(indicator=rev, year=2023)}
    assert got == {None: Decimal(20), world.street1.pk: Decimal(10), world.street2.pk: Decimal("8.5")}
    page = client_for(world.office).get(r["Location"]).content.decode()
    assert "各单位目标之和为18.50亿元,比全区目标20.00亿元少1.50亿元" in page  # flagged, not silently accepted
    assert 'id="target-grid"' in page and 'value="8.50"' in page


BAD = [("negative", "-5"), ("huge", "1e308"), ("not_a_number", "二十"), ("nan", "NaN")]


@pytest.mark.parametrize("case,value", BAD, ids=[b[0] for b in BAD])
def test_bad_values_refused_naming_the_unit_on_page_and_import_alike(world, cat, client_for, case, value):
    target_set(member=world.office, zone=world.zone_a, indicator=cat["general_budget_revenue"], year=2023,
               value=Decimal(20))
    before = list(Target.objects.values_list("unit_id", "value"))
    r = _page(world, client_for, world.office, {"zone": "30", f"unit_{world.street1.pk}": "10",
                                                f"unit_{world.street2.pk}": value})
    assert r.status_code == 200
    row = next(x for x in r.context["grid"]["rows"] if x["key"] == f"unit_{world.street2.pk}")
    assert row["errors"] and row["errors"][0].startswith("枚乘街道") and row["value"] == value
    assert list(Target.objects.values_list("unit_id", "value")) == before  # nothing half-written (the zone's 30)
    wb = Workbook()
    wb.active.append(["年度", "责任单位", "指标", "目标值"])
    wb.active.append([2023, "全区", "一般公共预算收入", 30])
    wb.active.append([2023, "枚乘街道", "一般公共预算收入", value])
    buf = io.BytesIO()
    wb.save(buf)
    outcome = run_import(get_importer("targets"), buf.getvalue(), "t.xlsx", zone=world.zone_a, member=world.office)
    assert outcome.errors and list(Target.objects.values_list("unit_id", "value")) == before


def test_foreign_unit_and_roles(world, cat, client_for):
    r = _page(world, client_for, world.office, {"zone": "20", f"unit_{world.street_b.pk}": "5"})
    assert r.status_code == 302  # another zone's unit is not on the page: its cell is ignored
    assert not Target.objects.filter(unit=world.street_b).exists()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        target_set(member=world.office, zone=world.zone_a, indicator=cat["general_budget_revenue"], year=2023,
                   value=Decimal(5), unit=world.street_b)
    before = list(Target.objects.values_list("unit_id", "value"))
    for member in (world.staff1, world.leader, world.office_b):
        r = _page(world, client_for, member, {"zone": "25"})
        assert r.status_code in (403, 404), member
    assert list(Target.objects.values_list("unit_id", "value")) == before
    for member in (world.office, world.staff1, world.leader):
        r = client_for(member).get("/indicators/targets/?year=2023&indicator=general_budget_revenue")
        assert r.status_code == 200
        assert ('id="target-form"' in r.content.decode()) is member.is_office
    assert client_for(world.office_b).get("/indicators/targets/?indicator=general_budget_revenue&year=2023") \
        .status_code == 200  # its own zone's page: zone A's indicator is not there to edit
    assert 'id="target-form"' not in client_for(world.office_b).get(
        "/indicators/targets/?indicator=general_budget_revenue&year=2023").content.decode()


def test_copy_last_year_keeps_this_years(world, cat, client_for):
    rev, tax = cat["general_budget_revenue"], cat["tax_revenue"]
    for ind, unit, v in ((rev, None, 18), (rev, world.street1, 9), (tax, None, 15)):
        target_set(member=world.office, zone=world.zone_a, indicator=ind, year=2022, value=Decimal(v), unit=unit)
    target_set(member=world.office, zone=world.zone_a, indicator=tax, year=2023, value=Decimal(17))
    r = client_for(world.office).post("/indicators/targets/", {"year": "2023", "action": "copy"})
    assert r.status_code == 302
    got = {(t.indicator_id, t.unit_id): t.indicator.to_display(t.value)
           for t in Target.objects.filter(year=2023).select_related("indicator")}
    assert got == {(rev.pk, None): 18, (rev.pk, world.street1.pk): 9, (tax.pk, None): 17}
    assert client_for(world.staff1).post("/indicators/targets/", {"year": "2024", "action": "copy"}).status_code == 403
