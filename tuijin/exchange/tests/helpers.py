"""Building test files in memory: workbooks with openpyxl, CSV text in any encoding."""
from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

from tuijin.sheets.tabular import Column

COLS = [
    Column("项目编号", "code", required=True, max_length=10),
    Column("计划总投资(万元)", "amount", "decimal", required=True, min_value=0),
    Column("签约日期", "signed", "date"),
    Column("是否外资", "foreign", "boolean"),
    Column("项目类别", "category", "choice", choices={"产业项目": "industry", "基础设施项目": "infra"}),
]
HEAD = [c.header for c in COLS]


def xlsx(rows, *, merge=(), cells=None, title=None, sheets=None) -> bytes:
    """An .xlsx with ``rows`` on the first sheet; ``merge``: ranges; ``cells``: {"B2": value or "=formula"}."""
    wb = Workbook()
    ws = wb.active
    if title:
        ws.title = title
    for r in rows:
        ws.append(list(r))
    for ref in merge:
        ws.merge_cells(ref)
    for ref, value in (cells or {}).items():
        ws[ref] = value
    for name, state, srows in sheets or ():
        extra = wb.create_sheet(name, 0) if state == "first" else wb.create_sheet(name)
        for r in srows:
            extra.append(list(r))
        if state in ("hidden", "first"):
            extra.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def patch_sheet_xml(data: bytes, old: str, new: str) -> bytes:
    """Edit the first worksheet's XML, to make cells openpyxl cannot write (cached error values)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = body.decode()
                assert old in text, text[:2000]
                body = text.replace(old, new).encode()
            dst.writestr(item, body)
    return out.getvalue()
