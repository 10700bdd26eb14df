"""Commendation lists as Word (official-document layout, tuijin/office) and Excel (numbers as numbers, text
guarded against formulas)."""
from __future__ import annotations

from tuijin.office import OfficialDocument, clean

KIND_HEADINGS = {"unit": "先进集体", "award": "专项奖项", "individual": "先进个人"}


def commendation_docx(c, zone_name: str, issued_on) -> bytes:
    # a zone's commendations are issued by its administrative committee; a city's (district's) by its government
    organ = "人民政府" if c.zone.level in c.zone.LEVELS_ABOVE else "管理委员会"
    doc = OfficialDocument(issuer=f"{zone_name}{organ}", title=c.title)
    doc.title(c.title)
    entries = list(c.entries.all())
    n = 0
    for kind in ("unit", "award", "individual"):
        items = [e for e in entries if e.kind == kind]
        if not items:
            continue
        doc.heading(f"{'一二三'[n]}、{KIND_HEADINGS[kind]}")
        n += 1
        if kind == "unit":
            for group in sorted({e.group for e in items}):
                names = "、".join(clean(e.unit_name) for e in items if e.group == group)
                doc.paragraph(f"{group or '—'}:{names}")
        elif kind == "award":
            for award in sorted({e.award for e in items}):
                doc.paragraph(f"{clean(award)}:{'、'.join(clean(e.unit_name) for e in items if e.award == award)}")
        else:
            doc.table(["姓名", "单位", "事迹"], [[e.person, e.unit_name, e.note] for e in items], wrap=[2])
    doc.signature(issued_on)
    return doc.to_bytes()


def commendation_xlsx(c) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from tuijin.sheets.writing import workbook_bytes

    wb = Workbook()
    ws = wb.active
    ws.title = "表彰名单"
    ws.append([clean(c.title)])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["类别", "分组/奖项", "单位", "姓名", "说明"])
    for e in c.entries.all():
        ws.append([KIND_HEADINGS[e.kind], clean(e.group or e.award), clean(e.unit_name), clean(e.person),
                   clean(e.note)])
    for col, width in zip("ABCDE", [10, 16, 24, 10, 40]):
        ws.column_dimensions[col].width = width
    return workbook_bytes(wb)
