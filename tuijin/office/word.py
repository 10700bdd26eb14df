"""Word documents in the layout of GB/T 9704-2012 (党政机关公文格式).

Page A4; margins top 37 mm, bottom 35 mm, left (订口) 28 mm, right 26 mm, so the text block is 156 × 225 mm.
Body 3号仿宋 (16 pt) on a fixed 28.95 pt line (22 lines a page); title 2号小标宋 (22 pt); first-level headings
黑体, second-level 楷体; the issuing organ's mark (发文机关标志) in red 小标宋 with the document number (发文字号)
under it and a red rule; page numbers 4号宋体 "— 1 —", odd pages right and even pages left, one character in.
Fonts are asked for by their official names; where a machine lacks them the PDF step substitutes free faces
(tuijin/office/pdf.py).
"""
from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence

BODY_FONT = "仿宋_GB2312"  # Word/WPS fall back to 仿宋 / FangSong where GB2312 fonts are missing
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
KAITI = "楷体_GB2312"
TABLE_FONT = "宋体"
RED = (0xC0, 0x00, 0x00)
LINE_PT = 28.95  # 22 lines of 3号 on the 225 mm text block
TEXT_WIDTH_CM = 15.6
NUMERALS = "一二三四五六七八九十"
# Characters XML 1.0 (and so Word) cannot hold.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text) -> str:
    """Text safe for Word: characters XML rejects are dropped."""
    return _XML_BAD.sub("", "" if text is None else str(text))


