"""Checking a table against column specs: headers, every error at once, duplicates, merged cells."""
import pytest

from tuijin.sheets.tabular import Column, FileProblem, parse_table, read_table
from tuijin.exchange.tests.helpers import COLS, HEAD, xlsx


def parse(rows, **kw):
    return parse_table(read_table(xlsx(rows, **{k: v for k, v in kw.items() if k in ("merge", "cells")}), "a.xlsx"),
                       COLS, key=kw.get("key", "code"))


def test_every_error_is_reported_with_row_and_column():
    result = parse([HEAD, ["P1", "约100", "2023-02-30", "也许", "商业项目"], ["P1", -5, None, None, None],
                    [None, 1, None, None, None], ["P4", "1，000", "2023/3/1", "是", "产业项目"]])
    assert [str(e) for e in result.errors] == [
        "第2行 计划总投资(万元): 不是有效的数字「约100」",
        "第2行 签约日期: 日期不存在「2023-02-30」",
        "第2行 是否外资: 应填「是」或「否」,而不是「也许」",
        "第2行 项目类别: 「商业项目」不在可选值中:产业项目、基础设施项目",
        "第3行 计划总投资(万元): 不能为负数「-5」",
        "第3行 项目编号: 「P1」与第2行重复",
        "第4行 项目编号: 不能为空",
    ]
    assert [r.number for r in result.rows] == [5]  # only the clean row is handed on
    first = result.errors[0]
    assert (first.sheet, first.row, first.column, first.value) == ("Sheet", 2, "计划总投资(万元)", "约100")


def test_duplicate_keys_single_and_composite():
    result = parse([HEAD, ["P1", 1, None, None, None], ["P2", 2, None, None, None], ["P1", 3, None, None, None]])
    assert [str(e) for e in result.errors] == ["第4行 项目编号: 「P1」与第2行重复"]
    cols = [Column("年度", "year", "integer", required=True), Column("指标", "ind", required=True)]
    table = read_table(xlsx([["年度", "指标"], [2023, "出口"], [2024, "出口"], [2023, "出口"]]), "a.xlsx")
    result = parse_table(table, cols, key=("year", "ind"))
    assert [str(e) for e in result.errors] == ["第4行 年度、指标: 「2023、出口」与第2行重复"]


def test_missing_renamed_repeated_headers_each_named():
    with pytest.raises(FileProblem) as exc:
        parse([["项目编号", "计划投资", "签约日期", "签约日期", "是否外资", "备注"], ["P1", 1, None, None, None, None]])
    assert [str(e) for e in exc.value.errors] == [
        "第1行 计划投资: 不认识的表头(第2列),是否应为「计划总投资(万元)」?",
        "第1行 签约日期: 表头重复(第4列)",
        "第1行 备注: 不认识的表头(第6列)",
        "第1行 计划总投资(万元): 缺少此列表头",
        "第1行 项目类别: 缺少此列表头",
    ]
    assert exc.value.table is not None  # so the page can still offer the marked workbook


def test_headers_compared_leniently_and_order_is_free():
    head = ["项目类别", " 项目 编号 ", "计划总投资\n（万元）", "*签约日期", "是否外资", "错误"]
    result = parse([head, ["产业项目", "P1", 5, "2023-3-1", "否", "第2行 ...(from an error workbook)"]])
    assert result.ok and result.rows[0].values["code"] == "P1" and result.rows[0].values["category"] == "industry"


def test_a_title_row_above_the_header_is_skipped():
    result = parse([["2023年重点项目台账"], HEAD, ["P1", "x", None, None, None]], merge=["A1:E1"])
    assert [str(e) for e in result.errors] == ["第3行 计划总投资(万元): 不是有效的数字「x」"]


def test_only_a_title_is_not_mistaken_for_a_header_row():
    with pytest.raises(FileProblem) as exc:
        parse([["项目台账"], ["甲", "乙"], ["P1", 1]])
    assert "第1行 项目编号: 缺少此列表头" in [str(e) for e in exc.value.errors]


def test_merged_cells_named_where_a_value_is_lost():
    rows = [HEAD, ["P1", 1, None, "是", "产业项目"], ["P2", None, None, None, None], ["P3", 2, None, None, None],
            ["P4", 3, None, None, None]]
    result = parse(rows, merge=["B2:B3", "D2:D3", "C4:E4"])
    assert [str(e) for e in result.errors] == [
        "第3行 计划总投资(万元): 位于合并单元格 B2:B3 中,本行没有值(请取消合并,在每行填写)",
        "第3行 是否外资: 位于合并单元格 D2:D3 中,本行没有值(请取消合并,在每行填写)",
    ]  # C4:E4 merges optional cells across one row: they are simply empty


def test_merged_required_cells_across_a_row():
    result = parse([HEAD, ["P1", None, None, None, None]], merge=["A2:B2"])
    assert [str(e) for e in result.errors] == [
        "第2行 计划总投资(万元): 位于合并单元格 A2:B2 中,本行没有值(请取消合并,在每行填写)"]


def test_only_header_means_no_rows_and_no_errors():
    result = parse([HEAD])
    assert result.ok and result.rows == []
