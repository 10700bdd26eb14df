"""Project performance (项目绩效评价) over any set of projects.

No official definition exists for these rates; each has a default written here and in docs/projects.md,
and a zone may pick another definition (``Definitions``). Amounts are in 万元 (Decimal).

    开工率   = projects of the year's planned-start list actually started (in the year, by as_of) ÷ that list
    竣工率   = projects of the year's planned-completion list actually completed ÷ that list
    投产率   = projects of the year's planned-production list actually in production ÷ that list
    规上转化率 = completed projects whose enterprise became above scale ÷ completed projects
    财税贡献率 = tax contributed by the projects ÷ their planned total investment (per 万元 invested)
    投资完成率 = investment completed this year ÷ this year's planned investment
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

HUNDRED_MILLION = Decimal(10000)  # 1亿元 in 万元
# The lifecycle stages (codes of tuijin/projects/lifecycle.py) these rates are defined on.
SIGNED, STARTED, COMPLETED, PRODUCTION = "signed", "started", "completed", "production"


@dataclass(frozen=True)
class ProjectFacts:
    planned_investment: Decimal  # 计划总投资 (万元)
    year_planned_investment: Decimal  # 年度计划投资
    invested_this_year: Decimal  # 年度完成投资
    is_foreign: bool
    above_scale: bool
    tax: Decimal  # 财税贡献 (万元)
    planned: Mapping[str, dt.date | None] = field(default_factory=dict)  # stage code → planned date
    actual: Mapping[str, dt.date | None] = field(default_factory=dict)  # stage code → actual date
    active: bool = True  # withdrawn projects are left out


@dataclass(frozen=True)
class Definitions:
    """How a zone counts. ``start_base``: "planned" (this year's planned-start list) or "all" (every project)."""

    start_base: str = "planned"
    conversion_base: str = "completed"  # or "in_production"
    tax_base: str = "planned_investment"  # or "invested"


def _in_year(d: dt.date | None, year: int, as_of: dt.date) -> bool:
    return d is not None and d.year == year and d <= as_of


def _done_by(d: dt.date | None, as_of: dt.date) -> bool:
    return d is not None and d <= as_of


def _rate(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


def performance(projects: Iterable[ProjectFacts], *, year: int, as_of: dt.date,
                definitions: Definitions = Definitions()) -> dict:
    items = [p for p in projects if p.active]
    signed = [p for p in items if _in_year(p.actual.get(SIGNED), year, as_of)]
    big = [p for p in signed if p.planned_investment >= HUNDRED_MILLION]
    foreign = [p for p in signed if p.is_foreign]

    def list_rate(stage: str):
        if definitions.start_base == "all":
            base = items
        else:
            base = [p for p in items if p.planned.get(stage) is not None and p.planned[stage].year == year]
        hit = [p for p in base if _done_by(p.actual.get(stage), as_of)]
        return len(hit), len(base), _rate(len(hit), len(base))

    started = list_rate(STARTED)
    completed = list_rate(COMPLETED)
    production = list_rate(PRODUCTION)
    conv_stage = COMPLETED if definitions.conversion_base == "completed" else PRODUCTION
    conv_base = [p for p in items if _done_by(p.actual.get(conv_stage), as_of)]
    converted = [p for p in conv_base if p.above_scale]
    tax = sum((p.tax for p in items), Decimal(0))
    tax_den = sum(((p.planned_investment if definitions.tax_base == "planned_investment" else p.invested_this_year)
                   for p in items), Decimal(0))
    year_plan = sum((p.year_planned_investment for p in items), Decimal(0))
    invested = sum((p.invested_this_year for p in items), Decimal(0))
    return {
        "projects": len(items),
        "signed_count": len(signed), "signed_investment": sum((p.planned_investment for p in signed), Decimal(0)),
        "big_signed_count": len(big), "big_signed_investment": sum((p.planned_investment for p in big), Decimal(0)),
        "foreign_signed_count": len(foreign),
        "foreign_signed_investment": sum((p.planned_investment for p in foreign), Decimal(0)),
        "started": started[0], "start_base": started[1], "start_rate": started[2],
        "completed": completed[0], "completion_base": completed[1], "completion_rate": completed[2],
        "in_production": production[0], "production_base": production[1], "production_rate": production[2],
        "converted": len(converted), "conversion_base": len(conv_base),
        "conversion_rate": _rate(len(converted), len(conv_base)),
        "tax": tax, "tax_rate": None if tax_den == 0 else float(tax / tax_den),
        "year_planned_investment": year_plan, "invested_this_year": invested,
        "investment_rate": None if year_plan == 0 else float(invested / year_plan),
    }
