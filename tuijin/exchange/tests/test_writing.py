"""Template, export and error workbook, written from the same Column specs; an export imports back unchanged."""
import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from tuijin.sheets.tabular import (Column, FileProblem, error_workbook, export_workbook, parse_table, read_table,
                                     template_workbook)
from tuijin.exchange.tests.helpers import COLS, HEAD, xlsx

UNIT = Column("责任单位", "unit", "lookup", required=True, lookup={"钵池街道": 1, "枚乘街道": 2})
ALL = [*COLS, UNIT]


def test_template_headers_rules_formats_and_dropdowns():
    names = [f"单位{i}" for i in range(300)]  # too long for an inline list: goes through the hidden sheet
    wb = load_workbook(io.BytesIO(template_workbook(ALL, title="项目台账", lists={"unit": names})))
    assert wb.sheetnames == ["项目台账", "填写说明", "选项"]
    ws = wb["项目台账"]
    assert [c.value for c in ws[1]] == [*HEAD, "责任单位"]
    assert ws["B1"].comment.text == "必填;数字;不能为负数;只填数字,不带单位。"
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["C"].number_format == "yyyy-mm-dd" and ws.column_dimensions["A"].number_format == "@"
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert rules["D2:D100001"].formula1 == "'选项'!$D$1:$D$2"  # 是/否
    assert rules["E2:E100001"].formula1 == "'选项'!$E$1:$E$2"
    assert rules["F2:F100001"].formula1 == "'选项'!$F$1:$F$300"
    assert rules["B2:B100001"].type == "decimal" and rules["B2:B100001"].formula1 == "0"
    options = wb["选项"]
    assert options.sheet_state == "hidden"
    assert [options.cell(row=r, column=5).value for r in (1, 2)] == ["产业项目", "基础设施项目"]
    assert options.cell(row=300, column=6).value == "单位299"
    notes = [[c.value for c in row] for row in wb["填写说明"].iter_rows(min_row=2, max_row=7)]
    assert notes[0][:3] == ["项目编号", "是", "文字"] and "不超过10个字" in notes[0][3]
    assert "可选:单位0、单位1" in notes[5][3]


def test_empty_template_reads_back_as_headers_without_rows():
    data = template_workbook(ALL, title="项目台账")
    table = read_table(data, "t.xlsx")
    assert table.headers == [*HEAD, "责任单位"] and table.rows == []


def test_template_example_row_is_valid():
    example = {"code": "P1", "amount": Decimal("12.5"), "signed": dt.date(2023, 3, 1), "foreign": True,
               "category": "infra", "unit": "钵池街道"}
    result = parse_table(read_table(template_workbook(ALL, title="t", example=example), "t.xlsx"), ALL)
    assert result.ok and result.rows[0].values == {**example, "unit": 1}


def test_export_imports_back_unchanged_and_is_formula_safe():
    rows = [
        {"code": "=HYPERLINK(\"http://x\",\"点我\")", "amount": Decimal("1234.50"), "signed": dt.date(2023, 3, 1),
         "foreign": True, "category": "infra", "unit": "钵池街道"},
        {"code": "+1", "amount": Decimal("0"), "signed": None, "foreign": False, "category": None, "unit": "枚乘街道"},
        {"code": "@SUM", "amount": Decimal("7"), "signed": dt.datetime(2023, 3, 1, tzinfo=dt.UTC), "foreign": None,
         "category": "industry", "unit": "-钵池"},
    ]
    lookup = {"钵池街道": "钵池街道", "枚乘街道": "枚乘街道", "-钵池": "-钵池"}
    cols = [*COLS[1:], Column("项目编号", "code", required=True), Column("责任单位", "unit", "lookup", lookup=lookup)]
    data = export_workbook(cols, rows, title="项目台账")
    ws = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in ws[1]]
    code, unit = header.index("项目编号") + 1, header.index("责任单位") + 1
    assert [ws.cell(row=r, column=code).value for r in (2, 3, 4)] == ["'=HYPERLINK(\"http://x\",\"点我\")", "'+1",
                                                                        "'@SUM"]
    assert ws.cell(row=4, column=unit).value == "'-钵池"
    assert ws.cell(row=2, column=code).data_type == "s"  # text, never a formula
    assert ws["A2"].value == 1234.5 and ws["A2"].number_format == "General"
    assert ws["B2"].number_format == "yyyy-mm-dd"
    back = parse_table(read_table(data, "e.xlsx"), cols)
    assert back.ok, back.errors
    expect = [{**r, "foreign": bool(r["foreign"]) if r["foreign"] is not None else None,
               "signed": r["signed"].date() if isinstance(r["signed"], dt.datetime) else r["signed"]} for r in rows]
    assert [r.values for r in back.rows] == expect


