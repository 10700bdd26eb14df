"""Reading an uploaded file into a ``Table``: .xlsx/.xls (python-calamine), .csv (UTF-8 or GBK).

Pure Python, no Django. Used through ``tuijin.sheets.tabular``.
"""
from __future__ import annotations

import csv
import io
import re
import struct
import unicodedata
import zipfile
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from xml.etree import ElementTree
from zlib import error as zlib_error

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_UNPACKED = 200 * 1024 * 1024  # an .xlsx is a zip: its parts together may hold at most this much once unpacked
MAX_CELLS = 3_000_000  # cells of a sheet, and of the grid from A1 to its farthest cell (100,000 rows × 30 columns)
MAX_COLS = 1_000  # columns of a sheet: templates have 5–20, assessment data files about 60; an .xls holds 256 at most
ROW_TAG = re.compile(rb"<row[ >]")
CELL_TAGS = re.compile(rb"<c[\s/>]"), re.compile(rb":c[\s/>]")  # <c …>, <c/> and <x:c …>: calamine reads each
# Every r="B12" (cells) and r="12" (rows), wherever it stands: a lookahead, so no match can swallow the next one.
# Without digits it is no reference (operator="between"): calamine refuses such a cell or row anyway.
REF = re.compile(rb"""r(?=\s*=\s*["']([A-Za-z]*)(\d+))""")
DIMENSION = re.compile(rb"""<(?:[^\s/>:<]*:)?dimension\s[^>]*?ref\s*=\s*["'](?:[^"':]*:)?([A-Za-z]*)(\d+)""")
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


def _column(letters: bytes) -> int:
    """'B' → 2, 'AA' → 27; more than four letters count as far."""
    col = 0
    for ch in letters.upper()[:5]:
        col = col * 26 + ch - 64
    return col


def _letters(col: int) -> str:
    text = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        text = chr(65 + rest) + text
    return text


def _corner(refs) -> tuple[int, int]:
    """The farthest row and column among (letters, digits) references."""
    digits = list(map(itemgetter(1), refs))
    far = 10**10 if max(map(len, digits)) > 9 else max(map(int, digits))
    return far, max(map(_column, set(map(itemgetter(0), refs))))


def _check_extent(rows: int, cols: int) -> None:
    """Refuse a sheet reaching past what one import holds. calamine builds the whole grid from A1 to the farthest
    cell, empty cells included (32 bytes each): A1 and XFD1048576 alone would take 550 GB."""
    if rows > MAX_ROWS + 10 or cols > MAX_COLS or rows * cols > MAX_CELLS:
        raise _too_far(rows, cols)


def _too_far(rows: int, cols: int) -> FileProblem:
    cols = max(cols, 1)
    return FileProblem(f"工作表范围过大:最远的单元格是 {_letters(cols)}{rows}(第 {rows} 行、第 {cols} 列)。"
                       f"单次导入不能超过 {MAX_ROWS} 行、{MAX_COLS} 列,且行数×列数不超过 {MAX_CELLS};"
                       "请删除表格右侧和下方多余的内容和格式(或把数据复制到新工作表),也可分成几个文件导入")


def _positional_extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
    """The farthest row and column of the cells written without a reference (<c>): each takes the next column of
    the current row, so only an in-order parse places them. Row and column only ever move forward here, so a
    crafted order can make this larger than calamine's grid, never smaller."""
    from xml.parsers import expat

    far = [0, 0]
    at = [1, 1]  # the row and column the next unreferenced cell takes

    def start(name, attrs):
        name = name.split(":", 1)[-1]
        m = re.fullmatch("([A-Za-z]*)([0-9]*)", attrs.get("r", ""))
        if name == "row" and m and m[2]:
            at[0] = max(at[0], int(m[2]) if len(m[2]) < 10 else 10**10)
        elif name == "c":
            if m and m[1] and m[2]:
                at[1] = max(at[1], _column(m[1].encode()))  # referenced: counted by check_xlsx already
            else:
                far[:] = max(far[0], at[0]), max(far[1], at[1])
            at[1] += 1

    def end(name):
        if name.split(":", 1)[-1] == "row":
            at[:] = at[0] + 1, 1

    parser = expat.ParserCreate()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    try:
        with zf.open(info) as part:
            while chunk := part.read(1 << 20):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise FileProblem(f"{NOT_A_TABLE}:工作表内容有误({exc})") from exc
    return far[0], far[1]


