"""Reading assessment data (.csv/.xlsx: one row per unit, one column per indicator) and writing results."""
from __future__ import annotations

import math
import unicodedata
from pathlib import Path

import numpy as np

from tuijin.engine.assessment.run import Data, Result
from tuijin.engine.assessment.scheme import Scheme, SchemeError
from tuijin.sheets.cells import CellProblem, parse_decimal
from tuijin.sheets.reading import FileProblem, clean_header, read_table

MISSING_WORDS = {"", "NA", "N/A", "NaN", "nan", "—", "-", "无"}


def decode(data: bytes, name: str) -> str:
    """Text of a file saved as UTF-8 (with or without BOM) or GB18030 (Excel's "CSV" on Chinese Windows)."""
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise SchemeError(f"文件「{name}」编码无法识别,请保存为 UTF-8")  # pragma: no cover - gb18030 decodes all


def _number(value, row: int, column: str) -> float:
    """A cell as a number: empty or 无/NA/— is missing, 是/否 is 1/0, 92.3% is 0.923; text stops the run."""
    if value is None or (isinstance(value, str) and value.strip() in MISSING_WORDS):
        return math.nan
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)  # kept exactly: reference values are compared to the last bit
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text in ("是", "否"):
        return 1.0 if text == "是" else 0.0
    percent = text.endswith("%")
    try:
        number = float(parse_decimal(text[:-1] if percent else text))
    except CellProblem as exc:
        hint = str(exc).partition(":")[2]  # e.g. "只填数字,单位见表头" for "100万元"
        raise SchemeError(f"第{row}行 {column}: 不是数字「{str(value).strip()}」" + (f":{hint}" if hint else "")) from exc
    return number / 100 if percent else number


def data_from_rows(rows: list[list], scheme: Scheme, numbers: list[int] | None = None) -> Data:
    """Units from rows (header first): the unit column, the group column if the scheme has groups, and every
    column the scheme reads, each cell a number or empty; messages name the row and the column.

    ``numbers`` are the row numbers of the rows after the header as the spreadsheet shows them (default: 2, 3, …).
    Headers match leniently (full-width characters, spaces and a leading * mark do not count)."""
    if not rows:
        raise SchemeError("数据文件是空的")
    header = [clean_header(h) for h in rows[0]]
    for k, h in enumerate(header):
        if h and h in header[:k]:
            raise SchemeError(f"第1行 表头「{h}」出现了两次")
    position = {h: k for k, h in enumerate(header) if h}
    if clean_header(scheme.unit_column) not in position:
        raise SchemeError(f"数据缺少单位列「{scheme.unit_column}」")
    ui = position[clean_header(scheme.unit_column)]
    gi = position.get(clean_header(scheme.group_column)) if scheme.group_column else None
    if scheme.group_column and gi is None:
        raise SchemeError(f"数据缺少分组列「{scheme.group_column}」")
    wanted = {c: position[clean_header(c)] for c in sorted(scheme.columns()) if clean_header(c) in position}
    units, groups, row_numbers, kept = [], [], [], []
    seen: dict[str, int] = {}
    numbers = numbers or list(range(2, len(rows) + 1))
    for n, row in zip(numbers, rows[1:]):
        cell = row[ui] if ui < len(row) else None
        name = "" if cell is None else str(cell).strip()
        if not name:
            if not any(str(v).strip() for v in row if v is not None):
                continue  # a blank row
            raise SchemeError(f"第{n}行 {scheme.unit_column}: 单位名称为空")
        if name in seen:
            raise SchemeError(f"第{n}行 {scheme.unit_column}: 单位「{name}」与第{seen[name]}行重复")
        seen[name] = n
        units.append(name)
        row_numbers.append(n)
        group = row[gi] if gi is not None and gi < len(row) else None
        groups.append("" if group is None else str(group).strip())
        kept.append(row)
    if not units:
        raise SchemeError("数据文件中没有单位(只有表头)")
    width = len(header)
    by_column = list(zip(*(r if len(r) >= width else [*r, *[None] * (width - len(r))] for r in kept)))
    columns = {c: _column(by_column[i], row_numbers, c) for c, i in wanted.items()}
    return Data(units=units, groups=groups, rows=row_numbers, columns=columns)


