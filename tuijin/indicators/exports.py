"""The dispatch table as the office prints it (.xlsx), and as JSON for other systems."""
from __future__ import annotations

import io
from decimal import Decimal

from tuijin.engine.numbers import round_half_up

FILLS = {"red": "F8CBCB", "yellow": "FFF2B3", "green": "D9EFD9"}
WARNING_WORDS = {"red": "红", "yellow": "黄", "green": "绿", "none": ""}


def period_label(year: int, month: int) -> str:
    return f"{year}年1月" if month == 1 else f"{year}年1—{month}月"


def _num(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def dispatch_json(rows: list[dict], *, zone, year: int, month: int) -> dict:
    keys = ("unit", "indicator", "actual_ytd", "target", "completion", "time_progress", "pace_gap_pp",
            "last_year_ytd", "yoy_growth", "rank", "warning")
    out = []
    for r in rows:
        item = {k: r[k] for k in keys}
        for k in ("actual_ytd", "target", "last_year_ytd"):
            item[k] = _num(item[k])
        item.update({"display_unit": r["display_unit"], "group": r["group"], "state": r["state"],
                     "warning_reason": r["warning_reason"], "indicator_code": r["indicator_code"],
                     "is_zone": r["is_zone"]})
        out.append(item)
    return {"zone": zone.code, "zone_name": zone.name, "period": f"{year}-{month:02d}", "rows": out}


def dispatch_workbook(rows: list[dict], *, zone, year: int, month: int) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "指标调度"
    headers = ["责任单位", "指标", "计量单位", "本年累计", "年度目标", "完成进度", "序时进度", "超(低)序时进度(百分点)",
               "上年同期", "同比增长", "组内排名", "预警", "说明", "填报状态"]
    title = f"{zone.name}{period_label(year, month)}主要经济指标完成情况"
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    thin = Side(style="thin", color="999999")
    for i, h in enumerate(headers, start=1):
        c = ws.cell(row=2, column=i, value=h)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDE5F0")
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    state_words = {"draft": "草稿", "submitted": "已报送", "approved": "已审核", "returned": "已退回", "": ""}
    ordered = sorted(rows, key=lambda r: (not r["is_zone"], r["indicator_id"]))
    for n, r in enumerate(ordered, start=3):
        places = r["decimals"]
        values = [
            r["unit"], r["indicator"], r["display_unit"],
            _num(round_half_up(r["actual_ytd"], places)) if r["actual_ytd"] is not None else None,
            _num(round_half_up(r["target"], places)) if r["target"] is not None else None,
            r["completion"], r["time_progress"] if r["completion"] is not None else None,
            _num(round_half_up(r["pace_gap_pp"], 1)) if r["pace_gap_pp"] is not None else None,
            _num(round_half_up(r["last_year_ytd"], places)) if r["last_year_ytd"] is not None else None,
            r["yoy_growth"], r["rank"], WARNING_WORDS.get(r["warning"], ""), r["warning_reason"],
            state_words.get(r["state"], r["state"]),
        ]
        for i, v in enumerate(values, start=1):
            c = ws.cell(row=n, column=i, value=v)
            c.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            if i in (6, 7, 10) and v is not None:
                c.number_format = "0.0%"
            elif i in (4, 5, 9) and v is not None:
                c.number_format = "0." + "0" * places if places else "0"
            if r["is_zone"]:
                c.font = Font(bold=True)
        fill = FILLS.get(r["warning"])
        if fill:
            ws.cell(row=n, column=12).fill = PatternFill("solid", fgColor=fill)
    for i, w in enumerate([16, 24, 8, 11, 11, 9, 9, 12, 11, 9, 8, 6, 36, 8], start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "C3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