def check_xlsx(data: bytes) -> None:
    """Refuse a zip bomb before any spreadsheet library unpacks it: the unpacked size of every part as declared and
    as actually streamed (declared sizes can lie), the packing ratio, and the number of rows and cells and the
    extent (farthest row and column) of each worksheet, counted while streaming (never held in memory)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise FileProblem(f"{NOT_A_TABLE}:压缩包已损坏") from exc
    with zf:
        infos = zf.infolist()
        names = {i.filename.replace("\\", "/").lower() for i in infos}
        if "mimetype" in names or "xl/workbook.bin" in names:  # calamine would read it as .ods/.xlsb, unchecked here
            raise FileProblem(f"{NOT_A_TABLE}:只支持 .xlsx、.xls 和 .csv,请在 Excel 或 WPS 中另存为 .xlsx 后再上传")
        if sum(i.file_size for i in infos) > MAX_UNPACKED:
            raise FileProblem(f"文件解压后超过 {MAX_UNPACKED // 1024 // 1024} MB,不像正常的表格,已拒绝读取")
        for info in infos:
            if info.file_size > 10 * 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise FileProblem("文件压缩比异常(疑似压缩炸弹),已拒绝读取")
        streamed = 0
        for info in infos:
            is_sheet, positional = False, False
            rows = cells = top = right = 0
            tail = b""
            try:
                with zf.open(info) as part:
                    while chunk := part.read(1 << 20):
                        streamed += len(chunk)
                        if streamed > MAX_UNPACKED:
                            raise FileProblem(f"文件解压后超过 {MAX_UNPACKED // 1024 // 1024} MB,不像正常的表格,已拒绝读取")
                        text = tail + chunk
                        # Cells count wherever a <sheetData> is, whatever the part's name: workbook.xml may point
                        # a sheet anywhere in the zip.
                        if not is_sheet and b"sheetData" not in text:
                            tail = text[-16:]
                            continue
                        is_sheet = True
                        cut = text.rfind(b">") + 1  # whole tags only: what follows waits for the next chunk
                        text, tail = text[:cut], text[cut:]
                        if len(tail) > 1 << 22:
                            raise FileProblem(f"{NOT_A_TABLE}:工作表内容有误")
                        starts = sum(len(tag.findall(text)) for tag in CELL_TAGS)
                        rows += len(ROW_TAG.findall(text))
                        cells += starts
                        positional = positional or starts != text.count(b'<c r="')
                        if refs := REF.findall(text):
                            far_row, far_col = _corner(refs)
                            top, right = max(top, far_row), max(right, far_col)
                        if b"dimension" in text and (dims := DIMENSION.findall(text)):
                            far_row, far_col = _corner(dims)
                            top, right = max(top, far_row), max(right, far_col)
                        if rows > MAX_ROWS + 10 or cells > MAX_CELLS:
                            raise FileProblem(f"工作表过大:单次导入不能超过 {MAX_ROWS} 行、{MAX_CELLS} 个单元格,"
                                              "请分成几个文件导入")
                        _check_extent(top, right)
            except (zipfile.BadZipFile, EOFError, zlib_error) as exc:
                raise FileProblem(f"{NOT_A_TABLE}:压缩包已损坏") from exc
            if positional:  # a cell not written as <c r="…": it may have no reference and take the next column
                far_row, far_col = _positional_extent(zf, info)
                _check_extent(max(top, far_row), max(right, far_col))


XLS_CELLS = {0x0006, 0x0203, 0x0204, 0x0205, 0x00D6, 0x00FD, 0x027E, 0x00BD}  # the records calamine makes cells of
END_OF_CHAIN = 0xFFFFFFFE
RECORD = struct.Struct("<HH")  # a BIFF record's type and length; also a cell's row and column


def _xls_stream(data: bytes) -> bytes:
    """The workbook stream of an .xls, out of its Compound File container, found the way calamine finds it.

    Raises ValueError (or IndexError, struct.error) when the container does not hold together."""
    size = 1 << struct.unpack_from("<H", data, 30)[0]
    if size not in (512, 4096) or struct.unpack_from("<H", data, 32)[0] != 6:
        raise ValueError("not a compound file")
    count = len(data) // size + 1

    def u32s(block: bytes) -> list[int]:
        return list(struct.unpack_from(f"<{len(block) // 4}I", block))

    def sector(i: int) -> bytes:
        return data[size * (i + 1):size * (i + 2)]

    def chain(start: int, table: list[int], length: int, read=sector, limit=count) -> bytes:
        out, got, i = [], 0, start
        while i != END_OF_CHAIN and got < length:
            if len(out) > limit:
                raise ValueError("a sector chain loops")
            out.append(read(i))
            got += len(out[-1])
            if got < length:
                i = table[i]
        return b"".join(out)[:length]

    difat, i = u32s(data[76:512]), struct.unpack_from("<I", data, 68)[0]
    for _ in range(count):
        if i >= 0xFFFFFFFA:  # no further sector of the table (end of chain, free)
            break
        difat += u32s(sector(i))
        i = difat.pop()
    else:
        raise ValueError("the sector table loops")
    fat_sectors = [i for i in difat if i < 0xFFFFFFFC]  # the others mark free or special sectors
    if len(fat_sectors) > count * 4 // size + 2:
        raise ValueError("more sector tables than sectors")
    fat = [n for i in fat_sectors for n in u32s(sector(i))]
    folder = chain(struct.unpack_from("<I", data, 48)[0], fat, 1 << 62)
    entries = [(folder[k:k + 64].decode("utf-16-le", "replace").split("\0")[0],
                struct.unpack_from("<I", folder, k + 116)[0],
                struct.unpack_from("<I" if size == 512 else "<Q", folder, k + 120)[0])
               for k in range(0, len(folder) - 127, 128)]
    for name in ("Workbook", "Book", "WORKBOOK", "BOOK"):
        found = next((e for e in entries if e[0] == name), None)
        if found:
            break
    else:
        raise ValueError("no workbook stream")
    _name, start, length = found
    if length >= 4096:
        return chain(start, fat, length)
    mini_start, mini_count = struct.unpack_from("<II", data, 60)
    if not mini_count:
        raise ValueError("no mini stream")
    mini = chain(entries[0][1], fat, entries[0][2])
    mini_fat = u32s(chain(mini_start, fat, mini_count * size))

    def mini_sector(i: int) -> bytes:
        if 64 * (i + 1) > len(mini):
            raise ValueError("a mini sector past the mini stream")  # calamine would read on in the file
        return mini[64 * i:64 * (i + 1)]

    return chain(start, mini_fat, length, mini_sector, len(mini) // 64 + 1)


def _xls_sheet_extent(stream: bytes, pos: int) -> tuple[int, int]:
    """The farthest row and column of the cells of the sheet whose records begin at ``pos``."""
    rows = cols = depth = 0
    read, end = RECORD.unpack_from, len(stream)  # a loop run for every record of the file: kept lean
    while pos + 4 <= end:
        typ, size = read(stream, pos)
        pos += 4
        if typ in XLS_CELLS and size >= 6:
            row, col = read(stream, pos)
            if typ == 0x00BD:  # MulRk: several cells, the last column at the end
                col = struct.unpack_from("<H", stream, pos + size - 2)[0]
            if row >= rows:
                rows = row + 1
            if col >= cols:
                cols = col + 1
        elif typ == 0x0809:  # BOF: the sheet's own, or a chart's inside it
            depth += 1
        elif typ == 0x000A:  # EOF
            depth -= 1
            if depth <= 0:
                break
        elif typ == 0x0200 and size in (10, 14):  # DIMENSIONS: calamine reserves room for all of it
            first, last, _col, last_col = struct.unpack_from("<HHHH" if size == 10 else "<IIHH", stream, pos)
            if last and last_col and (last < first or last > 65536 or last_col > 256):
                raise _too_far(last, last_col)
        pos += size
    return rows, cols


def _xls_sheets(stream: bytes) -> list[int]:
    """Where each sheet's records begin (BoundSheet records), as calamine reads them; none if encrypted."""
    sheets, pos = [], 0
    while pos + 4 <= len(stream):  # the workbook's own records, up to its EOF
        typ, size = RECORD.unpack_from(stream, pos)
        pos += 4
        if typ == 0x002F and stream[pos:pos + 2] != b"\0\0":
            return []  # FilePass: calamine refuses an encrypted file before reading any sheet
        if typ == 0x0085:
            sheets.append(struct.unpack_from("<I", stream, pos)[0])
        elif typ == 0x000A:
            break
        pos += size
    return sheets


