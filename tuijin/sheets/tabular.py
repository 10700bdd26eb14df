"""The one import/export framework: read a spreadsheet, check it against column specs, write workbooks.

Pure Python (no Django). Every import in tuijin — the project ledger, targets, actuals — declares its
columns once as ``Column`` specs; the same specs drive the downloadable template (with drop-down lists),
the validation of an upload, the error workbook handed back with bad cells marked, and the export (which
imports back unchanged).

    from tuijin.sheets.tabular import Column, FileProblem, read_table, parse_table

    COLUMNS = [Column("项目编号", "code", required=True, max_length=40),
               Column("计划总投资(万元)", "planned_investment", "decimal", required=True, min_value=0),
               Column("签约日期", "signed", "date"),
               Column("责任单位", "unit", "lookup", required=True, lookup={"钵池街道": 7}.get)]
    try:
        table = read_table(data, filename)               # .xlsx/.xls (calamine) or .csv (UTF-8/GBK)
        result = parse_table(table, COLUMNS, key="code")  # every error at once, never the first only
    except FileProblem as exc:                           # not a table, empty, too big, headers wrong
        print(exc.message); exc.errors                   # one CellError per header problem
    for err in result.errors: print(err)                 # "第3行 计划总投资(万元): 不是有效的数字「约100」"
    for row in result.rows: row.number, row.values       # {"code": "P1", "planned_investment": Decimal(..), ...}

    template_workbook(COLUMNS, title="项目台账", lists={"unit": names})  # bytes of an .xlsx with drop-downs
    export_workbook(COLUMNS, rows, title="项目台账")      # rows: dicts keyed by field; formula-safe
    error_workbook(table, result.errors)                 # the upload back, bad cells red with comments

Rows are numbered as the spreadsheet shows them: the header is row 1, the first data row is row 2.
Headers: every column's header must be present exactly once; order is free; unknown headers are errors
(a column headed 错误, which the error workbook adds, is ignored so a corrected error workbook can be uploaded).
A single title row above the header ("2023年重点项目台账") is skipped.
"""
from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from tuijin.sheets.cells import CellProblem, Column, cell_text, parse_cell, parse_date, parse_decimal
from tuijin.sheets.reading import (MAX_BYTES, MAX_ROWS, CellError, FileProblem, Table, check_size, clean_header,
                                     read_table)
from tuijin.sheets.writing import error_workbook, export_workbook, template_workbook, workbook_bytes

__all__ = [
    "MAX_BYTES", "MAX_ROWS", "CellError", "CellProblem", "Column", "FileProblem", "ParseResult", "Row", "Table",
    "cell_text", "check_headers", "check_size", "clean_header", "error_workbook", "export_workbook", "parse_cell",
    "parse_date", "parse_decimal", "parse_table", "read_table", "template_workbook", "workbook_bytes",
]

IGNORED_HEADERS = {"错误"}


@dataclass
class Row:
    number: int  # as the spreadsheet shows it
    values: dict  # Column.field → typed value (None for an empty optional cell)


@dataclass
class ParseResult:
    rows: list[Row]  # the rows without any error
    errors: list[CellError]

    @property
    def ok(self) -> bool:
        return not self.errors


def check_headers(table: Table, columns: Sequence[Column]) -> list[CellError]:
    """One error per missing, unknown or repeated header (order is free; names are compared leniently)."""
    expected = {clean_header(c.header): c.header for c in columns}
    errors, seen = [], set()
    row = table.header_row
    for i, h in enumerate(table.headers, start=1):
        if h == "" or h in IGNORED_HEADERS:
            continue
        shown = cell_text(table.raw_headers[i - 1]) if i <= len(table.raw_headers) else h
        if h in seen:
            errors.append(CellError(row, shown, f"表头重复(第{i}列)", table.sheet))
            continue
        seen.add(h)
        if h not in expected:
            hint = difflib.get_close_matches(h, list(expected), n=1, cutoff=0.5)
            errors.append(CellError(row, shown, f"不认识的表头(第{i}列)"
                                    + (f",是否应为「{expected[hint[0]]}」?" if hint else ""), table.sheet))
    for key, header in expected.items():
        if key not in seen:
            errors.append(CellError(row, header, "缺少此列表头", table.sheet))
    return errors


