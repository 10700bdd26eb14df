"""The zone's results as an Excel workbook, written through the exchange framework (text that a spreadsheet would run
as a formula is neutralised there)."""
from __future__ import annotations

from tuijin.sheets.tabular import Column, export_workbook
from tuijin.standing.selectors import Row

COLUMNS = [
    Column("年度", "year", "integer", width=8),
    Column("评价", "assessment", width=44),
    Column("发布单位", "issuer", width=10),
    Column("层级", "level", width=8),
    Column("单项", "item", width=10),
    Column("分组", "group", width=10),
    Column("开发区", "subject", width=26),
    Column("省份", "province", width=8),
    Column("名次", "rank", "integer", width=8),
    Column("参评总数", "of", "integer", width=10),
    Column("省内名次", "province_rank", "integer", width=10),
    Column("省内名次依据", "basis", width=12),
    Column("得分", "score", "decimal", places=2, width=10),
    Column("等次", "tier", width=10),
    Column("数据年度", "data_year", "integer", width=10),
    Column("来源", "source", width=60),
]
BASIS = {"computed": "据榜单计算", "stated": "来源所述", None: ""}


def results_workbook(rows: list[Row], *, title: str) -> bytes:
    data = [{"year": r.year, "assessment": r.assessment, "issuer": r.issuer, "level": r.level_label,
             "item": r.item or "综合排名", "group": r.group or "", "subject": r.subject, "province": r.province,
             "rank": r.rank, "of": r.of, "province_rank": r.province_rank, "basis": BASIS.get(r.province_rank_basis, ""),
             "score": r.score, "tier": r.tier or "", "data_year": r.data_year,
             "source": "; ".join(s for s in (r.source, r.stated_by) if s)} for r in rows]
    return export_workbook(COLUMNS, data, title=title)
