"""An imported figure out of range is refused like the filing page refuses it, also where the row would raise a
warning (a previous month or last year's figure to compare with): the warning check once formatted the huge value
before the range check refused it, and the import ended in a 500."""
import io

import pytest
from openpyxl import Workbook

from tuijin.core.context import Actor, acting_as
from tuijin.exchange.base import get_importer, run_import
from tuijin.indicators.models import Actual

ACT = ["年度", "月份", "责任单位", "指标", "本年累计", "上年同期累计"]
RANGE = "超出允许范围(绝对值不超过 1,000,000,000 亿元)"


def workbook(*rows) -> bytes:
    wb = Workbook()
    wb.active.title = "实绩"
    wb.active.append(ACT)
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def stored():
    return sorted(Actual.objects.values_list("unit_id", "indicator_id", "year", "month", "ytd", "last_year_ytd",
                                             "state"))


# (本年累计, 上年同期累计, the column refused): 2023-07 of 钵池街道, whose June (5.6) and 2022 figures exist, so every
# value here would be compared with last month or last year
CASES = [
    ("1e308", 1e308, None, "本年累计"),
    ("1e308 as text", "1e308", None, "本年累计"),
    ("1e30", 1e30, None, "本年累计"),
    ("1e26", 1e26, None, "本年累计"),
    ("-1e308", -1e308, None, "本年累计"),
    ("last year 1e308", 1, 1e308, "上年同期累计"),
    ("last year 1e26 as text", 6, "1e26", "上年同期累计"),
]


@pytest.mark.django_db
class TestImportOutOfRange:
    @pytest.mark.parametrize("name,ytd,last,column", CASES, ids=[c[0] for c in CASES])
    def test_run_import_refuses_naming_row_and_column(self, world, filed, name, ytd, last, column):
        before = stored()
        with acting_as(Actor(username="t_staff1", source="web")):
            out = run_import(get_importer("actuals"), workbook([2023, 7, "钵池街道", "一般公共预算收入", ytd, last]),
                             "a.xlsx", zone=world.zone_a, member=world.staff1)
        assert not out.ok and out.table.sheet == "实绩"
        assert [(e.row, e.column) for e in out.errors] == [(2, column)], out.errors
        assert RANGE in out.errors[0].message
        assert stored() == before

    def test_month_ten_after_nine_filed_months(self, world, cat):
        """The probe's case: 钵池街道 has filed 1—9月 and imports 10月 with 1e308."""
        from tuijin.indicators.services import actual_save

        rev = cat["general_budget_revenue"]
        with acting_as(Actor(username="t_staff1", source="web")):
            for m in range(1, 10):
                actual_save(member=world.staff1, unit=world.street1, indicator=rev, year=2023, month=m, ytd=m)
            before = stored()
            out = run_import(get_importer("actuals"), workbook([2023, 10, "钵池街道", "一般公共预算收入", 1e308]),
                             "a.xlsx", zone=world.zone_a, member=world.staff1)
        assert not out.ok and [str(e).split(":")[0] for e in out.errors] == ["第2行 本年累计"]
        assert RANGE in out.errors[0].message and stored() == before

    def test_upload_page(self, world, filed, client_for):
        from django.core.files.uploadedfile import SimpleUploadedFile

        before = stored()
        data = workbook([2023, 7, "钵池街道", "一般公共预算收入", 1e308, None],
                        [2023, 7, "钵池街道", "税收收入", 1, "1e308"])
        r = client_for(world.staff1).post("/exchange/actuals/import/", {"file": SimpleUploadedFile(
            "a.xlsx", data, content_type="application/octet-stream")})
        assert r.status_code == 200
        html = r.content.decode()
        assert RANGE in html and "第2行 本年累计" in html and "第3行 上年同期累计" in html
        assert 'id="error-workbook"' in html  # the workbook with the bad cells marked
        assert stored() == before

    def test_same_refusal_as_the_filing_page(self, world, filed, client_for):
        """The filing page says the same of the same value."""
        rev = filed["general_budget_revenue"]
        r = client_for(world.staff1).post("/indicators/filing/", {"unit": world.street1.pk, "period": "2023-07",
                                                                   "action": "save", f"ytd_{rev.pk}": "1e308"})
        assert RANGE in r.content.decode()
        with acting_as(Actor(username="t_staff1", source="web")):
            out = run_import(get_importer("actuals"), workbook([2023, 7, "钵池街道", "一般公共预算收入", "1e308"]),
                             "a.xlsx", zone=world.zone_a, member=world.staff1)
        assert out.errors[0].message in r.content.decode()
