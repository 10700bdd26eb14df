"""Reading an uploaded file into a ``Table``: .xlsx/.xls (python-calamine), .csv (UTF-8 or GBK).

Pure Python, no Django. Used through ``tuijin.sheets.tabular``.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.etree import ElementTree
from zlib import error as zlib_error

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_UNPACKED = 200 * 1024 * 1024  # an .xlsx is a zip: its parts together may hold at most this much once unpacked
MAX_CELLS = 3_000_000  # cells of the sheet read (100,000 rows × 30 columns)
ROW_TAG, CELL_TAG = re.compile(rb"<row[ >]"), re.compile(rb"<c[ >]")
MAX_RATIO = 200  # a part unpacking to more than 200× its packed size is a zip bomb, not a spreadsheet
NOT_A_TABLE = "文件不是有效的 Excel 或 CSV 表格"


class FileProblem(Exception):
    """The file as a whole cannot be used: not a spreadsheet, empty, too big, wrong headers.

    ``errors`` holds one CellError per problem when they can be named (each header); ``table`` the table as read,
    when there is one, so the error workbook can still be offered.
    """

    def __init__(self, message: str, errors: Sequence = (), table: Table | None = None):
        super().__init__(message)
        self.message = message
        self.errors = list(errors)
        self.table = table


@dataclass(frozen=True)
class CellError:
    """One problem, located as the spreadsheet shows it; ``str()`` gives ``第N行 列名: 原因``."""

    row: int
    column: str
    message: str
    sheet: str = ""
    value: object = None

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}: {self.message}"


@dataclass
class Table:
    """One sheet as read: the header row's texts and the non-empty rows below it, with their row numbers."""

    sheet: str
    headers: list[str]
    rows: list[tuple[int, list]]  # (row number as the spreadsheet shows it, cell values)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row1, col1, row2, col2), 1-based
    bad_cells: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → why its value is unknown
    header_row: int = 1
    raw_headers: list = field(default_factory=list)  # the header cells as written, for the error workbook


def clean_header(value) -> str:
    """Header text compared leniently: full-width → half-width, no spaces or line breaks, no leading * mark."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else ""))
    return re.sub(r"\s+", "", text).lstrip("*＊※")


# ---------------------------------------------------------------------------------------------- detection

def sniff(data: bytes) -> str:
    """The real type of the bytes: xlsx (zip), xls (OLE2), csv (text), html, or binary."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "csv"  # UTF-16 text, as Excel's "Unicode text" saves it
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta")):
        return "html"
    if b"\x00" in data[:4096] or data[:5] == b"%PDF-":
        return "binary"
    return "csv"


def _decode_text(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem("CSV 文件的编码无法识别:请保存为 UTF-8 或 GBK 编码")  # pragma: no cover - gb18030 decodes all


# ---------------------------------------------------------------------------------------------- xlsx details

def _xlsx_sheet_path(zf: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip member of a named worksheet, through workbook.xml and its relationships."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    try:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    rid = next((s.get(f"{{{ns['r']}}}id") for s in book.iterfind("m:sheets/m:sheet", ns)
                if s.get("name") == sheet_name), None)
    target = next((r.get("Target") for r in rels.iterfind("p:Relationship", ns) if r.get("Id") == rid), None)
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


CELL = re.compile(r"<c\s([^>]*?)(?:/>|>(.*?)</c>)", re.S)
ATTR = re.compile(r'(\w+)="([^"]*)"')
VALUE = re.compile(r"<v>([^<]*)</v>|<v\s*/>")


def _xlsx_bad_cells(data: bytes, sheet_name: str) -> dict[tuple[int, int], str]:
    """Cells whose value calamine cannot give: a formula with no saved result, or an error such as #DIV/0!.

    calamine returns an empty cell for both, which would silently read as "not filled"."""
    bad: dict[tuple[int, int], str] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            path = _xlsx_sheet_path(zf, sheet_name)
            if path is None:
                return bad
            xml = zf.read(path).decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError):
        return bad
    if "<f" not in xml and 't="e"' not in xml:
        return bad
    for attrs, body in CELL.findall(xml):
        a = dict(ATTR.findall(attrs))
        body = body or ""
        if a.get("t") == "e":
            m = VALUE.search(body)
            reason = f"单元格是错误值{m.group(1) if m and m.group(1) else ''}"
            bad[_split_ref(a.get("r", "A1"))] = reason + ("(公式计算出错,请改正公式或改填数值)" if "<f" in body else "")
        elif "<f" in body:
            m = VALUE.search(body)
            if m is None or (not m.group(1) and a.get("t") not in ("str", "inlineStr")):
                bad[_split_ref(a.get("r", "A1"))] = "公式没有保存计算结果(请在 Excel 中打开并保存,或改为填写数值)"
    return bad


