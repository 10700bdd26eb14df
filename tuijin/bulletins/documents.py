"""Bulletin documents from the plain bulletin data: Word laid out as an official document (tuijin/office, after
GB/T 9704-2012), Excel with the same tables (numbers as numbers), PDF through LibreOffice, charts drawn with a CJK
font found on the machine."""
from __future__ import annotations

import io
from pathlib import Path

from tuijin.engine.numbers import format_fixed
from tuijin.engine.sentences import percent
from tuijin.office import KAITI, OfficialDocument, clean, docx_to_pdf, libreoffice

__all__ = ["build_docx", "build_xlsx", "chart_png", "cjk_font_path", "docx_to_pdf", "libreoffice"]

CJK_CHART_FAMILIES = ["Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                      "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "AR PL UMing CN"]
NUMERALS = "一二三四五六七八九十"


class FontMissing(RuntimeError):
    pass


_fonts_listed_again = False  # per process: a machine without the fonts is not searched again on every chart


def _listed_cjk_font(manager) -> str | None:
    for family in CJK_CHART_FAMILIES:
        for f in manager.ttflist:
            if f.name == family:
                return f.fname
    return None


def cjk_font_path() -> str:
    """A font file covering Chinese, so charts never show empty boxes."""
    global _fonts_listed_again
    from matplotlib import font_manager

    path = _listed_cjk_font(font_manager.fontManager)
    if path is None and not _fonts_listed_again:
        # matplotlib keeps the font list it found the first time in its cache: fonts installed after that (the CJK
        # fonts, once this message was read) are only found by looking again, once a process, and kept for next time.
        import matplotlib

        _fonts_listed_again = True
        font_manager.fontManager = font_manager.FontManager()
        font_manager.json_dump(font_manager.fontManager, Path(matplotlib.get_cachedir()) /
                               f"fontlist-v{font_manager.FontManager.__version__}.json")
        path = _listed_cjk_font(font_manager.fontManager)
    if path is not None:
        return path
    raise FontMissing("找不到中文字体,图表无法显示汉字:请安装 fonts-noto-cjk(Debian/Ubuntu)或任一中文字体")


def chart_png(data: dict) -> bytes | None:
    """Completion of the main indicators against time progress, as a bar chart."""
    rows = [r for r in data["indicator_rows"] if r["completion"] is not None and r["main"]]
    if not rows or not data["has_figures"]:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    prop = font_manager.FontProperties(fname=cjk_font_path())
    fig, ax = plt.subplots(figsize=(7.6, 3.4), dpi=150)
    names = [r["indicator"] for r in rows]
    values = [r["completion"] * 100 for r in rows]
    colors = ["#c62828" if r["warning"] == "red" else "#f9a825" if r["warning"] == "yellow" else "#1d4f91"
              for r in rows]
    bars = ax.bar(range(len(rows)), values, color=colors, width=0.6)
    tp = rows[0]["time_progress"] * 100
    ax.axhline(tp, color="#555555", linestyle="--", linewidth=1)
    ax.text(len(rows) - 0.45, tp, f" 序时进度{format_fixed(tp, 1)}%", fontproperties=prop, ha="left", va="center",
            fontsize=9, color="#555555")
    for b, v in zip(bars, values):
        ax.text(b.get_x() + b.get_width() / 2, v + 1, f"{format_fixed(v, 1)}%", ha="center", fontsize=8, fontproperties=prop)
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
    """The indicator table as printed: every percentage with one decimal (−44.0%, never −44%)."""
    out = []
    for r in data["indicator_rows"]:
        places = r["decimals"]
        completion = percent(r["completion"]) if r["completion"] is not None else (
            f"已报{r['units_reported']}/{r['units_expected']}" if r.get("complete") is False else "—")
        out.append([clean(r["indicator"]), r["display_unit"],
                    format_fixed(r["actual_ytd"], places) if r["actual_ytd"] is not None else "—",
                    percent(r["yoy_growth"]) or "—",
                    format_fixed(r["target"], places) if r["target"] is not None else "—",
                    completion,
                    (percent(r["time_progress"]) if r["completion"] is not None else "—"),
                    format_fixed(r["pace_gap_pp"], 1) if r["pace_gap_pp"] is not None else "—"])
    return out