def check_xls(data: bytes) -> None:
    """Refuse an .xls whose sheets reach too far, before calamine opens it: calamine builds the grid of every sheet
    of an .xls as it opens the file (a 6 KB file with one cell at IV65536 takes 1 GB, one at a column past IV
    aborts the process), and reserves room for the extent each sheet declares (DIMENSIONS)."""
    try:
        stream = _xls_stream(data)
        extents = [_xls_sheet_extent(stream, pos) for pos in _xls_sheets(stream)]
    except (ValueError, IndexError, struct.error) as exc:
        raise FileProblem(f"{NOT_A_TABLE},无法读取(若文件设置了打开密码,请先取消密码)") from exc
    for rows, cols in extents:
        _check_extent(rows, cols)
    if sum(rows * cols for rows, cols in extents) > MAX_CELLS:  # calamine keeps every sheet's grid, not one
        raise FileProblem(f"工作簿过大:各工作表的范围合计超过 {MAX_CELLS} 个单元格,请只保留要导入的工作表")


@contextmanager
def _calamine_reads(kind: str):
    """calamine's failures as the file's problem: its own error types, and the panic some broken files cause (pyo3's
    PanicException derives from BaseException, which ``except Exception`` would let through as a server error)."""
    try:
        yield
    except BaseException as exc:
        if not (isinstance(exc, Exception) or type(exc).__name__ == "PanicException"):
            raise  # KeyboardInterrupt, SystemExit, a generator closed early
        hint = "(若文件设置了打开密码,请先取消密码)" if kind == "xls" else ""
        raise FileProblem(f"{NOT_A_TABLE},无法读取{hint}") from exc


def _workbook_grid(data: bytes, kind: str):
    """(sheet name, iterator of rows from A1, merged ranges, bad cells) of the first visible worksheet."""
    import python_calamine

    with _calamine_reads(kind):
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        visible = [m.name for m in wb.sheets_metadata
                   if str(m.typ).endswith("WorkSheet") and str(m.visible).endswith(".Visible")]
        sheet = wb.get_sheet_by_name(visible[0]) if visible else wb.get_sheet_by_index(0)
        name = sheet.name
        merged = [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
        start_col = sheet.start[1] if sheet.start else 0
        rows = sheet.iter_rows()  # rows from row 1; columns from the first used column
    bad = _xlsx_bad_cells(data, name) if kind == "xlsx" else {}
    pad = [""] * start_col

    def grid():
        with _calamine_reads(kind):
            for row in rows:
                yield pad + row if start_col else row

    return name, grid(), merged, bad


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
        else:
            check_xls(data)
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
