"""Draft bulletins are the office's; a unit's staff read issued ones only."""
import pytest

from tuijin.bulletins.models import Bulletin
from tuijin.core.models import FilingPeriod
from tuijin.indicators.services import catalogue_install

pytestmark = pytest.mark.django_db


def test_street_reads_only_issued_bulletins(world, api_for, client_for):
    catalogue_install(zone=world.zone_a)
    FilingPeriod.objects.create(zone=world.zone_a, year=2023, month=6, locked=True)
    draft = Bulletin.objects.create(zone=world.zone_a, year=2023, month=6, title="未印发")
    issued = Bulletin.objects.create(zone=world.zone_a, year=2023, month=5, title="已印发", state=Bulletin.State.ISSUED)
    street, office = api_for(world.staff1), api_for(world.office)
    assert street.get(f"/api/v1/bulletins/{draft.pk}/").status_code == 404
    assert street.get(f"/api/v1/bulletins/{issued.pk}/").status_code == 200
    assert office.get(f"/api/v1/bulletins/{draft.pk}/").status_code == 200
    assert client_for(world.staff1).get(f"/bulletins/{draft.pk}/").status_code == 404
    page = client_for(world.staff1).get("/bulletins/").content.decode()
    assert "已印发" in page and "未印发" not in page


def test_cockpit_follows_a_project_import(world):
    """Bulk writes bump the data version: the cached cockpit sees an imported project at once."""
    import datetime as dt
    import io

    from openpyxl import Workbook

    from tuijin.bulletins.selectors import bulletin_data_cached
    from tuijin.core.models import Zone
    from tuijin.core.scope import SYSTEM
    from tuijin.exchange.base import get_importer, run_import

    catalogue_install(zone=world.zone_a)
    Zone.objects.filter(pk=world.zone_a.pk).update(as_of=dt.date(2023, 7, 10))
    zone = Zone.objects.get(pk=world.zone_a.pk)
    FilingPeriod.objects.create(zone=zone, year=2023, month=6, locked=True)
    before = bulletin_data_cached(member=world.office, zone=zone, year=2023, month=6)
    importer = get_importer("projects")
    headers = [c.header for c in importer.columns(zone)]
    row = {"项目编号": "P-1", "项目名称": "新材料项目", "项目类别": "产业项目", "计划总投资(万元)": 20000, "责任单位": "钵池街道",
           "当前阶段": "签约", "签约日期": dt.date(2023, 3, 1)}
    wb = Workbook()
    wb.active.append(headers)
    wb.active.append([row.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    outcome = run_import(importer, buf.getvalue(), "ledger.xlsx", zone=zone, member=SYSTEM)
    assert outcome.ok, outcome.errors
    after = bulletin_data_cached(member=world.office, zone=zone, year=2023, month=6)
    assert before["performance"].get("big_signed_count", 0) == 0
    assert after["performance"]["big_signed_count"] == 1
