"""The enterprise layout in and out of Excel: export → import gives back the same, bad files store nothing and say
where each problem is (sheet, row, column)."""
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from tuijin.enterprises.exchange import enterprise_columns
from tuijin.enterprises.models import Enterprise, EnterpriseYear
from tuijin.exchange.base import get_importer, run_import
from tuijin.sheets.tabular import error_workbook

from .conftest import code

pytestmark = pytest.mark.django_db


def export(tmp_path, year="2022", zone="za") -> tuple[str, list[list]]:
    out = tmp_path / "enterprises.xlsx"
    stdout = io.StringIO()
    call_command("export", "enterprises", zone=zone, year=year, out=str(out), stdout=stdout)
    rows = [list(r) for r in load_workbook(out, read_only=True).active.iter_rows(values_only=True)]
    return str(out), rows


def cli_import(path, year="2022", zone="za", *extra) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "enterprises", path, *extra, zone=zone, year=year, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_layout_one_row_per_enterprise_with_the_years_figures(world, enterprises, tmp_path):
    _path, rows = export(tmp_path)
    header = rows[0]
    assert header == [c.header for c in enterprise_columns()]
    assert {"统一社会信用代码", "企业名称", "营业收入(万元)"} <= set(header)
    by_name = {r[header.index("企业名称")]: dict(zip(header, r)) for r in rows[1:]}
    assert set(by_name) == {"澄川精密机械有限公司", "翊衡新材料科技有限公司"}  # zone A only
    row = by_name["澄川精密机械有限公司"]
    assert (row["统一社会信用代码"], row["营业收入(万元)"], row["服务单位"], row["年度"], row["规上"]) == (
        code(1), 12500, "钵池街道", 2022, "是")
    # a year without figures: every enterprise, empty figures
    _path, rows = export(tmp_path, year="2021")
    at = rows[0].index("营业收入(万元)")
    assert len(rows) == 3 and all(len(r) <= at or r[at] is None for r in rows[1:])


def test_round_trip_changes_nothing_then_one_edit_changes_one_thing(world, enterprises, tmp_path):
    path, rows = export(tmp_path)
    out, err = cli_import(path)
    assert (out.strip(), err) == ("导入完成:新增 0 条,更新 0 条,未变 2 条", "")
    # edit one cell and add one enterprise
    wb = load_workbook(path)
    ws = wb.active
    header = [c.value for c in ws[1]]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, header.index("企业名称") + 1).value == "翊衡新材料科技有限公司":
            ws.cell(r, header.index("税收(万元)") + 1).value = 75.5
    ws.append([{"统一社会信用代码": code(60), "企业名称": "栖岳食品有限公司", "服务单位": "枚乘街道",
                "营业收入(万元)": 2600, "规上": "是"}.get(h) for h in header])
    wb.save(path)
    out, err = cli_import(path, "2022", "za", "-v", "2")
    assert out.splitlines()[0] == "导入完成:新增 1 条,更新 1 条,未变 1 条"
    assert "税收(万元)" in out and err == ""
    e2 = enterprises[1]
    assert EnterpriseYear.objects.get(enterprise=e2, year=2022).tax == Decimal("75.50")
    new = Enterprise.objects.get(credit_code=code(60))
    assert (new.unit, new.above_scale) == (world.street2, True)
    # and the export of what is stored now imports back unchanged again
    path, _rows = export(tmp_path)
    assert cli_import(path)[0].strip() == "导入完成:新增 0 条,更新 0 条,未变 3 条"


def test_round_trip_through_the_page_download(world, enterprises, client_for):
    r = client_for(world.office).get("/exchange/enterprises/export/?year=2022&q=澄川")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 2
    outcome = run_import(get_importer("enterprises"), r.content, "x.xlsx", zone=world.zone_a, member=world.office,
                         options={"year": "2022"})
    assert outcome.ok and outcome.summary.text() == "新增 0 条,更新 0 条,未变 1 条"


BAD = [
    # row 2: a good new enterprise — stored only if the whole file is good
    {"统一社会信用代码": code(70), "企业名称": "好企业有限公司", "服务单位": "钵池街道", "营业收入(万元)": 100},
    # row 3: wrong check character
    {"统一社会信用代码": code(71)[:17] + ("1" if code(71)[17] != "1" else "2"), "企业名称": "甲有限公司",
     "服务单位": "钵池街道"},
    # row 4: unknown unit, text in a number, a year that is not the import's
    {"统一社会信用代码": code(72), "企业名称": "乙有限公司", "服务单位": "无名街道", "营业收入(万元)": "约100",
     "年度": 2021},
    # row 5: a negative tax (the service's rule) and 是/否 misspelt
    {"统一社会信用代码": code(73), "企业名称": "丙有限公司", "服务单位": "钵池街道", "税收(万元)": -3, "规上": "也许"},
]