def indicator_sheet_rows(data: dict) -> list[list]:
    """The same table for Excel: numbers stay numbers (rounded as printed), fractions for percentages."""
    from tuijin.engine.numbers import round_half_up

    out = []
    for r in data["indicator_rows"]:
        places = r["decimals"]

        def num(v, p=places):
            return None if v is None else float(round_half_up(v, p))

        out.append([r["indicator"], r["display_unit"], num(r["actual_ytd"]), r["yoy_growth"], num(r["target"]),
                    r["completion"], r["time_progress"] if r["completion"] is not None else None,
                    num(r["pace_gap_pp"], 1)])
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
            shown = percent(value) if ranking.get("source") == "dispatch" else format_fixed(value, 2)
            out.append([clean(group), str(it["rank"]), clean(it["unit"]), shown or "—"])
    return out


# ---------------------------------------------------------------------------------------------- Word

def build_docx(data: dict, *, closing: str, issuer: str, issued_on, title: str | None = None,
               doc_number: str = "") -> bytes:
    organ = f"{data['zone']['name']}管理委员会"
    title = title or f"关于{data['year']}年{data['period']}经济运行和重点工作推进情况的通报"
    doc = OfficialDocument(issuer=organ, doc_number="" if data.get("draft") else doc_number,
                           draft_mark="征求意见稿" if data.get("draft") else "", title=title)
    doc.red_head()
    doc.title(title)
    doc.addressee("各部门、各街道(园区):")
    doc.paragraph(f"现将{data['year']}年{data['period']}{'' if data['unit'] == '全区' else data['unit']}主要经济指标完成"
                  f"情况、项目推进情况、督办事项办理情况和考核排名情况通报如下:")
    counting = data.get("counting") or {}
    if data.get("draft"):
        doc.paragraph(f"本稿为征求意见稿:{data.get('period_label', '')}数据尚未锁定,应报{counting.get('units_expected', 0)}"
                      f"个单位,已报齐{counting.get('units_reported', 0)}个单位;各项合计只含已报送的数据,最终以锁定后的正式"
                      f"通报为准。", font=KAITI)
    sections = [("主要经济指标完成情况", "indicators"), ("项目推进情况", "projects"), ("督办事项办理情况", "tickets"),
                ("考核排名情况", "ranking"), ("下一步工作", "closing")]
    for n, (heading, key) in enumerate(sections):
        doc.heading(f"{NUMERALS[n]}、{heading}")
        if key == "indicators":
            _indicators(doc, data, counting)
        elif key == "projects":
            doc.paragraph(data["projects_line"])
            if data["lagging"]:
                doc.paragraph(f"滞后项目{len(data['lagging'])}个,请责任单位加快推进:")
                doc.table(LAG_HEADERS, [[x["code"], x["name"], x["unit"], str(x["days_late"]), x["reason"]]
                                        for x in data["lagging"][:30]], numeric=[3], wrap=[1, 4])
            elif data["performance"].get("projects"):
                doc.paragraph("本期无逾期未开工、未竣工的滞后项目。")
        elif key == "tickets":
            doc.paragraph(data["tickets_line"])
            if data["tickets"]:
                doc.table(TICKET_HEADERS, [[s["unit"], str(s["received"]), str(s["resolved"]),
                                            percent(s["resolution_rate"]) or "—", str(s["overdue"])]
                                           for s in data["tickets"]], numeric=[1, 2, 3, 4], wrap=[0])
        elif key == "ranking":
            rows = ranking_rows(data)
            if rows:
                doc.paragraph(f"按{data['ranking'].get('title', '完成进度')}排名如下(组内排名,1为最好):")
                doc.table(["分组", "名次", "单位", "得分" if data["ranking"].get("source") != "dispatch" else "完成进度"],
                          rows, numeric=[1, 3], wrap=[2])
            else:
                doc.paragraph("本期暂无可排名的数据。")
        else:
            for line in (closing or "").splitlines():
                if line.strip():
                    doc.paragraph(line.strip())
    doc.signature(issued_on, issuer=f"{organ}办公室")
    return doc.to_bytes(author=issuer)


