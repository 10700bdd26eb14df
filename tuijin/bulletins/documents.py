"""Bulletin documents from the plain bulletin data: Word laid out as an official document (GB/T 9704-2012),
Excel with the same tables, PDF through LibreOffice, charts drawn with a CJK font found on the machine."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from tuijin.engine.numbers import format_fixed
from tuijin.engine.sentences import percent, plain

BODY_FONT = "仿宋_GB2312"  # Word/WPS fall back to 仿宋 / FangSong where GB2312 fonts are missing
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
KAITI = "楷体_GB2312"
CJK_CHART_FAMILIES = ["Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                      "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "AR PL UMing CN"]
# Characters XML 1.0 (and so Word) cannot hold.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
NUMERALS = "一二三四五六七八九十"


class FontMissing(RuntimeError):
    pass


def clean(text) -> str:
    """Text safe for Word: characters XML rejects are dropped."""
    return _XML_BAD.sub("", "" if text is None else str(text))


def cjk_font_path() -> str:
    """A font file covering Chinese, so charts never show empty boxes."""
    from matplotlib import font_manager

    for family in CJK_CHART_FAMILIES:
        for f in font_manager.fontManager.ttflist:
            if f.name == family:
                return f.fname
    raise FontMissing("找不到中文字体,图表无法显示汉字:请安装 fonts-noto-cjk(Debian/Ubuntu)或任一中文字体")


def chart_png(data: dict) -> bytes | None:
    """Completion of the main indicators against time progress, as a bar chart."""
    rows = [r for r in data["indicator_rows"] if r["completion"] is not None and r["main"]]
    if not rows or not data["has_approved"]:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    prop = font_manager.FontProperties(fname=cjk_font_path())
    fig, ax = plt.subplots(figsize=(7.2, 3.4), dpi=150)
    names = [r["indicator"] for r in rows]
    values = [r["completion"] * 100 for r in rows]
    colors = ["#c62828" if r["warning"] == "red" else "#f9a825" if r["warning"] == "yellow" else "#1d4f91"
              for r in rows]
    bars = ax.bar(range(len(rows)), values, color=colors, width=0.6)
    tp = rows[0]["time_progress"] * 100
    ax.axhline(tp, color="#555555", linestyle="--", linewidth=1)
    ax.text(-0.45, tp + 2.5, f"序时进度{plain(tp, 1)}%", fontproperties=prop, ha="left", fontsize=9, color="#555555")
    for b, v in zip(bars, values):
        ax.text(b.get_x() + b.get_width() / 2, v + 1, f"{plain(v, 1)}%", ha="center", fontsize=8, fontproperties=prop)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(names, fontproperties=prop, fontsize=9, rotation=0)
    ax.set_ylabel("完成年度目标(%)", fontproperties=prop)
    ax.set_title(f"{data['period']}主要指标完成进度", fontproperties=prop, fontsize=11)
    ax.set_ylim(0, max(values + [tp]) * 1.25)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def indicator_table_rows(data: dict) -> list[list[str]]:
    out = []
    for r in data["indicator_rows"]:
        places = r["decimals"]
        out.append([clean(r["indicator"]), r["display_unit"],
                    format_fixed(r["actual_ytd"], places) if r["actual_ytd"] is not None else "—",
                    percent(r["yoy_growth"]) or "—",
                    format_fixed(r["target"], places) if r["target"] is not None else "—",
                    percent(r["completion"]) or "—",
                    (percent(r["time_progress"]) if r["completion"] is not None else "—"),
                    plain(r["pace_gap_pp"], 1) if r["pace_gap_pp"] is not None else "—"])
    return out


INDICATOR_HEADERS = ["指标", "单位", "本年累计", "同比", "年度目标", "完成进度", "序时进度", "超(低)序时(百分点)"]
LAG_HEADERS = ["项目编号", "项目名称", "责任单位", "逾期天数", "滞后原因"]
TICKET_HEADERS = ["单位", "受理", "办结", "办结率", "逾期"]


def ranking_rows(data: dict) -> list[list[str]]:
    out = []
    ranking = data.get("ranking") or {}
    for group, items in (ranking.get("groups") or {}).items():
        for it in items:
            value = it.get("value")
            shown = percent(value) if ranking.get("source") == "dispatch" else plain(value, 2)
            out.append([clean(group), str(it["rank"]), clean(it["unit"]), shown or "—"])
    return out


# ---------------------------------------------------------------------------------------------- Word

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


def _para(doc, text: str, *, font=BODY_FONT, size=16, bold=False, align=None, indent=True, color=None,
          space_after=0):
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28.95)  # 22 lines of 3号 on a GB/T 9704 page
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    _font(p.add_run(clean(text)), font, size, bold, color)
    return p


def _page_number_footer(section) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("— "), "宋体", 14)
    run = p.add_run()
    _font(run, "宋体", 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    _font(p.add_run(" —"), "宋体", 14)


def _red_rule(paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("val", "single"), ("sz", "18"), ("space", "6"), ("color", "C00000")):
        bottom.set(qn(f"w:{k}"), v)
    border.append(bottom)
    ppr.append(border)


def _table(doc, headers: list[str], rows: list[list[str]], widths_cm: list[float] | None = None) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(headers):
        cell = table.rows[0].cells[i]
        cell.text = ""
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(h), HEADING_FONT, 10.5)
    for r in rows:
        cells = table.add_row().cells
        for i, v in enumerate(r):
            p = cells[i].paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if i == 0 or len(str(v)) > 12 else WD_ALIGN_PARAGRAPH.CENTER
            _font(p.add_run(clean(v)), "宋体", 10.5)
    if widths_cm:
        table.autofit = False
        for i, w in enumerate(widths_cm):
            table.columns[i].width = Cm(w)
        for row in table.rows:
            for i, w in enumerate(widths_cm):
                row.cells[i].width = Cm(w)


def build_docx(data: dict, *, closing: str, issuer: str, issued_on, title: str | None = None) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches, Mm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    sec.footer_distance = Mm(20)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)
    _page_number_footer(sec)

    head = _para(doc, f"{data['zone']['name']}管理委员会", font=TITLE_FONT, size=26, indent=False,
                 align=WD_ALIGN_PARAGRAPH.CENTER, color=(0xC0, 0, 0), space_after=6)
    _red_rule(head)
    title = title or f"关于{data['year']}年{data['period']}经济运行和重点工作推进情况的通报"
    _para(doc, "", indent=False)
    _para(doc, title, font=TITLE_FONT, size=22, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    _para(doc, "各部门、各街道(园区):", indent=False)
    intro = (f"现将{data['year']}年{data['period']}{'' if data['unit'] == '全区' else data['unit']}主要经济指标完成情况、"
             f"项目推进情况、督办事项办理情况和考核排名情况通报如下:")
    _para(doc, intro)

    sections = [("主要经济指标完成情况", "indicators"), ("项目推进情况", "projects"), ("督办事项办理情况", "tickets"),
                ("考核排名情况", "ranking"), ("下一步工作", "closing")]
    for n, (heading, key) in enumerate(sections):
        _para(doc, f"{NUMERALS[n]}、{heading}", font=HEADING_FONT)
        if key == "indicators":
            if not data["has_approved"]:
                units = "、".join(data["unfiled"]) or "各单位"
                _para(doc, f"截至通报时,{data['year']}年{data['period']}尚无审核通过的指标数据。未报送或未审核通过的单位:{units}。")
            else:
                for line in data["indicator_lines"]:
                    _para(doc, line)
                if data["unfiled"]:
                    _para(doc, f"本期尚未审核通过数据的单位:{'、'.join(data['unfiled'])}。")
                png = chart_png(data)
                if png:
                    p = doc.add_paragraph()
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    p.add_run().add_picture(io.BytesIO(png), width=Inches(6.0))
                _para(doc, f"表1  {data['period']}主要经济指标完成情况", font=HEADING_FONT, size=12, indent=False,
                      align=WD_ALIGN_PARAGRAPH.CENTER)
                _table(doc, INDICATOR_HEADERS, indicator_table_rows(data),
                       [4.2, 1.3, 1.9, 1.5, 1.9, 1.6, 1.5, 1.7])
        elif key == "projects":
            _para(doc, data["projects_line"])
            if data["lagging"]:
                _para(doc, f"滞后项目{len(data['lagging'])}个,请责任单位和包挂领导加快推进:")
                _table(doc, LAG_HEADERS, [[x["code"], x["name"], x["unit"], str(x["days_late"]), x["reason"]]
                                          for x in data["lagging"][:30]], [2.4, 4.0, 2.4, 1.6, 5.6])
            elif data["performance"].get("projects"):
                _para(doc, "本期无逾期未开工、未竣工的滞后项目。")
        elif key == "tickets":
            _para(doc, data["tickets_line"])
            if data["tickets"]:
                _table(doc, TICKET_HEADERS, [[s["unit"], str(s["received"]), str(s["resolved"]),
                                              percent(s["resolution_rate"]) or "—", str(s["overdue"])]
                                             for s in data["tickets"]], [5.0, 2.4, 2.4, 2.4, 2.4])
        elif key == "ranking":
            rows = ranking_rows(data)
            if rows:
                _para(doc, f"按{data['ranking'].get('title', '完成进度')}排名如下(组内排名,1为最好):")
                _table(doc, ["分组", "名次", "单位", "得分" if data["ranking"].get("source") != "dispatch" else "完成进度"],
                       rows, [2.6, 1.6, 6.0, 3.0])
            else:
                _para(doc, "本期暂无可排名的数据。")
        else:
            for line in (closing or "").splitlines():
                if line.strip():
                    _para(doc, line.strip())
    _para(doc, "", indent=False)
    _para(doc, f"{data['zone']['name']}管理委员会办公室", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, f"{issued_on.year}年{issued_on.month}月{issued_on.day}日", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if issuer:
        doc.core_properties.author = clean(issuer)
    doc.core_properties.title = clean(title)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------- Excel

def build_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    sheets = [("主要指标", INDICATOR_HEADERS, indicator_table_rows(data)),
              ("滞后项目", LAG_HEADERS, [[x["code"], x["name"], x["unit"], x["days_late"], x["reason"]]
                                         for x in data["lagging"]]),
              ("督办事项", TICKET_HEADERS, [[s["unit"], s["received"], s["resolved"], percent(s["resolution_rate"]),
                                             s["overdue"]] for s in data["tickets"]]),
              ("考核排名", ["分组", "名次", "单位", "值"], ranking_rows(data))]
    for i, (name, headers, rows) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = name
        ws.append([f"{data['zone']['name']}{data['year']}年{data['period']}{name}"])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append(headers)
        for c in ws[2]:
            c.font = Font(bold=True)
        for r in rows:
            ws.append([clean(v) if isinstance(v, str) else v for v in r])
        for col, width in zip("ABCDEFGH", [22, 10, 14, 12, 14, 12, 12, 16]):
            ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------- PDF

def libreoffice() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


def docx_to_pdf(docx: bytes, timeout: int = 180) -> bytes:
    exe = libreoffice()
    if exe is None:
        raise RuntimeError("未安装 LibreOffice,无法生成 PDF:请安装 libreoffice-writer,或改为下载 Word 版")
    with tempfile.TemporaryDirectory(prefix="tuijin-pdf-") as tmp:
        src = Path(tmp) / "bulletin.docx"
        src.write_bytes(docx)
        subprocess.run([exe, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                        "--outdir", tmp, str(src)], check=True, capture_output=True, timeout=timeout)
        return (Path(tmp) / "bulletin.pdf").read_bytes()
