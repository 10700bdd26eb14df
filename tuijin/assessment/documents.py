"""Commendation lists as Word (official-document layout, shared with bulletins) and Excel."""
from __future__ import annotations

import io

from tuijin.bulletins.documents import BODY_FONT, HEADING_FONT, TITLE_FONT, _para, _table, clean

KIND_HEADINGS = {"unit": "先进集体", "award": "专项奖项", "individual": "先进个人"}


def commendation_docx(c, zone_name: str, issued_on) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    _para(doc, c.title, font=TITLE_FONT, size=22, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    entries = list(c.entries.all())
    for n, kind in enumerate(("unit", "award", "individual")):
        items = [e for e in entries if e.kind == kind]
        if not items:
            continue
        _para(doc, f"{'一二三'[n]}、{KIND_HEADINGS[kind]}", font=HEADING_FONT)
        if kind == "unit":
            for group in sorted({e.group for e in items}):
                names = "、".join(clean(e.unit_name) for e in items if e.group == group)
                _para(doc, f"{group or '—'}:{names}")
        elif kind == "award":
            for award in sorted({e.award for e in items}):
                _para(doc, f"{clean(award)}:{'、'.join(clean(e.unit_name) for e in items if e.award == award)}")
        else:
            _table(doc, ["姓名", "单位", "事迹"], [[e.person, e.unit_name, e.note] for e in items], [3, 5, 7])
    _para(doc, "", indent=False)
    _para(doc, f"{zone_name}管理委员会", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT, font=BODY_FONT)
    _para(doc, f"{issued_on.year}年{issued_on.month}月{issued_on.day}日", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def commendation_xlsx(c) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "表彰名单"
    ws.append([c.title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["类别", "分组/奖项", "单位", "姓名", "说明"])
    for e in c.entries.all():
        ws.append([KIND_HEADINGS[e.kind], e.group or e.award, clean(e.unit_name), clean(e.person), clean(e.note)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
