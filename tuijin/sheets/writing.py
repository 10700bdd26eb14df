"""Writing workbooks from the same Column specs: the template, the export, the error workbook (openpyxl).

Pure Python, no Django. Used through ``tuijin.sheets.tabular``.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from tuijin.sheets.cells import FORMULA_START, Column, cell_text
from tuijin.sheets.reading import MAX_ROWS, CellError, Table, clean_header

AUTHOR = "tuijin"
HEADER_FILL = PatternFill("solid", fgColor="1D4F91")
REQUIRED_FILL = PatternFill("solid", fgColor="B3261E")  # required columns stand out in the template
ERROR_FILL = PatternFill("solid", fgColor="F8B4B4")
HEADER_FONT = Font(bold=True, color="FFFFFF")
LISTS_SHEET = "选项"
NOTES_SHEET = "填写说明"


def sheet_title(name: str) -> str:
    """A name Excel accepts as a sheet title (an uploaded CSV's file name may hold [ ] : * ? / \\)."""
    return re.sub(r"[\[\]:*?/\\]", "_", name or "数据")[:31]


def workbook_bytes(wb) -> bytes:
    """The workbook's file. Every workbook the system writes is saved here, which makes this its one formula guard:
    text a spreadsheet would run (``FORMULA_START``; openpyxl stores "=…" as a formula) is kept as text, whoever put
    it in a cell (core/tests/test_layers.py: no other module saves a workbook). A write-only workbook cannot be read
    back: its cells are guarded as they are made (``safe_text`` in this module)."""
    if not wb.write_only:
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                        cell.value = safe_text(cell.value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def safe_text(value):
    """Neutralise text a spreadsheet would run as a formula (= + - @ tab CR) by prefixing '; numbers untouched."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _excel_value(column: Column, value):
    """A stored value as the template expects it typed (labels for choices, 是/否 for booleans)."""
    if value is None:
        return None
    if column.kind == "boolean":
        return "是" if value else "否"
    if column.kind == "choice" and isinstance(column.choices, Mapping):
        for label, stored in column.choices.items():
            if stored == value:
                return label
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, Decimal)):
        return value  # genuine numbers stay numbers, negative ones too
    if isinstance(value, dt.datetime):
        if column.kind == "date":
            return value.date()
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date):
        return value
    return safe_text(str(value))


def _width(column: Column) -> float:
    return max(column.width, len(column.header) * 2 + 2)


def _header_cell(ws, column: Column, *, write_only: bool, col: int | None = None):
    cell = WriteOnlyCell(ws, value=column.header) if write_only else ws.cell(row=1, column=col, value=column.header)
    cell.font = HEADER_FONT
    cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    comment = Comment(column.rule(), AUTHOR)
    comment.width, comment.height = 240, 110
    cell.comment = comment
    return cell


def template_workbook(columns: Sequence[Column], *, title: str, lists: Mapping[str, Sequence[str]] | None = None,
                      example: Mapping | None = None, rows: int = MAX_ROWS) -> bytes:
    """An empty template: styled headers whose comments give each rule, number formats, drop-down lists for
    choice/boolean/lookup columns (options on a hidden sheet, so long lists work), and a 填写说明 sheet.

    ``lists``: options for lookup columns, by field (e.g. {"unit": [unit names]}); ``example``: one filled row."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(title)
    lists = dict(lists or {})
    options_sheet = None
    last = rows + 1
    for i, column in enumerate(columns, start=1):
        letter = get_column_letter(i)
        _header_cell(ws, column, write_only=False, col=i)
        dim = ws.column_dimensions[letter]
        dim.width = _width(column)
        dim.number_format = column.number_format
        options = list(lists.get(column.field) or column.choice_labels()
                       or (["是", "否"] if column.kind == "boolean" else []))
        if options:
            if options_sheet is None:
                options_sheet = wb.create_sheet(LISTS_SHEET)
                options_sheet.sheet_state = "hidden"
            for r, label in enumerate(options, start=1):
                options_sheet.cell(row=r, column=i, value=safe_text(label))
            dv = DataValidation(type="list", allow_blank=True, showErrorMessage=True, errorStyle="stop",
                                formula1=f"{quote_sheetname(LISTS_SHEET)}!${letter}$1:${letter}${len(options)}",
                                errorTitle="无效的值", error=f"请从下拉列表中选择{column.header}")
        elif column.kind in ("integer", "decimal") and (column.min_value is not None or column.max_value is not None):
            low = column.min_value if column.min_value is not None else -10**15
            high = column.max_value if column.max_value is not None else 10**15
            dv = DataValidation(type="whole" if column.kind == "integer" else "decimal", operator="between",
                                formula1=str(low), formula2=str(high), allow_blank=True, showErrorMessage=True,
                                errorStyle="warning", errorTitle="数值超出范围", error=column.rule())
        else:
            continue
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{last}")
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 32
    if example:
        for i, column in enumerate(columns, start=1):
            ws.cell(row=2, column=i, value=_excel_value(column, example.get(column.field)))
    _notes_sheet(wb, columns, lists)
    return workbook_bytes(wb)


def _notes_sheet(wb, columns: Sequence[Column], lists: Mapping) -> None:
    """How to fill each column, in words; the import reads only the first sheet, so this one is never imported."""
    ws = wb.create_sheet(NOTES_SHEET, 1)
    ws.append(["列名", "必填", "类型", "填写规则"])
    for cell in ws[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    kinds = {"text": "文字", "integer": "整数", "decimal": "数字", "date": "日期", "boolean": "是/否",
             "choice": "下拉选择", "lookup": "名称"}
    for column in columns:
        rule = column.rule()
        if column.kind == "lookup" and lists.get(column.field):
            rule += "可选:" + "、".join(str(x) for x in list(lists[column.field])[:30])
        ws.append([column.header, "是" if column.required else "", kinds[column.kind], rule])
    ws.append([])
    ws.append(["说明", "", "", "第1行是表头,请勿修改或删除表头;每行填写一条记录;整个文件无误才会导入,有任何错误都不会写入。"
                          "日期可写 2023-03-01、2023/3/1 或 2023年3月1日;金额只填数字,单位见表头。"])
    for letter, width in zip("ABCD", (24, 6, 10, 90)):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")


def export_workbook(columns: Sequence[Column], rows: Iterable[Mapping], *, title: str) -> bytes:
    """Rows (dicts keyed by Column.field) in the template layout, so the export imports back unchanged.

    Text starting with = + - @ (or tab/CR) is prefixed with ' so a spreadsheet never runs it; numbers stay
    numbers. Written in openpyxl's streaming mode (10,000 rows × 22 columns: about 2.5 s)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(title))
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _width(column)
    ws.freeze_panes = "A2"
    ws.append([_header_cell(ws, c, write_only=True) for c in columns])
    # Dates get their format from openpyxl itself; only fixed decimals need a styled cell (costly per cell).
    styled = {i: c.number_format for i, c in enumerate(columns) if c.kind == "decimal" and c.places}
    for row in rows:
        values = [_excel_value(c, row.get(c.field)) for c in columns]
        for i, fmt in styled.items():
            if values[i] is not None:
                cell = WriteOnlyCell(ws, value=values[i])
                cell.number_format = fmt
                values[i] = cell
        ws.append(values)
    return workbook_bytes(wb)


def error_workbook(table: Table, errors: Sequence[CellError]) -> bytes:
    """The uploaded rows back, each bad cell filled red with its message as a comment, an 错误 column with the
    row's messages, and a 错误清单 sheet listing every error (header problems included)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(table.sheet))
    headers = [cell_text(h) for h in (table.raw_headers or table.headers)] + ["错误"]
    col_of = {}
    for i, h in enumerate(table.headers):
        col_of.setdefault(h, i)
    by_row: dict[int, list[CellError]] = {}
    for e in errors:
        by_row.setdefault(e.row, []).append(e)
    header_problems = {clean_header(e.column): e for e in by_row.get(table.header_row, [])}
    for i, h in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(h) * 2 + 2))
    ws.column_dimensions[get_column_letter(len(headers))].width = 60
    ws.freeze_panes = "A2"
    row_cells = []
    for i, h in enumerate(headers):
        cell = WriteOnlyCell(ws, value=h)
        cell.font = Font(bold=True)
        problem = header_problems.get(table.headers[i]) if i < len(table.headers) else None
        if problem is not None:
            cell.fill = ERROR_FILL
            cell.comment = Comment(problem.message, AUTHOR)
        row_cells.append(cell)
    ws.append(row_cells)
    width = len(table.headers)
    for number, values in table.rows:
        values = list(values[:width]) + [None] * (width - len(values))
        cells = [safe_text(v) if isinstance(v, str) else v for v in values]
        problems = by_row.get(number, [])
        marks: dict[int, list[str]] = {}
        for e in problems:
            c = col_of.get(clean_header(e.column))
            if c is not None:
                marks.setdefault(c, []).append(e.message)
        for c, messages in marks.items():
            cell = WriteOnlyCell(ws, value=cells[c])
            cell.fill = ERROR_FILL
            cell.comment = Comment("\n".join(messages), AUTHOR)
            cells[c] = cell
        cells.append(";".join(str(e) for e in problems) if problems else None)
        ws.append(cells)
    listing = wb.create_sheet("错误清单")
    listing.append(["工作表", "行", "列", "值", "原因"])
    for e in sorted(errors, key=lambda e: e.row):
        listing.append([e.sheet or table.sheet, e.row, e.column, safe_text(cell_text(e.value)) or None, e.message])
    return workbook_bytes(wb)
