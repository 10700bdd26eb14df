"""The one import/export framework: read a spreadsheet, check it against column specs, write templates.

Pure Python (no Django). Every import in tuijin — the project ledger, targets, actuals — declares its
columns once as ``Column`` specs; the same specs drive the downloadable template (with drop-down lists),
the validation of an upload, the error workbook handed back with bad cells marked, and the export (which
imports back unchanged).

    table = read_table(data, filename)              # .xlsx/.xls (calamine) or .csv (UTF-8/GBK)
    result = parse_table(table, COLUMNS)            # every error at once, never the first only
    for err in result.errors: print(err)            # "第3行 计划总投资(万元): 不是有效的数字「约100」"
    for row in result.rows: row.number, row.values  # values keyed by Column.field, typed

Rows are numbered as the spreadsheet shows them: the header is row 1, the first data row is row 2.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
EXCEL_EPOCH = dt.date(1899, 12, 30)


class FileProblem(Exception):
    """The file as a whole cannot be read (not a spreadsheet, empty, too big, wrong headers)."""

    def __init__(self, message: str, errors: Sequence[CellError] = ()):
        super().__init__(message)
        self.message = message
        self.errors = list(errors)


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    message: str
    sheet: str = ""
    value: object = None

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}: {self.message}"


@dataclass
class Table:
    sheet: str
    headers: list[str]
    rows: list[tuple[int, list]]  # (spreadsheet row number, cell values)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (r1, c1, r2, c2), 1-based rows
    formula_cells: set[tuple[int, int]] = field(default_factory=set)  # (row, col) formulas with no value


@dataclass
class Row:
    number: int
    values: dict


@dataclass
class ParseResult:
    rows: list[Row]
    errors: list[CellError]

    @property
    def ok(self) -> bool:
        return not self.errors


# ---------------------------------------------------------------------------------------------- reading

def _kind_of(data: bytes) -> str:
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    sample = data[:4096]
    if b"\x00" in sample:
        return "binary"
    return "csv"


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem("CSV 文件编码无法识别:请保存为 UTF-8 或 GBK 编码")


def _clean_header(value) -> str:
    return unicodedata.normalize("NFKC", str(value if value is not None else "")).replace(" ", "").strip()


def _merged_and_formulas(data: bytes, sheet_index: int) -> tuple[list, set]:
    """Merged ranges and formula cells without a saved value, read straight from the sheet XML."""
    merged, formulas = [], set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = sorted(n for n in zf.namelist() if re.match(r"xl/worksheets/sheet\d+\.xml$", n))
            if not names:
                return merged, formulas
            xml = zf.read(names[min(sheet_index, len(names) - 1)]).decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError):
        return merged, formulas
    for ref in re.findall(r'<mergeCell ref="([A-Z]+\d+):([A-Z]+\d+)"', xml):
        (c1, r1), (c2, r2) = (_split_ref(ref[0]), _split_ref(ref[1]))
        merged.append((r1, c1, r2, c2))
    if "<f" in xml:
        for ref, body in re.findall(r'<c r="([A-Z]+\d+)"[^>]*>(.*?)</c>', xml):
            if "<f" in body and not re.search(r"<v>[^<]+</v>", body):
                col, row = _split_ref(ref)
                formulas.add((row, col))
    return merged, formulas


def _split_ref(ref: str) -> tuple[int, int]:
    m = re.match(r"([A-Z]+)(\d+)", ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + (ord(ch) - 64)
    return col, int(m.group(2))


def read_table(data: bytes, filename: str = "", *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> Table:
    """Read the first sheet of an .xlsx/.xls workbook or a .csv file into a Table."""
    if len(data) > max_bytes:
        raise FileProblem(f"文件过大({len(data) / 1024 / 1024:.1f} MB):单个文件不能超过 {max_bytes // 1024 // 1024} MB")
    if not data:
        raise FileProblem("文件为空")
    kind = _kind_of(data)
    merged, formulas = [], set()
    if kind in ("xlsx", "xls"):
        import python_calamine

        try:
            wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = wb.get_sheet_by_index(0)
            grid = sheet.to_python(skip_empty_area=False)
            sheet_name = sheet.name
        except Exception as exc:  # calamine raises its own error types for broken files
            raise FileProblem("文件不是有效的 Excel 或 CSV 表格,无法读取") from exc
        if kind == "xlsx":
            merged, formulas = _merged_and_formulas(data, 0)
        else:
            merged = [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
    elif kind == "csv":
        text = _decode_csv(data)
        grid = list(csv.reader(io.StringIO(text)))
        sheet_name = filename.rsplit("/", 1)[-1] or "CSV"
    else:
        raise FileProblem("文件不是有效的 Excel 或 CSV 表格,无法读取")
    while grid and all(v in ("", None) for v in grid[0]):
        grid = grid[1:]  # tolerate blank lines above the header
    if not grid:
        raise FileProblem(f"工作表「{sheet_name}」是空的:没有表头,也没有数据")
    headers = [_clean_header(v) for v in grid[0]]
    while headers and headers[-1] == "":
        headers.pop()
    rows = []
    for i, values in enumerate(grid[1:], start=2):
        if all(v in ("", None) or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        rows.append((i, list(values)))
        if len(rows) > max_rows:
            raise FileProblem(f"数据行过多:单次导入不能超过 {max_rows} 行")
    return Table(sheet=sheet_name, headers=headers, rows=rows, merged=merged, formula_cells=formulas)


# ---------------------------------------------------------------------------------------------- columns

FULLWIDTH = str.maketrans("０１２３４５６７８９．－＋，", "0123456789.-+,")


@dataclass(frozen=True)
class Column:
    """One column of an import/export layout.

    kind: text, integer, decimal, date, boolean, choice.
    choices: for choice columns, the allowed labels (list) or a label → stored value mapping.
    lookup: optional callable label → value (None if unknown) for references such as units;
            ``lookup_name`` names the thing in the error message ("责任单位").
    """

    header: str
    field: str
    kind: str = "text"
    required: bool = False
    choices: Sequence[str] | dict | None = None
    min_value: Decimal | int | None = None
    max_value: Decimal | int | None = None
    max_length: int | None = None
    places: int | None = None
    help: str = ""
    width: int = 14
    lookup: Callable[[str], object] | None = field(default=None, compare=False)

    def choice_labels(self) -> list[str]:
        if self.choices is None:
            return []
        return list(self.choices.keys()) if isinstance(self.choices, dict) else list(self.choices)


class CellProblem(ValueError):
    pass


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise CellProblem(f"不是有效的数字「{value}」")
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    s = unicodedata.normalize("NFKC", str(value)).translate(FULLWIDTH).strip().replace(" ", "")
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?", s):
        s = s.replace(",", "")
    try:
        d = Decimal(s)
    except InvalidOperation as exc:
        raise CellProblem(f"不是有效的数字「{value}」") from exc
    if not d.is_finite():
        raise CellProblem(f"不是有效的数字「{value}」")
    return d


DATE_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel serial day numbers (1900 system)
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise CellProblem(f"不是有效的日期「{value}」")
    s = unicodedata.normalize("NFKC", str(value)).strip()
    s = re.sub(r"\s+0{1,2}:0{2}(:0{2})?$", "", s)  # "2023-03-01 00:00:00"
    for pattern in DATE_PATTERNS:
        m = pattern.match(s)
        if m:
            y, mo, d = (int(x) for x in m.groups())
            try:
                return dt.date(y, mo, d)
            except ValueError as exc:
                raise CellProblem(f"日期不存在「{value}」") from exc
    if re.fullmatch(r"\d{5}(\.\d+)?", s):
        return parse_date(float(s))
    raise CellProblem(f"不是有效的日期「{value}」,请写成 2023-03-01、2023/3/1 或 2023年3月1日")


TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "外资"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "", "内资"}


def parse_cell(column: Column, value):
    """Typed value for one cell, or raise CellProblem with the reason in Chinese."""
    text = _text(value)
    if text == "":
        if column.required:
            raise CellProblem("不能为空")
        return None
    kind = column.kind
    if kind == "text":
        if column.max_length and len(text) > column.max_length:
            raise CellProblem(f"超过 {column.max_length} 个字")
        return text
    if kind in ("decimal", "integer"):
        d = parse_decimal(value)
        value = text  # messages quote the cell as the person sees it (5, not 5.0)
        if kind == "integer" and d != d.to_integral_value():
            raise CellProblem(f"应为整数「{value}」")
        if column.min_value is not None and d < column.min_value:
            raise CellProblem(f"不能小于 {column.min_value}「{value}」" if column.min_value != 0 else f"不能为负数「{value}」")
        if column.max_value is not None and d > column.max_value:
            raise CellProblem(f"不能大于 {column.max_value}「{value}」")
        return int(d) if kind == "integer" else d
    if kind == "date":
        return parse_date(value)
    if kind == "boolean":
        low = text.lower()
        if low in TRUE_WORDS:
            return True
        if low in FALSE_WORDS:
            return False
        raise CellProblem(f"应填「是」或「否」,而不是「{text}」")
    if kind == "choice":
        labels = column.choice_labels()
        if text not in labels:
            raise CellProblem(f"「{text}」不在可选值中:{'、'.join(labels[:20])}")
        return column.choices[text] if isinstance(column.choices, dict) else text
    if kind == "lookup":
        found = column.lookup(text) if column.lookup else None
        if found is None:
            raise CellProblem(f"未知的{column.header}「{text}」")
        return found
    raise ValueError(f"unknown column kind {kind}")


# ---------------------------------------------------------------------------------------------- parsing

def check_headers(table: Table, columns: Sequence[Column]) -> list[CellError]:
    """Every missing, unknown or repeated header (order is free; names must match)."""
    expected = [c.header for c in columns]
    errors = []
    seen = set()
    for i, h in enumerate(table.headers, start=1):
        if h == "":
            continue
        if h in seen:
            errors.append(CellError(1, h, "表头重复", table.sheet))
        seen.add(h)
        if h not in expected:
            hint = _closest(h, expected)
            errors.append(CellError(1, h, f"不认识的表头(第{i}列)" + (f",是否应为「{hint}」?" if hint else ""), table.sheet))
    for c in columns:
        if c.header not in seen:
            errors.append(CellError(1, c.header, "缺少此列表头", table.sheet))
    return errors


def _closest(header: str, expected: Iterable[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(header, list(expected), n=1, cutoff=0.5)
    return found[0] if found else None


def parse_table(table: Table, columns: Sequence[Column], *, key: str | None = None) -> ParseResult:
    """Check headers and every cell; collect all errors. ``key``: a field that must be unique in the file."""
    header_errors = check_headers(table, columns)
    if header_errors:
        raise FileProblem("表头不符合模板:" + ";".join(str(e) for e in header_errors), header_errors)
    index = {h: i for i, h in enumerate(table.headers)}
    merged_cells = {}
    for r1, c1, r2, c2 in table.merged:
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    merged_cells[(r, c)] = (r1, c1)
    rows, errors = [], []
    first_seen: dict = {}
    for number, values in table.rows:
        parsed, row_ok = {}, True
        for column in columns:
            col_index = index[column.header]
            value = values[col_index] if col_index < len(values) else None
            try:
                parsed[column.field] = parse_cell(column, value)
            except CellProblem as exc:
                message = str(exc)
                if (number, col_index + 1) in merged_cells and _text(value) == "":
                    message = "位于合并单元格中(请取消合并并在每行填写)"
                elif (number, col_index + 1) in table.formula_cells:
                    message = "公式没有保存计算结果(请在 Excel 中打开并保存,或改为填写数值)"
                errors.append(CellError(number, column.header, message, table.sheet, value))
                row_ok = False
        if key is not None and parsed.get(key) not in (None, ""):
            k = parsed[key]
            if k in first_seen:
                header = next(c.header for c in columns if c.field == key)
                errors.append(CellError(number, header, f"「{k}」与第{first_seen[k]}行重复", table.sheet, k))
                row_ok = False
            else:
                first_seen[k] = number
        if row_ok:
            rows.append(Row(number, parsed))
    return ParseResult(rows=rows, errors=errors)


# ---------------------------------------------------------------------------------------------- writing

def _safe(value):
    """Neutralise text that a spreadsheet would run as a formula (formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _cell_value(column: Column, value):
    if value is None:
        return None
    if column.kind == "boolean":
        return "是" if value else "否"
    if column.kind == "choice" and isinstance(column.choices, dict):
        for label, stored in column.choices.items():
            if stored == value:
                return label
    if column.kind in ("decimal", "integer") and isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if column.kind == "date":
        return value
    return _safe(value if not isinstance(value, str) else value)


def _header_row(ws, columns: Sequence[Column]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    fill = PatternFill("solid", fgColor="1D4F91")
    for i, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=column.header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        note = column.help or ("必填" if column.required else "")
        if note:
            cell.comment = Comment(note, "tuijin")
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "A2"


def workbook_bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_workbook(columns: Sequence[Column], *, title: str, lists: dict[str, list[str]] | None = None,
                      example: dict | None = None) -> bytes:
    """An empty template: styled headers with notes, drop-down lists for choice/boolean/lookup columns."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    _header_row(ws, columns)
    lists = dict(lists or {})
    hidden = None
    for i, column in enumerate(columns, start=1):
        options = lists.get(column.field) or column.choice_labels() or (["是", "否"] if column.kind == "boolean" else [])
        letter = get_column_letter(i)
        if options:
            if hidden is None:
                hidden = wb.create_sheet("选项")
                hidden.sheet_state = "hidden"
            for r, label in enumerate(options, start=1):
                hidden.cell(row=r, column=i, value=label)
            dv = DataValidation(type="list", formula1=f"=选项!${letter}$1:${letter}${len(options)}", allow_blank=True,
                                showErrorMessage=True, errorTitle="无效的值", error=f"请从下拉列表中选择{column.header}")
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}5000")
        elif column.kind == "date":
            for r in range(2, 3):
                ws.cell(row=r, column=i).number_format = "yyyy-mm-dd"
    if example:
        for i, column in enumerate(columns, start=1):
            ws.cell(row=2, column=i, value=_cell_value(column, example.get(column.field)))
    return workbook_bytes(wb)


def export_workbook(columns: Sequence[Column], rows: Iterable[dict], *, title: str) -> bytes:
    """Rows in the template layout, so an export imports back unchanged; text is formula-safe."""
    from openpyxl import Workbook

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = title[:31]
    _header_row(ws, columns)
    date_cols = [i for i, c in enumerate(columns, start=1) if c.kind == "date"]
    for r, row in enumerate(rows, start=2):
        ws.append([_cell_value(c, row.get(c.field)) for c in columns])
        for i in date_cols:
            ws.cell(row=r, column=i).number_format = "yyyy-mm-dd"
    return workbook_bytes(wb)


def error_workbook(table: Table, errors: Sequence[CellError]) -> bytes:
    """The uploaded rows back, each bad cell red with its message as a comment, plus an 错误 column."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    red = PatternFill("solid", fgColor="F8B4B4")
    wb = Workbook()
    ws = wb.active
    ws.title = (table.sheet or "数据")[:31]
    headers = list(table.headers) + ["错误"]
    for i, h in enumerate(headers, start=1):
        ws.cell(row=1, column=i, value=h).font = Font(bold=True)
    by_row: dict[int, list[CellError]] = {}
    for e in errors:
        by_row.setdefault(e.row, []).append(e)
    col_of = {h: i for i, h in enumerate(table.headers, start=1)}
    for out_row, (number, values) in enumerate(table.rows, start=2):
        for i, v in enumerate(values[: len(table.headers)], start=1):
            ws.cell(row=out_row, column=i, value=_safe(v) if isinstance(v, str) else v)
        problems = by_row.get(number, [])
        for e in problems:
            c = col_of.get(e.column)
            if c:
                cell = ws.cell(row=out_row, column=c)
                cell.fill = red
                cell.comment = Comment(e.message, "tuijin")
        if problems:
            ws.cell(row=out_row, column=len(headers), value=";".join(str(e) for e in problems))
    return workbook_bytes(wb)