def _column(cells: list, rows: list[int], column: str) -> np.ndarray:
    """A column as numbers: plain numbers in one pass; a column holding anything else (1,234 / 92.3% / 是 / 无)
    cell by cell, so every message still names its row."""
    missing = MISSING_WORDS
    try:  # numbers and numeric text only (None is NaN): NumPy converts the whole column in C
        return np.array(cells, dtype=object).astype(float)
    except (TypeError, ValueError):
        pass
    try:
        return np.array([math.nan if c is None or c in missing else float(c) for c in cells], dtype=float)
    except (TypeError, ValueError):
        return np.array([_number(c, n, column) for c, n in zip(cells, rows)], dtype=float)


def read_data(path: str | Path, scheme: Scheme) -> Data:
    """Units from a .xlsx/.xls/.csv file (first visible sheet, header in its first non-empty row)."""
    path = Path(path)
    if not path.is_file():
        raise SchemeError(f"找不到数据文件「{path}」")
    try:
        table = read_table(path.read_bytes(), path.name)
    except FileProblem as exc:
        raise SchemeError(f"数据文件「{path.name}」:{exc.message}") from exc
    return data_from_rows([table.headers, *[values for _n, values in table.rows]], scheme,
                          [n for n, _v in table.rows])


def result_json(result: Result, robustness: dict | None = None) -> dict:
    out = {"scheme": result.scheme_code, "version": result.scheme_version, "units": [
        {"unit": u.unit, "score": u.score, "rank": u.rank, "tier": u.tier, "group": u.group, "vetoed": u.vetoed,
         "scores": u.scores, "breakdown": u.breakdown} for u in result.units]}
    if robustness is not None:
        out["robustness"] = robustness
    return out


def result_xlsx(result: Result, scheme: Scheme, robustness: dict | None = None) -> bytes:
    """The results as a workbook: scores by group (totals rounded half-up as published), the breakdown of every
    unit, and the robustness analysis when there is one."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from tuijin.engine.numbers import round_half_up
    from tuijin.sheets.writing import workbook_bytes

    fmt = "0" if scheme.decimals == 0 else "0." + "0" * scheme.decimals
    wb = Workbook()
    ws = wb.active
    ws.title = "考核结果"
    codes = [n.code for n in scheme.nodes()]
    ws.append(["单位", "分组", "总分", "排名", "等次", *[result.node_names.get(c, c) for c in codes]])
    for u in sorted(result.units, key=lambda u: (u.group, u.rank or 10**9)):
        total = None if u.score is None else float(round_half_up(u.score, scheme.decimals))
        ws.append([u.unit, u.group, total, u.rank, u.tier, *[u.scores.get(c) for c in codes]])
    for row in ws.iter_rows(min_row=2, min_col=3):
        for cell in row:
            if cell.column != 4 and isinstance(cell.value, float):
                cell.number_format = fmt
    ws2 = wb.create_sheet("得分说明")
    ws2.append(["单位", "项目", "输入值", "得分", "说明"])
    for u in result.units:
        for b in u.breakdown:
            ws2.append([u.unit, b["name"], b["input"], b["points"], b["reason"]])
    if robustness:
        ws3 = wb.create_sheet("稳健性")
        ws3.append(["单位", "分组", "排名", "名次中位数", "5%分位", "95%分位",
                    *[f"{t}概率" for t in robustness["tiers"]]])
        for r in robustness["units"]:
            ws3.append([r["unit"], r["group"], r["rank"], r["median_rank"], r["rank_p5"], r["rank_p95"],
                        *[r["tier_probability"].get(t, 0) for t in robustness["tiers"]]])
        ws4 = wb.create_sheet("敏感性")
        ws4.append(["代码", "名称", "敏感性指数(解释的名次方差比例)"])
        for r in robustness["sensitivity"]:
            ws4.append([r["code"], r["name"], r["index"]])
        ws4.append([])
        ws4.append([f"抽样{robustness['samples']}次,随机种子{robustness['seed']}"])
    for sheet in wb.worksheets:
        for c in sheet[1]:
            c.font = Font(bold=True)
        sheet.freeze_panes = "B2"
        sheet.column_dimensions["A"].width = 24
    return workbook_bytes(wb)  # names a spreadsheet would run as a formula are kept as text there


def dumps(obj) -> str:
    """Compact JSON where NaN and infinities read null, Decimals and NumPy values as numbers (tuijin.engine.jsonable)."""
    from tuijin.engine.jsonable import dumps as dumps_json

    return dumps_json(obj)
