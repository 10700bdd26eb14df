"""The dispatch table as the office prints it (.xlsx), and as JSON for other systems."""
from __future__ import annotations

from decimal import Decimal

from tuijin.core.periods import period_code, period_label
from tuijin.engine.numbers import round_half_up
from tuijin.indicators.stage_goals import stage_goal_status

FILLS = {"red": "F8CBCB", "yellow": "FFF2B3", "green": "D9EFD9"}
WARNING_WORDS = {"red": "红", "yellow": "黄", "green": "绿", "none": ""}


def _num(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def dispatch_json(rows, *, zone, year: int, month: int) -> dict:
    """Rows as `tuijin dispatch --format json` and /api/v1/dispatch/ give them (display units, fractions)."""
    out = []
    for r in rows:
        item = {"unit": r.unit, "indicator": r.indicator, "indicator_code": r.indicator_code, "is_zone": r.is_zone,
                "group": r.group, "display_unit": r.display_unit,
                "actual_ytd": _num(r.actual_ytd), "target": _num(r.target), "last_year_ytd": _num(r.last_year_ytd),
                "completion": r.completion, "time_progress": r.time_progress, "pace_gap_pp": r.pace_gap_pp,
                "yoy_growth": r.yoy_growth, "rank": r.rank, "warning": r.warning, "warning_reason": r.warning_reason,
                "state": r.state, "source": r.source}
        if r.is_zone:
            item.update(units_reported=r.units_reported, units_expected=r.units_expected, complete=r.complete)
        else:
            item.update(counted_in_total=r.counted_in_total, not_reported=r.not_reported or None)
        out.append(item)
    goals = [{k: v for k, v in g.as_dict().items() if k in ("goal", "indicator", "indicator_code", "met",
                                                             "completion", "required")}
             for g in stage_goal_status(zone, year, month)]
    return {"zone": zone.code, "zone_name": zone.name, "period": period_code(year, month), "rows": out,
            "stage_goals": goals}


STATE_WORDS = {"draft": "草稿", "submitted": "已报送", "approved": "已审核", "returned": "已退回", "": ""}
SUB_HEADERS = ("本年累计", "完成进度", "同比")


def dispatch_workbook(rows, *, zone, year: int, month: int, codes: list[str] | None = None) -> bytes:
    """The dispatch table as printed for the meeting: units down, indicators across (本年累计, 完成进度, 同比 under
    each), coloured by warning as on screen, A4 landscape fitted to the page width, title rows repeated on every
    page; a second sheet 明细 lists every row with its reason. Numbers are numbers; text goes through the formula
    guard. ``codes`` limits the indicators to those shown on screen."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from tuijin.sheets.writing import workbook_bytes

    indicators, seen = [], set()
    for r in rows:
        if r.indicator_id not in seen and (codes is None or r.indicator_code in codes):
            seen.add(r.indicator_id)
            indicators.append(r)
    table: dict = {}
    for r in rows:
        key = "zone" if r.is_zone else r.unit_id
        entry = table.setdefault(key, {"unit": r.unit, "group": r.group, "is_zone": r.is_zone, "cells": {}})
        entry["cells"][r.indicator_code] = r
    body = ([table.pop("zone")] if "zone" in table else []) + sorted(table.values(), key=lambda e: e["group"])

    wb = Workbook()
    ws = wb.active
    ws.title = "调度表"
    thin = Side(style="thin", color="999999")
    box = Border(top=thin, bottom=thin, left=thin, right=thin)
    head_fill = PatternFill("solid", fgColor="DDE5F0")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    width = 2 + 3 * len(indicators)
    title = f"{zone.name}{period_label(year, month)}主要经济指标完成情况"
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 2))
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    for col, text in ((1, "单位"), (2, "分组")):
        c = ws.cell(row=2, column=col, value=text)
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    for i, ind in enumerate(indicators):
        first = 3 + 3 * i
        ws.cell(row=2, column=first, value=f"{ind.indicator}({ind.display_unit})")
        ws.merge_cells(start_row=2, start_column=first, end_row=2, end_column=first + 2)
        for k, sub in enumerate(SUB_HEADERS):
            ws.cell(row=3, column=first + k, value=sub)
    for row in ws.iter_rows(min_row=2, max_row=3, max_col=width):
        for c in row:
            c.font, c.fill, c.alignment, c.border = Font(bold=True), head_fill, centre, box
    for n, e in enumerate(body, start=4):
        ws.cell(row=n, column=1, value=e["unit"])
        ws.cell(row=n, column=2, value=e["group"])
        for i, ind in enumerate(indicators):
            first = 3 + 3 * i
            c = e["cells"].get(ind.indicator_code)
            values = [None, None, None]
            if c is not None and c.actual_ytd is not None:
                values[0] = _num(round_half_up(c.actual_ytd, c.decimals))
                if c.completion is not None:
                    values[1] = c.completion
                elif c.is_zone and c.complete is False:
                    values[1] = f"已报{c.units_reported}/{c.units_expected}"
                values[2] = c.yoy_growth
            elif c is not None:
                values[0] = "未报" if c.not_reported else "未填报"
            for k, v in enumerate(values):
                cell = ws.cell(row=n, column=first + k, value=v)
                if k == 0 and isinstance(v, float):
                    cell.number_format = "#,##0." + "0" * c.decimals if c.decimals else "#,##0"
                elif k > 0 and isinstance(v, float):
                    cell.number_format = "0.0%"
                fill = FILLS.get(c.warning) if c is not None else None
                if fill:
                    cell.fill = PatternFill("solid", fgColor=fill)
        for col in range(1, width + 1):
            cell = ws.cell(row=n, column=col)
            cell.border = box
            if e["is_zone"]:
                cell.font = Font(bold=True)
            if col > 2:
                cell.alignment = Alignment(horizontal="right")
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 7
    for col in range(3, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 11 if (col - 3) % 3 == 0 else 9
    ws.freeze_panes = "C4"
    ws.print_title_rows = "1:3"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    _detail_sheet(wb.create_sheet("明细"), rows, zone=zone, year=year, month=month)
    return workbook_bytes(wb)


def _detail_sheet(ws, rows, *, zone, year: int, month: int) -> None:
    """Every row of the table with its state and reason, one line each (for sorting and filtering)."""
    from openpyxl.styles import Font

    headers = ["责任单位", "指标", "计量单位", "本年累计", "年度目标", "完成进度", "序时进度", "超(低)序时进度(百分点)",
               "上年同期", "同比增长", "组内排名", "预警", "说明", "填报状态", "计入合计"]
    ws.append([f"{zone.name}{period_label(year, month)}调度明细"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(headers)
    for c in ws[2]:
        c.font = Font(bold=True)
    for r in sorted(rows, key=lambda r: (not r.is_zone, r.indicator_id)):
        places = r.decimals
        ws.append([r.unit, r.indicator, r.display_unit,
                   _num(round_half_up(r.actual_ytd, places)) if r.actual_ytd is not None else None,
                   _num(round_half_up(r.target, places)) if r.target is not None else None,
                   r.completion, r.time_progress if r.completion is not None else None,
                   _num(round_half_up(r.pace_gap_pp, 1)) if r.pace_gap_pp is not None else None,
                   _num(round_half_up(r.last_year_ytd, places)) if r.last_year_ytd is not None else None,
                   r.yoy_growth, r.rank, WARNING_WORDS.get(r.warning, ""), r.warning_reason,
                   STATE_WORDS.get(r.state, r.state),
                   (f"已报{r.units_reported}/{r.units_expected}" if r.is_zone else ("是" if r.counted_in_total else "否"))])
        for col in (6, 7, 10):
            cell = ws.cell(row=ws.max_row, column=col)
            if cell.value is not None:
                cell.number_format = "0.0%"
    for col, w in zip("ABCDEFGHIJKLMNO", [16, 24, 8, 11, 11, 9, 9, 12, 11, 9, 8, 6, 40, 8, 9]):
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "C3"
    ws.print_title_rows = "1:2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