def bad_file() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业名录"
    headers = [c.header for c in enterprise_columns()]
    ws.append(headers)
    for row in BAD:
        ws.append([row.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_bad_file_names_sheet_row_and_column_and_stores_nothing(world, enterprises, tmp_path):
    before = (Enterprise.objects.count(), EnterpriseYear.objects.count())
    outcome = run_import(get_importer("enterprises"), bad_file(), "bad.xlsx", zone=world.zone_a,
                         member=world.office, options={"year": "2022"})
    assert not outcome.ok
    found = {(e.row, e.column, e.message) for e in outcome.errors}
    check = code(71)[17]
    # every cell error, and the database's refusals of the rows whose cells are right, at once
    assert found == {
        (3, "统一社会信用代码", f"第18位校验码应为{check},而不是{'1' if check != '1' else '2'}。"),
        (4, "营业收入(万元)", "不是有效的数字「约100」"),
        (5, "规上", "应填「是」或「否」,而不是「也许」"),
    }
    # cell errors name their sheet; the error workbook lists the sheet of every error
    assert {e.sheet for e in outcome.errors if e.column in ("营业收入(万元)", "规上")} == {"企业名录"}
    listing = load_workbook(io.BytesIO(error_workbook(outcome.table, outcome.errors)))["错误清单"]
    assert all(r[0] == "企业名录" for r in listing.iter_rows(min_row=2, values_only=True))
    assert (Enterprise.objects.count(), EnterpriseYear.objects.count()) == before


def test_bad_file_by_the_command_line(world, enterprises, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(bad_file())
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import", "enterprises", str(path), zone="za", year="2022", stdout=io.StringIO(), stderr=err)
    assert "未导入任何数据" in str(exc.value)
    lines = err.getvalue().splitlines()
    check = code(71)[17]
    assert f"第3行 统一社会信用代码: 第18位校验码应为{check},而不是{'1' if check != '1' else '2'}。" in lines
    assert "第4行 营业收入(万元): 不是有效的数字「约100」" in lines
    assert not Enterprise.objects.filter(name="好企业有限公司").exists()


def test_database_rules_come_once_the_cells_are_right(world, enterprises):
    rows = [dict(r) for r in BAD]
    rows[2].update({"营业收入(万元)": 100})
    rows[3].pop("规上")
    wb = Workbook()
    headers = [c.header for c in enterprise_columns()]
    wb.active.append(headers)
    for row in rows:
        wb.active.append([row.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    outcome = run_import(get_importer("enterprises"), buf.getvalue(), "x.xlsx", zone=world.zone_a,
                         member=world.office, options={"year": "2022"})
    assert [str(e) for e in outcome.errors] == [
        f"第3行 统一社会信用代码: 第18位校验码应为{code(71)[17]},而不是{'1' if code(71)[17] != '1' else '2'}。",
        "第4行 年度: 本行年度为2021,与导入时选择的年度2022不一致",
        "第4行 服务单位: 未知的服务单位「无名街道」",
        "第5行 税收(万元): 税收(万元)不能为负数。",
    ]
    assert not Enterprise.objects.filter(name="好企业有限公司").exists()


@pytest.mark.parametrize("year, message", [("1999", "年度应为 2000—"), ("abc", "年度应为 2000—"),
                                           ("2200", "年度应为 2000—")])
def test_the_year_of_an_import_is_checked(world, enterprises, tmp_path, year, message):
    path, _rows = export(tmp_path)
    with pytest.raises(CommandError) as exc:
        cli_import(path, year)
    assert message in str(exc.value)


def test_unknown_zone_and_other_importers_refuse_a_year(world, tmp_path):
    with pytest.raises(CommandError, match="未知的开发区代码"):
        call_command("export", "enterprises", zone="nowhere", year="2022", out=str(tmp_path / "x.xlsx"))
    file = tmp_path / "x.xlsx"
    file.write_bytes(bad_file())
    with pytest.raises(CommandError, match="未知的导入选项「year」"):
        call_command("import", "projects", str(file), zone="za", year="2022", stdout=io.StringIO(),
                     stderr=io.StringIO())


def test_template_has_the_zones_units(world, client_for):
    r = client_for(world.office).get("/exchange/enterprises/template/")
    wb = load_workbook(io.BytesIO(r.content))
    assert [c.value for c in wb.worksheets[0][1]] == [c.header for c in enterprise_columns()]
    options = {c.value for row in wb["选项"].iter_rows() for c in row if c.value}
    assert {"钵池街道", "枚乘街道"} <= options and "城南街道" not in options