def text_width(text: str) -> float:
    """Width in em of the table font: a CJK (full-width) character 1, "%" 0.85, digits and Latin letters 0.6
    (measured on the serif faces the PDF uses, rounded up)."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.85 if ch in "%%" else 0.6 for ch in str(text))


def _font(run, name: str, size_pt: float, bold: bool = False, color=None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = "Times New Roman" if name in (BODY_FONT, KAITI) else name
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = RGBColor(*color)
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:hint"), "eastAsia")


class OfficialDocument:
    """One document; add its parts in reading order, then ``to_bytes()``."""

    def __init__(self, *, issuer: str, doc_number: str = "", draft_mark: str = "", title: str = ""):
        from docx import Document
        from docx.shared import Mm, Pt

        self.issuer = clean(issuer)
        self.doc_number = clean(doc_number)
        self.doc = Document()
        sec = self.doc.sections[0]
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
        sec.footer_distance = Mm(20)
        self.doc.styles["Normal"].font.size = Pt(16)
        self.doc.settings.odd_and_even_pages_header_footer = True
        self._page_numbers(sec)
        if title:
            self.doc.core_properties.title = clean(title)
        if draft_mark:  # 征求意见稿 and the like stand at the top right of the first page
            self.paragraph(draft_mark, font=HEADING_FONT, indent=False, align="right")

    # ------------------------------------------------------------------ parts of the document

    def paragraph(self, text: str, *, font: str = BODY_FONT, size: float = 16, bold: bool = False,
                  align: str | None = None, indent: bool = True, color=None, space_after: float = 0):
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.shared import Pt

        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(max(LINE_PT, size * 1.25))
        fmt.space_after = Pt(space_after)
        fmt.space_before = Pt(0)
        if indent:
            fmt.first_line_indent = Pt(size * 2)
        if align is not None:
            p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                           "left": WD_ALIGN_PARAGRAPH.LEFT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
        _font(p.add_run(clean(text)), font, size, bold, color)
        return p

    def red_head(self) -> None:
        """The issuing organ's mark in red, the document number under it, and the red rule below both."""
        head = self.paragraph(self.issuer, font=TITLE_FONT, size=26, indent=False, align="center", color=RED,
                              space_after=6)
        last = head
        if self.doc_number:
            last = self.paragraph(self.doc_number, indent=False, align="center", space_after=4)
        self._red_rule(last)
        self.paragraph("", indent=False)

    def title(self, text: str) -> None:
        self.paragraph(text, font=TITLE_FONT, size=22, indent=False, align="center", space_after=12)
        if not self.doc.core_properties.title:
            self.doc.core_properties.title = clean(text)

    def addressee(self, text: str) -> None:
        self.paragraph(text, indent=False)

    def heading(self, text: str, *, level: int = 1) -> None:
        """一、 in 黑体; (一) in 楷体; 1. in 仿宋 bold."""
        if level == 1:
            self.paragraph(text, font=HEADING_FONT)
        elif level == 2:
            self.paragraph(text, font=KAITI)
        else:
            self.paragraph(text, bold=True)

    def caption(self, text: str) -> None:
        self.paragraph(text, font=HEADING_FONT, size=12, indent=False, align="center")

    def picture(self, png: bytes, *, width_cm: float = 15.2) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm

        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))

    def table(self, headers: Sequence[str], rows: Sequence[Sequence], *, numeric: Sequence[int] = (),
              wrap: Sequence[int] = (), font_size: float = 10.5) -> None:
        """A ruled table in 5号宋体. Columns are as wide as their longest cell so figures ("-42.2%") and codes never
        break; ``wrap`` columns (names, reasons) share what is left of the 15.6 cm and wrap; ``numeric`` columns
        align right."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm

        widths = column_widths(headers, rows, wrap=wrap, font_size=font_size)
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for i, h in enumerate(headers):
            p = table.rows[0].cells[i].paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(p.add_run(clean(h)), HEADING_FONT, font_size)
        for r in rows:
            cells = table.add_row().cells
            for i, v in enumerate(r):
                p = cells[i].paragraphs[0]
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if i in numeric else (
                    WD_ALIGN_PARAGRAPH.LEFT if i in wrap or i == 0 else WD_ALIGN_PARAGRAPH.CENTER)
                _font(p.add_run(clean(v)), TABLE_FONT, font_size)
        for row in table.rows:
            for i, w in enumerate(widths):
                row.cells[i].width = Cm(w)
        for i, w in enumerate(widths):
            table.columns[i].width = Cm(w)
        self._fixed_layout(table)

    def signature(self, date: dt.date, *, issuer: str | None = None) -> None:
        """The issuer and the date (成文日期, Arabic numerals), right-aligned, after a blank line."""
        self.paragraph("", indent=False)
        self.paragraph(issuer if issuer is not None else self.issuer, indent=False, align="right")
        self.paragraph(f"{date.year}年{date.month}月{date.day}日", indent=False, align="right")

    def to_bytes(self, *, author: str = "") -> bytes:
        if author:
            self.doc.core_properties.author = clean(author)
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    # ------------------------------------------------------------------ helpers

    def _fixed_layout(self, table) -> None:
        """Word and LibreOffice keep the given column widths instead of fitting them to the text."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        tbl_pr = table._tbl.tblPr
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tbl_pr.append(layout)

    def _red_rule(self, paragraph) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        ppr = paragraph._p.get_or_add_pPr()
        border = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for k, v in (("val", "single"), ("sz", "18"), ("space", "6"), ("color", "C00000")):
            bottom.set(qn(f"w:{k}"), v)
        border.append(bottom)
        ppr.append(border)

    def _page_numbers(self, section) -> None:
        """"— 1 —" in 4号宋体: odd pages at the right, even pages at the left, one character in."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                              (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
            p = footer.paragraphs[0]
            p.alignment = align
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                p.paragraph_format.right_indent = Pt(14)
            else:
                p.paragraph_format.left_indent = Pt(14)
            _font(p.add_run("— "), TABLE_FONT, 14)
            run = p.add_run()
            _font(run, TABLE_FONT, 14)
            for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
                if kind:
                    el = OxmlElement("w:fldChar")
                    el.set(qn("w:fldCharType"), kind)
                else:
                    el = OxmlElement("w:instrText")
                    el.set(qn("xml:space"), "preserve")
                    el.text = text
                run._element.append(el)
            _font(p.add_run(" —"), TABLE_FONT, 14)


def column_widths(headers: Sequence[str], rows: Sequence[Sequence], *, wrap: Sequence[int] = (),
                  font_size: float = 10.5, total_cm: float = TEXT_WIDTH_CM) -> list[float]:
    """Column widths (cm): each column as wide as its longest cell (plus cell padding), the ``wrap`` columns
    sharing what is left; when even that does not fit, every column shrinks in proportion."""
    em_cm = font_size / 72 * 2.54
    pad = 0.45  # the cell's own margins, left and right
    need = []
    for i, h in enumerate(headers):
        # a header may wrap onto a second line (at most four characters a line); the cells must not
        longest = max([min(text_width(h), max(4.0, text_width(h) / 2))] + [text_width(r[i]) for r in rows if i < len(r)])
        need.append(longest * em_cm + pad)
    fixed = sum(w for i, w in enumerate(need) if i not in wrap)
    flexible = [i for i in range(len(headers)) if i in wrap]
    if flexible:
        left = max(total_cm - fixed, 1.5 * len(flexible))
        if sum(need[i] for i in flexible) > left:
            # each wrapping column keeps room for six characters a line; the rest goes where the text is longest
            floor = {i: min(need[i], 6 * em_cm + pad) for i in flexible}
            spare = max(left - sum(floor.values()), 0)
            extra = sum(need[i] - floor[i] for i in flexible) or 1
            for i in flexible:
                need[i] = floor[i] + spare * (need[i] - floor[i]) / extra
    scale = min(1.0, total_cm / sum(need))
    return [round(w * scale, 2) for w in need]
