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


def _zone_of_june(world):
    """Zone A on 10 July 2023 with June locked."""
    import datetime as dt

    from tuijin.core.models import Zone

    catalogue_install(zone=world.zone_a)
    Zone.objects.filter(pk=world.zone_a.pk).update(as_of=dt.date(2023, 7, 10))
    zone = Zone.objects.get(pk=world.zone_a.pk)
    FilingPeriod.objects.create(zone=zone, year=2023, month=6, locked=True)
    return zone


def _import_project(zone, **changes):
    """The ledger import of one project of 钵池街道 (a new one, or the same code again: an update in bulk)."""
    import datetime as dt
    import io

    from openpyxl import Workbook

    from tuijin.core.scope import SYSTEM
    from tuijin.exchange.base import get_importer, run_import

    importer = get_importer("projects")
    headers = [c.header for c in importer.columns(zone)]
    row = {"项目编号": "P-1", "项目名称": "新材料项目", "项目类别": "产业项目", "计划总投资(万元)": 20000, "责任单位": "钵池街道",
           "当前阶段": "签约", "签约日期": dt.date(2023, 3, 1), **changes}
    wb = Workbook()
    wb.active.append(headers)
    wb.active.append([row.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    outcome = run_import(importer, buf.getvalue(), "ledger.xlsx", zone=zone, member=SYSTEM)
    assert outcome.ok, outcome.errors


def test_cockpit_follows_a_project_import(world):
    """Bulk writes bump the data version: the cached cockpit sees an imported project at once."""
    from tuijin.bulletins.selectors import bulletin_data_cached

    zone = _zone_of_june(world)
    before = bulletin_data_cached(member=world.office, zone=zone, year=2023, month=6)
    _import_project(zone)
    after = bulletin_data_cached(member=world.office, zone=zone, year=2023, month=6)
    assert before["performance"].get("big_signed_count", 0) == 0
    assert after["performance"]["big_signed_count"] == 1


def test_cockpit_page_follows_a_reimport_that_changes_a_project(world, client_for):
    """A second import of the same project updates it in bulk (``bulk_update``, which must set ``updated``): the
    cockpit page, kept in fragments, shows the new stage at once."""
    import datetime as dt
    import json
    import re

    zone = _zone_of_june(world)

    def funnel():
        page = client_for(world.office).get("/dashboard/?period=2023-06").content.decode()
        data = json.loads(re.search(r'<script id="cockpit-funnel" type="application/json">(.*?)</script>', page,
                                    re.S).group(1))
        return json.dumps(data, ensure_ascii=False)

    _import_project(zone)
    before = funnel()
    assert before == funnel()  # kept: the same answer twice
    _import_project(zone, **{"当前阶段": "开工", "实际开工日期": dt.date(2023, 5, 10)})
    after = funnel()
    assert after != before, after