def _split_ref(ref: str) -> tuple[int, int]:
    """'B12' → (row 12, column 2)."""
    m = re.match(r"\$?([A-Z]+)\$?(\d+)", ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + (ord(ch) - 64)
    return int(m.group(2)), col


# ---------------------------------------------------------------------------------------------- reading

def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _blank_row(values) -> bool:
    try:  # a row of texts (CSV): one join in C instead of a test per cell
        return not "".join(values).strip()
    except TypeError:  # numbers, dates, None (workbooks)
        return all(_is_blank(v) for v in values)


def check_xlsx(data: bytes) -> None:
    """Refuse a zip bomb before any spreadsheet library unpacks it: the unpacked size of every part as declared and
    as actually streamed (declared sizes can lie), the packing ratio, and the number of rows and cells of each
    worksheet, counted while streaming (never held in memory)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise FileProblem(f"{NOT_A_TABLE}:压缩包已损坏") from exc
    with zf:
        infos = zf.infolist()
        if sum(i.file_size for i in infos) > MAX_UNPACKED:
            raise FileProblem(f"文件解压后超过 {MAX_UNPACKED // 1024 // 1024} MB,不像正常的表格,已拒绝读取")
        for info in infos:
            if info.file_size > 10 * 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise FileProblem("文件压缩比异常(疑似压缩炸弹),已拒绝读取")
        streamed = 0
        for info in infos:
            is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            rows = cells = 0
            tail = b""
            try:
                with zf.open(info) as part:
                    while chunk := part.read(1 << 20):
                        streamed += len(chunk)
                        if streamed > MAX_UNPACKED:
                            raise FileProblem(f"文件解压后超过 {MAX_UNPACKED // 1024 // 1024} MB,不像正常的表格,已拒绝读取")
                        if is_sheet:  # a tag cut between two chunks is counted once: with the tail it ends in
                            text = tail + chunk
                            rows += len(ROW_TAG.findall(text)) - len(ROW_TAG.findall(tail))
                            cells += len(CELL_TAG.findall(text)) - len(CELL_TAG.findall(tail))
                            tail = chunk[-8:]
                            if rows > MAX_ROWS + 10 or cells > MAX_CELLS:
                                raise FileProblem(f"工作表过大:单次导入不能超过 {MAX_ROWS} 行、{MAX_CELLS} 个单元格,"
                                                  "请分成几个文件导入")
            except (zipfile.BadZipFile, EOFError, zlib_error) as exc:
                raise FileProblem(f"{NOT_A_TABLE}:压缩包已损坏") from exc


def _workbook_grid(data: bytes, kind: str):
    """(sheet name, iterator of rows from A1, merged ranges, bad cells) of the first visible worksheet."""
    import python_calamine

    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        visible = [m.name for m in wb.sheets_metadata
                   if str(m.typ).endswith("WorkSheet") and str(m.visible).endswith(".Visible")]
        sheet = wb.get_sheet_by_name(visible[0]) if visible else wb.get_sheet_by_index(0)
        name = sheet.name
        merged = [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
        start_col = sheet.start[1] if sheet.start else 0
        rows = sheet.iter_rows()  # rows from row 1; columns from the first used column
    except Exception as exc:  # calamine raises its own error types for broken or encrypted files
        hint = "(若文件设置了打开密码,请先取消密码)" if kind == "xls" else ""
        raise FileProblem(f"{NOT_A_TABLE},无法读取{hint}") from exc
    bad = _xlsx_bad_cells(data, name) if kind == "xlsx" else {}
    pad = [""] * start_col
    return name, (pad + row for row in rows) if start_col else rows, merged, bad


def _csv_grid(data: bytes):
    text = _decode_text(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def check_size(size: int, max_bytes: int = MAX_BYTES) -> None:
    """Refuse a file over the size limit before anything reads it."""
    if size > max_bytes:
        raise FileProblem(f"文件过大({size / 1024 / 1024:.1f} MB):单个文件不能超过 {max_bytes / 1024 / 1024:g} MB,"
                          "请分成几个文件导入")


def read_table(data: bytes, filename: str = "", *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> Table:
    """Read the first visible sheet of an .xlsx/.xls workbook, or a .csv file, into a Table.

    The type comes from the bytes, not the file name. The header is the first non-empty row (row 1 in a
    template); fully empty rows are skipped; row numbers are those the spreadsheet shows."""
    if not data:
        raise FileProblem("文件是空的(0 字节)")
    check_size(len(data), max_bytes)
    kind = sniff(data)
    merged, bad = [], {}
    if kind in ("xlsx", "xls"):
        if kind == "xlsx":
            check_xlsx(data)
        sheet_name, grid, merged, bad = _workbook_grid(data, kind)
    elif kind == "csv":
        sheet_name, grid = (filename.replace("\\", "/").rsplit("/", 1)[-1] or "CSV"), _csv_grid(data)
    elif kind == "html":
        raise FileProblem(f"{NOT_A_TABLE}:这是网页(HTML/XML)格式的文件,只是扩展名像 Excel。"
                          "请在 Excel 或 WPS 中打开,另存为 .xlsx 后再上传")
    else:
        raise FileProblem(f"{NOT_A_TABLE},无法读取")
    headers, raw_headers, header_row, rows = None, [], 1, []
    try:
        for number, values in enumerate(grid, start=1):
            if _blank_row(values):
                continue
            if headers is None:
                header_row, raw_headers = number, list(values)
                headers = [clean_header(v) for v in values]
                while headers and headers[-1] == "":
                    headers.pop()
                continue
            rows.append((number, list(values)))
            if len(rows) > max_rows:
                raise FileProblem(f"数据行过多:单次导入不能超过 {max_rows} 行,请分成几个文件导入")
    except csv.Error as exc:
        raise FileProblem(f"{NOT_A_TABLE}:CSV 格式有误({exc})") from exc
    if headers is None:
        raise FileProblem(f"工作表「{sheet_name}」是空的:没有表头,也没有数据")
    return Table(sheet=sheet_name, headers=headers, rows=rows, merged=merged, bad_cells=bad, header_row=header_row,
                 raw_headers=raw_headers[: len(headers)])
