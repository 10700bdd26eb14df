"""Reading assessment data (.csv/.xlsx: one row per unit, one column per indicator) and writing results."""
from __future__ import annotations

import csv
import io
import json
import math
import unicodedata
from pathlib import Path

import numpy as np

from tuijin.engine.assessment.run import Data, Result
from tuijin.engine.assessment.scheme import Scheme, SchemeError

MISSING_WORDS = {"", "NA", "N/A", "NaN", "nan", "—", "-", "无"}


def _rows_from_file(path: Path) -> list[list]:
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        import python_calamine

        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        return wb.get_sheet_by_index(0).to_python()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SchemeError(f"数据文件「{path.name}」编码无法识别,请保存为 UTF-8")
    return list(csv.reader(io.StringIO(text)))


def _number(value, row: int, column: str) -> float:
    if value is None or (isinstance(value, str) and value.strip() in MISSING_WORDS):
        return math.nan
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
    if text in ("是", "否"):
        return 1.0 if text == "是" else 0.0
    try:
        return float(text)
    except ValueError as exc:
        raise SchemeError(f"第{row}行 {column}: 不是数字「{value}」") from exc


def data_from_rows(rows: list[list], scheme: Scheme) -> Data:
    if not rows:
        raise SchemeError("数据文件是空的")
    header = [str(h).strip() for h in rows[0]]
    if scheme.unit_column not in header:
        raise SchemeError(f"数据缺少单位列「{scheme.unit_column}」")
    ui = header.index(scheme.unit_column)
    gi = header.index(scheme.group_column) if scheme.group_column and scheme.group_column in header else None
    if scheme.group_column and gi is None:
        raise SchemeError(f"数据缺少分组列「{scheme.group_column}」")
    needed = {ind.column or ind.code for ind in scheme.indicators()}
    needed |= {a.column for a in [*scheme.bonuses, *scheme.deductions, *scheme.vetoes]}
    for ind in scheme.indicators():
        r = ind.rule
        for key in ("target", "last_year"):
            if isinstance(r.get(key), str):
                needed.add(r[key])
    units, groups, cols = [], [], {c: [] for c in header if c in needed}
    seen = {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(str(v).strip() for v in row if v is not None):
            continue
        name = str(row[ui]).strip() if ui < len(row) and row[ui] is not None else ""
        if not name:
            raise SchemeError(f"第{n}行 {scheme.unit_column}: 单位名称为空")
        if name in seen:
            raise SchemeError(f"第{n}行 {scheme.unit_column}: 单位「{name}」与第{seen[name]}行重复")
        seen[name] = n
        units.append(name)
        groups.append("" if gi is None else str(row[gi]).strip() if gi < len(row) and row[gi] is not None else "")
        for c in cols:
            i = header.index(c)
            cols[c].append(_number(row[i] if i < len(row) else None, n, c))
    return Data(units=units, groups=groups, columns={c: np.array(v, dtype=float) for c, v in cols.items()})


def read_data(path: str | Path, scheme: Scheme) -> Data:
    path = Path(path)
    if not path.is_file():
        raise SchemeError(f"找不到数据文件「{path}」")
    return data_from_rows(_rows_from_file(path), scheme)


def result_json(result: Result, robustness: dict | None = None) -> dict:
    out = {"scheme": result.scheme_code, "version": result.scheme_version, "units": [
        {"unit": u.unit, "score": u.score, "rank": u.rank, "tier": u.tier, "group": u.group, "vetoed": u.vetoed,
         "scores": u.scores, "breakdown": u.breakdown} for u in result.units]}
    if robustness is not None:
        out["robustness"] = robustness
    return out


def result_xlsx(result: Result, scheme: Scheme, robustness: dict | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "考核结果"
    codes = [n.code for n in scheme.nodes()]
    ws.append(["单位", "分组", "总分", "排名", "等次", *[result.node_names.get(c, c) for c in codes]])
    for c in ws[1]:
        c.font = Font(bold=True)
    for u in sorted(result.units, key=lambda u: (u.group, u.rank or 10**9)):
        ws.append([u.unit, u.group, u.score, u.rank, u.tier, *[u.scores.get(c) for c in codes]])
    ws2 = wb.create_sheet("得分说明")
    ws2.append(["单位", "项目", "输入值", "得分", "说明"])
    for u in result.units:
        for b in u.breakdown:
            ws2.append([u.unit, b["name"], b["input"], b["points"], b["reason"]])
    if robustness:
        ws3 = wb.create_sheet("稳健性")
        ws3.append(["单位", "名次中位数", "5%分位", "95%分位", *[f"P({t})" for t in robustness["tiers"]]])
        for r in robustness["units"]:
            ws3.append([r["unit"], r["median_rank"], r["rank_p5"], r["rank_p95"],
                        *[r["tier_probability"].get(t, 0) for t in robustness["tiers"]]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def dumps(obj) -> str:
    def clean(x):
        if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
            return None
        if isinstance(x, dict):
            return {k: clean(v) for k, v in x.items()}
        if isinstance(x, list):
            return [clean(v) for v in x]
        return x

    return json.dumps(clean(obj), ensure_ascii=False, indent=1)