def test_negative_numbers_stay_numbers():
    cols = [Column("经度", "lng", "decimal", min_value=-180), Column("备注", "note")]
    ws = load_workbook(io.BytesIO(export_workbook(cols, [{"lng": Decimal("-118.5"), "note": "-这样"}], title="x"))).active
    assert ws["A2"].value == -118.5 and ws["A2"].data_type == "n" and ws["B2"].value == "'-这样"


def test_error_workbook_marks_every_bad_cell():
    data = xlsx([HEAD, ["P1", "约100", "2023-02-30", None, None], ["P2", 5, dt.datetime(2023, 3, 1), None, None],
                 ["P3", 1, None, "也许", None]])
    table = read_table(data, "a.xlsx")
    result = parse_table(table, COLS)
    wb = load_workbook(io.BytesIO(error_workbook(table, result.errors)))
    ws = wb.active
    assert [c.value for c in ws[1]] == [*HEAD, "错误"]
    assert ws["B2"].fill.fgColor.rgb.endswith("F8B4B4") and ws["B2"].comment.text == "不是有效的数字「约100」"
    assert ws["C2"].fill.fgColor.rgb.endswith("F8B4B4") and "日期不存在" in ws["C2"].comment.text
    assert ws["A2"].comment is None and ws["B3"].comment is None
    assert ws["F2"].value == "第2行 计划总投资(万元): 不是有效的数字「约100」;第2行 签约日期: 日期不存在「2023-02-30」"
    assert ws["F3"].value is None and ws["C3"].number_format == "yyyy-mm-dd"
    assert ws["D4"].comment.text == "应填「是」或「否」,而不是「也许」"
    listing = [[c.value for c in row] for row in wb["错误清单"].iter_rows(min_row=2)]
    assert listing[0] == ["Sheet", 2, "计划总投资(万元)", "约100", "不是有效的数字「约100」"]
    assert len(listing) == 3


def test_error_workbook_for_header_problems():
    table = read_table(xlsx([["项目编号", "总投资", "签约日期", "是否外资", "项目类别"], ["P1", 1, None, None, None]]),
                       "a.xlsx")
    try:
        parse_table(table, COLS)
    except FileProblem as exc:
        wb = load_workbook(io.BytesIO(error_workbook(exc.table, exc.errors)))
    ws = wb.active
    assert ws["B1"].fill.fgColor.rgb.endswith("F8B4B4") and "不认识的表头" in ws["B1"].comment.text
    reasons = [row[4].value for row in wb["错误清单"].iter_rows(min_row=2)]
    assert reasons == ["不认识的表头(第2列),是否应为「计划总投资(万元)」?", "缺少此列表头"]


def test_error_workbook_never_hands_back_a_live_formula():
    text = ",".join(HEAD) + "\n=cmd|' /C calc'!A0,x,,,\n"
    table = read_table(text.encode(), "a.csv")
    result = parse_table(table, COLS)
    ws = load_workbook(io.BytesIO(error_workbook(table, result.errors))).active
    assert ws["A2"].value == "'=cmd|' /C calc'!A0" and ws["A2"].data_type == "s"


def test_sheet_titles_excel_refuses_are_cleaned():
    table = read_table((",".join(HEAD) + "\nP1,x,,,\n").encode(), "C:\\下载\\台账[1]?.csv")
    result = parse_table(table, COLS)
    wb = load_workbook(io.BytesIO(error_workbook(table, result.errors)))
    assert wb.sheetnames[0] == "台账_1__.csv"
    assert load_workbook(io.BytesIO(export_workbook(COLS, [], title="项目/台账:2023"))).sheetnames == ["项目_台账_2023"]


def test_workbook_bytes_keeps_formula_text_as_text_whoever_wrote_the_cell():
    """The one guard at the exit: a cell written without ``safe_text`` is still saved as text, not as a formula."""
    from openpyxl import Workbook

    from tuijin.core.tests.planting import formula_cells, xlsx_texts
    from tuijin.sheets.writing import workbook_bytes

    wb = Workbook()
    wb.active.append(['=HYPERLINK("http://x.example","点我")', "-1+2", "@SUM(A1)", "+1", "钵池街道", 3])
    wb.create_sheet("二").append(["=1+1"])
    data = workbook_bytes(wb)
    assert formula_cells(data) == []
    assert sorted(xlsx_texts(data)) == sorted(["'=HYPERLINK(\"http://x.example\",\"点我\")", "'-1+2", "'@SUM(A1)",
                                               "'+1", "钵池街道", "'=1+1"])