def _indicators(doc: OfficialDocument, data: dict, counting: dict) -> None:
    if not data["has_figures"]:
        units = "、".join(data["unfiled"]) or "各单位"
        doc.paragraph(f"截至通报时,{data['year']}年{data['period']}尚无已报送的指标数据。尚未报齐的单位:{units}。")
        return
    for line in data["indicator_lines"]:
        doc.paragraph(line)
    for line in data.get("stage_goal_lines", []):
        doc.paragraph(line)
    if counting.get("not_reported"):
        doc.paragraph("本期未报单位:" + ";".join(f"{x['unit']}({x['reason']})" for x in counting["not_reported"])
                      + "。以上合计不含未报单位。")
    if data["unfiled"]:
        doc.paragraph(f"本期尚未报齐的单位:{'、'.join(data['unfiled'])}。")
    png = chart_png(data)
    if png:
        doc.picture(png)
    doc.caption(f"表1  {data['period']}主要经济指标完成情况")
    doc.table(INDICATOR_HEADERS, indicator_table_rows(data), numeric=[2, 3, 4, 5, 6, 7], wrap=[0])


# ---------------------------------------------------------------------------------------------- Excel

def build_xlsx(data: dict) -> bytes:
    """The bulletin's tables, one sheet each; numbers are numbers with their display format (text a spreadsheet
    would run as a formula is kept as text by ``workbook_bytes``: names come from users)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from tuijin.sheets.writing import workbook_bytes

    wb = Workbook()
    sheets = [("主要指标", INDICATOR_HEADERS, indicator_sheet_rows(data), {2: "#,##0.00", 3: "0.0%", 4: "#,##0.00",
                                                                          5: "0.0%", 6: "0.0%", 7: "0.0"}),
              ("滞后项目", LAG_HEADERS, [[x["code"], x["name"], x["unit"], x["days_late"], x["reason"]]
                                         for x in data["lagging"]], {3: "0"}),
              ("督办事项", TICKET_HEADERS, [[s["unit"], s["received"], s["resolved"], s["resolution_rate"], s["overdue"]]
                                            for s in data["tickets"]], {1: "0", 2: "0", 3: "0.0%", 4: "0"}),
              ("考核排名", ["分组", "名次", "单位", "值"], _ranking_sheet_rows(data), {1: "0"})]
    for i, (name, headers, rows, formats) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = name
        ws.append([f"{data['zone']['name']}{data['year']}年{data['period']}{name}"])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append(headers)
        for c in ws[2]:
            c.font = Font(bold=True)
        for r in rows:
            ws.append([clean(v) if isinstance(v, str) else v for v in r])
            for col, fmt in formats.items():
                cell = ws.cell(row=ws.max_row, column=col + 1)
                if isinstance(cell.value, (int, float)):
                    cell.number_format = fmt
        for col, width in zip("ABCDEFGH", [22, 10, 14, 12, 14, 12, 12, 16]):
            ws.column_dimensions[col].width = width
    return workbook_bytes(wb)


def _ranking_sheet_rows(data: dict) -> list[list]:
    ranking = data.get("ranking") or {}
    out = []
    for group, items in (ranking.get("groups") or {}).items():
        for it in items:
            out.append([group, it["rank"], it["unit"], it.get("value")])
    return out
