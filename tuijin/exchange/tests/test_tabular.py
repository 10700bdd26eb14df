"""The framework on its own: reading, every cell kind, all errors at once, templates and exports."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from tuijin.exchange.tabular import (Column, FileProblem, error_workbook, export_workbook, parse_cell, parse_table,
                                     read_table, template_workbook, CellProblem)

COLS = [
    Column("项目编号", "code", required=True),
    Column("计划总投资(万元)", "amount", "decimal", required=True, min_value=0),
    Column("签约日期", "signed", "date"),
    Column("是否外资", "foreign", "boolean"),
    Column("项目类别", "category", "choice", choices={"产业项目": "industry", "基础设施项目": "infra"}),
]


def xlsx(rows, merge=None, formula=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    if formula:
        ws[formula[0]] = formula[1]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


HEAD = ["项目编号", "计划总投资(万元)", "签约日期", "是否外资", "项目类别"]


def test_reads_xlsx_and_types_every_cell():
    data = xlsx([HEAD, ["P1", 1234.5, dt.datetime(2023, 3, 1), "是", "产业项目"], [None] * 5,
                 ["P2", "1,234.5", "2023年3月1日", "否", "基础设施项目"]])
    result = parse_table(read_table(data, "a.xlsx"), COLS, key="code")
    assert result.ok
    assert [r.number for r in result.rows] == [2, 4]  # spreadsheet numbering; blank row skipped
    assert result.rows[1].values == {"code": "P2", "amount": Decimal("1234.5"), "signed": dt.date(2023, 3, 1),
                                     "foreign": False, "category": "infra"}


@pytest.mark.parametrize("value, expected", [
    ("１２３", Decimal(123)), ("1,234.5", Decimal("1234.5")), ("1，234.5", Decimal("1234.5")), (12.5, Decimal("12.5")),
])
def test_numbers_people_type(value, expected):
    assert parse_cell(COLS[1], value) == expected


@pytest.mark.parametrize("value", ["约100", "-5", "100万元", "abc"])
def test_bad_numbers(value):
    with pytest.raises(CellProblem):
        parse_cell(COLS[1], value)


@pytest.mark.parametrize("value, expected", [
    ("2023-03-01", dt.date(2023, 3, 1)), ("2023/3/1", dt.date(2023, 3, 1)), ("2023年3月1日", dt.date(2023, 3, 1)),
    ("2023.3.1", dt.date(2023, 3, 1)), ("20230301", dt.date(2023, 3, 1)), (44986, dt.date(2023, 3, 1)),
    ("44986", dt.date(2023, 3, 1)), (dt.datetime(2023, 3, 1, 0, 0), dt.date(2023, 3, 1)),
])
def test_dates_people_type(value, expected):
    assert parse_cell(COLS[2], value) == expected


@pytest.mark.parametrize("value, word", [("2023-02-30", "不存在"), ("2023-13-01", "不存在"), ("明年三月", "不是有效的日期")])
def test_impossible_dates(value, word):
    with pytest.raises(CellProblem, match=word):
        parse_cell(COLS[2], value)


def test_every_error_is_reported_with_row_and_column():
    data = xlsx([HEAD, ["P1", "约100", "2023-02-30", "也许", "商业项目"], ["P1", -5, None, None, None], [None, 1, None, None, None]])
    result = parse_table(read_table(data, "a.xlsx"), COLS, key="code")
    text = [str(e) for e in result.errors]
    assert "第2行 计划总投资(万元): 不是有效的数字「约100」" in text
    assert any(t.startswith("第2行 签约日期: 日期不存在") for t in text)
    assert any(t.startswith("第2行 是否外资:") for t in text)
    assert any(t.startswith("第2行 项目类别: 「商业项目」不在可选值中") for t in text)
    assert "第3行 计划总投资(万元): 不能为负数「-5」" in text
    assert "第4行 项目编号: 不能为空" in text
    assert "第3行 项目编号: 「P1」与第2行重复" in text
    assert len(result.errors) == 7


def test_duplicate_keys_in_file():
    data = xlsx([HEAD, ["P1", 1, None, None, None], ["P1", 2, None, None, None]])
    result = parse_table(read_table(data, "a.xlsx"), COLS, key="code")
    assert [str(e) for e in result.errors] == ["第3行 项目编号: 「P1」与第2行重复"]


def test_missing_renamed_and_repeated_headers():
    data = xlsx([["项目编号", "计划投资", "签约日期", "签约日期", "是否外资"], ["P1", 1, None, None, None]])
    with pytest.raises(FileProblem) as exc:
        parse_table(read_table(data, "a.xlsx"), COLS)
    text = [str(e) for e in exc.value.errors]
    assert "第1行 签约日期: 表头重复" in text
    assert any("计划投资: 不认识的表头" in t and "计划总投资(万元)" in t for t in text)
    assert "第1行 项目类别: 缺少此列表头" in text


def test_merged_cells_are_named():
    data = xlsx([HEAD, ["P1", 1, None, None, "产业项目"], ["P2", None, None, None, "产业项目"]], merge="B2:B3")
    result = parse_table(read_table(data, "a.xlsx"), COLS)
    assert [str(e) for e in result.errors] == ["第3行 计划总投资(万元): 位于合并单元格中(请取消合并并在每行填写)"]


def test_formula_without_saved_value():
    data = xlsx([HEAD, ["P1", None, None, None, None]], formula=("B2", "=1+1"))
    result = parse_table(read_table(data, "a.xlsx"), COLS)
    assert "公式没有保存计算结果" in str(result.errors[0])


def test_csv_utf8_and_gbk():
    text = "项目编号,计划总投资(万元),签约日期,是否外资,项目类别\nP1,\"1,234.5\",2023/3/1,是,产业项目\n"
    for enc in ("utf-8-sig", "gbk"):
        result = parse_table(read_table(text.encode(enc), "a.csv"), COLS)
        assert result.ok and result.rows[0].values["amount"] == Decimal("1234.5")


def test_not_a_spreadsheet_empty_and_huge():
    with pytest.raises(FileProblem, match="不是有效的"):
        read_table(b"%PDF-1.4\x00\x01binary", "x.xlsx")
    with pytest.raises(FileProblem, match="不是有效的"):
        read_table(b"PK\x03\x04garbage-zip", "x.xlsx")
    with pytest.raises(FileProblem, match="空"):
        read_table(xlsx([]), "x.xlsx")
    with pytest.raises(FileProblem, match="过大"):
        read_table(b"a" * 100, "x.csv", max_bytes=10)
    big = "项目编号\n" + "\n".join(f"P{i}" for i in range(20))
    with pytest.raises(FileProblem, match="行过多"):
        read_table(big.encode(), "x.csv", max_rows=10)


def test_template_has_dropdowns_and_export_round_trips_safely():
    data = template_workbook(COLS, title="项目台账", lists={"code": []})
    wb = load_workbook(io.BytesIO(data))
    ws = wb["项目台账"]
    assert [c.value for c in ws[1]] == HEAD
    formulas = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert any("选项" in f for f in formulas)
    rows = [{"code": "=HYPERLINK(\"x\")", "amount": Decimal("-0"), "signed": dt.date(2023, 3, 1), "foreign": True,
             "category": "infra"}, {"code": "P2", "amount": Decimal("12.5"), "signed": None, "foreign": False,
                                    "category": None}]
    out = export_workbook(COLS, rows, title="项目台账")
    ws = load_workbook(io.BytesIO(out)).active
    assert ws["A2"].value == "'=HYPERLINK(\"x\")" and ws["B3"].value == 12.5
    back = parse_table(read_table(out, "e.xlsx"), COLS)
    assert back.ok and back.rows[1].values == {"code": "P2", "amount": Decimal("12.5"), "signed": None,
                                               "foreign": False, "category": None}
    assert back.rows[0].values["category"] == "infra" and back.rows[0].values["foreign"] is True


def test_error_workbook_marks_bad_cells():
    data = xlsx([HEAD, ["P1", "约100", None, None, None]])
    table = read_table(data, "a.xlsx")
    result = parse_table(table, COLS)
    ws = load_workbook(io.BytesIO(error_workbook(table, result.errors))).active
    assert ws["B2"].fill.fgColor.rgb.endswith("F8B4B4") and "不是有效的数字" in ws["B2"].comment.text
    assert ws.cell(row=1, column=6).value == "错误" and "第2行" in ws.cell(row=2, column=6).value