def _skip_title_row(table: Table, columns: Sequence[Column]) -> Table:
    """A table whose first row is a one-cell title and whose next row holds the headers, re-read from there."""
    if sum(1 for h in table.headers if h) != 1 or not table.rows:
        return table
    number, values = table.rows[0]
    headers = [clean_header(v) for v in values]
    known = {clean_header(c.header) for c in columns}
    if len(known.intersection(headers)) * 2 < len(known):
        return table
    while headers and headers[-1] == "":
        headers.pop()
    return Table(sheet=table.sheet, headers=headers, rows=table.rows[1:], merged=table.merged,
                 bad_cells=table.bad_cells, header_row=number, raw_headers=list(values)[: len(headers)])


def parse_table(table: Table, columns: Sequence[Column], *, key: str | Sequence[str] | None = None) -> ParseResult:
    """Check the headers, then every cell of every row, collecting all errors.

    ``key``: a field (or several) whose values must not repeat within the file. Raises FileProblem (with one
    CellError per header) when the headers are wrong, since no cell can be read then."""
    table = _skip_title_row(table, columns)
    header_errors = check_headers(table, columns)
    if header_errors:
        raise FileProblem("表头与模板不符:" + ";".join(str(e) for e in header_errors), header_errors, table)
    index = {h: i for i, h in enumerate(table.headers) if h}
    positions = [(column, index[clean_header(column.header)]) for column in columns]
    covered = {}  # cells hidden under a merged range → the range's top-left cell
    for r1, c1, r2, c2 in table.merged:
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    covered[(r, c)] = (r1, c1, r2, c2)
    values_at = {number: values for number, values in table.rows} if covered else {}
    keys = [key] if isinstance(key, str) else list(key or ())
    key_headers = "、".join(c.header for f in keys for c in columns if c.field == f)
    rows, errors, first_seen = [], [], {}
    for number, values in table.rows:
        parsed, row_ok = {}, True
        for column, i in positions:
            value = values[i] if i < len(values) else None
            cell = (number, i + 1)
            try:
                if cell in table.bad_cells:
                    raise CellProblem(table.bad_cells[cell])
                if cell in covered and cell_text(value) == "":
                    _check_merged(column, covered[cell], values_at, number)
                parsed[column.field] = parse_cell(column, value)
            except CellProblem as exc:
                errors.append(CellError(number, column.header, str(exc), table.sheet, value))
                row_ok = False
        if keys:
            k = tuple(parsed.get(f) for f in keys)
            if all(v not in (None, "") for v in k):
                shown = "、".join(str(v) for v in k)
                if k in first_seen:
                    errors.append(CellError(number, key_headers, f"「{shown}」与第{first_seen[k]}行重复", table.sheet,
                                            shown))
                    row_ok = False
                else:
                    first_seen[k] = number
        if row_ok:
            rows.append(Row(number, parsed))
    return ParseResult(rows=rows, errors=errors)


def _check_merged(column: Column, span, values_at: dict, number: int) -> None:
    """An empty cell under a merged range: its value sits in the range's first cell, so this row lacks it."""
    r1, c1, r2, c2 = span
    top = values_at.get(r1)
    top_value = top[c1 - 1] if top is not None and c1 - 1 < len(top) else None
    if r1 == number and not column.required:
        return  # merged across columns on one row: this column is simply empty
    if cell_text(top_value) != "" or column.required:
        raise CellProblem(f"位于合并单元格 {_ref(r1, c1)}:{_ref(r2, c2)} 中,本行没有值"
                          "(请取消合并,在每行填写)")


def _ref(row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"
