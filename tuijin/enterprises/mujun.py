"""亩均效益综合评价 (亩均论英雄): the zone's industrial enterprises of a year ranked by output per unit of land.

The example scheme (``data/mujun_zhejiang.yaml``, docs/enterprises.md "亩均效益 evaluation") names the indicators
(Zhejiang's), their weights, the cap, the classes A/B/C/D with their score lines and consequences, and what happens to
an enterprise below the land-size threshold. The indicators are computed here from the register; the assessment
engine (``tuijin.engine.assessment``) scores, ranks, classes and explains them.

Who is evaluated: the enterprises of the register (within the member's scope) with 工业总产值 reported for the year.
Excluded, each with its reason: land area empty or 0 (亩均 cannot be computed), below the land threshold when the
scheme excludes them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

import numpy as np
import yaml

from tuijin.engine.assessment import Data, assess, parse_scheme
from tuijin.engine.numbers import format_fixed
from tuijin.enterprises.models import Enterprise, EnterpriseYear

SCHEME_FILE = Path(__file__).resolve().parent / "data" / "mujun_zhejiang.yaml"


@dataclass
class Row:
    enterprise: Enterprise
    group: str
    land: Decimal
    values: dict  # indicator code → value (None: not computable)
    averages: dict  # indicator code → the group's average
    score: float | None = None
    rank: int | None = None
    klass: str = ""
    last_class: str = ""
    breakdown: list = field(default_factory=list)

    @property
    def change(self) -> str:
        """'up', 'down', 'same' or 'new' (not classed last year)."""
        if not self.last_class:
            return "new"
        if self.last_class == self.klass:
            return "same"
        return "up" if self.klass < self.last_class else "down"


@dataclass
class Evaluation:
    year: int
    rows: list[Row]
    excluded: list[tuple[Enterprise, str]]
    config: dict

    @property
    def classes(self) -> list[dict]:
        counts = {}
        for r in self.rows:
            counts[r.klass] = counts.get(r.klass, 0) + 1
        return [{**c, "count": counts.get(c["name"], 0)} for c in self.config["classes"]]

    @property
    def indicators(self) -> list[dict]:
        return self.config["indicators"]


@cache
def load_config(path: Path = SCHEME_FILE) -> dict:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    ev = raw["evaluation"]
    return {**ev, "indicators": raw["indicators"], "land_min": Decimal(str(ev["land_min"]))}


def engine_scheme(config: dict, grouped: bool):
    """The engine's scheme of the evaluation: each indicator weight × value ÷ average, capped; classes as tiers."""
    cap = float(config["cap_share"])
    children = [{"code": i["code"], "name": i["name"], "points": i["weight"],
                 "rule": {"type": "completion", "target": f"avg_{i['code']}", "per_pp": i["weight"] / 100,
                          "bonus_per_pp": i["weight"] / 100, "cap": i["weight"] * cap}}
                for i in config["indicators"]]
    tiers = [{k: v for k, v in c.items() if k in ("name", "min_score")} for c in config["classes"]]
    raw = {"code": "mujun", "name": "亩均效益综合评价", "aggregation": "sum", "missing": "zero", "tiers": tiers,
           "tree": {"code": "total", "name": "综合得分", "children": children}}
    if grouped:
        raw.update(group_column="group", groups=[config["main_group"], config["small_group"]])
    return parse_scheme(yaml.safe_dump(raw, allow_unicode=True))


def _ratio(num, den, scale: float = 1.0) -> float | None:
    if num is None or den is None or den <= 0:
        return None
    return float(num) / float(den) * scale


def indicator_values(y: EnterpriseYear, land: Decimal) -> dict:
    """The five indicators of one enterprise-year (None where a figure is missing or its denominator is 0)."""
    return {"tax_per_mu": _ratio(y.tax, land), "va_per_mu": _ratio(y.value_added, land),
            "va_per_energy": _ratio(y.value_added, y.energy), "rnd_share": _ratio(y.rnd, y.revenue, 100),
            "labour_productivity": _ratio(y.value_added, y.employees)}


AVERAGE_OF = {  # the group's average: total of the numerators ÷ total of the denominators
    "tax_per_mu": ("tax", "land", 1), "va_per_mu": ("value_added", "land", 1),
    "va_per_energy": ("value_added", "energy", 1), "rnd_share": ("rnd", "revenue", 100),
    "labour_productivity": ("value_added", "employees", 1)}


def evaluate(*, member, zone, year: int, config: dict | None = None, with_last_year: bool = True) -> Evaluation:
    config = config or load_config()
    years = (EnterpriseYear.objects.restrict(member).filter(zone=zone, year=year, output__gt=0)
             .select_related("enterprise", "enterprise__unit").order_by("enterprise__name"))
    rows, excluded = [], []
    grouped = config["small"] == "separate"
    for y in years:
        e = y.enterprise
        land = e.land_area
        if land is None or land <= 0:
            excluded.append((e, "用地面积为0或未填,无法计算亩均指标,不参评"))
            continue
        small = land < config["land_min"]
        if small and not grouped:
            excluded.append((e, f"用地{format_fixed(float(land), 2)}亩,不足{config['land_min']}亩,按方案不参评"))
            continue
        group = config["small_group"] if small and grouped else (config["main_group"] if grouped else "")
        rows.append(Row(enterprise=e, group=group, land=land, values=indicator_values(y, land), averages={}))
        rows[-1].year_row = y
    if not rows:
        return Evaluation(year, [], excluded, config)
    # The averages of each group (sum ÷ sum over the enterprises where both figures are present).
    for group in {r.group for r in rows}:
        members = [r for r in rows if r.group == group]
        for code, (num, den, scale) in AVERAGE_OF.items():
            pairs = [(getattr(r.year_row, num), r.land if den == "land" else getattr(r.year_row, den))
                     for r in members]
            pairs = [(n, d) for n, d in pairs if n is not None and d is not None and d > 0]
            avg = _ratio(sum(n for n, _d in pairs), sum(d for _n, d in pairs), scale) if pairs else None
            for r in members:
                r.averages[code] = avg
    codes = [i["code"] for i in config["indicators"]]
    columns = {}
    for code in codes:
        columns[code] = [np.nan if r.values[code] is None else r.values[code] for r in rows]
        # An average of 0 or none: every enterprise is at the average (no one is scored down by a figure nobody has).
        columns[f"avg_{code}"] = [r.averages[code] if r.averages[code] else np.nan for r in rows]
    for code in codes:
        avg = np.array(columns[f"avg_{code}"], dtype=float)
        x = np.array(columns[code], dtype=float)
        columns[f"avg_{code}"] = np.where(np.isnan(avg), np.where(np.isnan(x), 1.0, np.abs(x) + 1.0), avg)
    data = Data(units=[str(r.enterprise.pk) for r in rows], groups=[r.group for r in rows] if grouped else [],
                columns=columns)
    result = assess(engine_scheme(config, grouped), data).by_unit()
    for r in rows:
        u = result[str(r.enterprise.pk)]
        r.score, r.rank, r.klass = u.score, u.rank, u.tier
        names = {i["code"]: i for i in config["indicators"]}
        for line in u.breakdown:
            ind = names.get(line["code"])
            if ind is None:
                continue
            avg = r.averages.get(line["code"])
            value = r.values.get(line["code"])
            line.update(unit=ind["unit"], weight=ind["weight"], average=avg,
                        text=(f"{format_fixed(value, 2)}{ind['unit']},全区平均{format_fixed(avg, 2)}{ind['unit']};"
                              if value is not None and avg else "") + _against_average(line["reason"]))
        r.breakdown = u.breakdown
    rows.sort(key=lambda r: (r.group, r.rank if r.rank is not None else math.inf, r.enterprise.name))
    if with_last_year:
        last = evaluate(member=member, zone=zone, year=year - 1, config=config, with_last_year=False)
        before = {r.enterprise.pk: r.klass for r in last.rows}
        for r in rows:
            r.last_class = before.get(r.enterprise.pk, "")
    return Evaluation(year, rows, excluded, config)


def _against_average(reason: str) -> str:
    """The engine's words for a completion rule, said of the zone's average (the benchmark of this evaluation)."""
    return (reason.replace("完成目标的", "为全区平均的").replace("超额加", "高于平均加")
            .replace(",未完成目标", ""))


def sheet(ev: Evaluation) -> tuple[list, list[dict]]:
    """The evaluation as one sheet: a row per enterprise evaluated, then the excluded with their reasons."""
    from tuijin.sheets.tabular import Column

    cols = [Column("排名", "rank", width=6), Column("统一社会信用代码", "code", width=22),
            Column("企业名称", "name", width=30), Column("分组", "group", width=14),
            Column("用地面积(亩)", "land", width=12)]
    cols += [Column(f"{i['name']}({i['unit']})", i["code"], width=16) for i in ev.indicators]
    cols += [Column("综合得分", "score", width=10), Column("类别", "class", width=6),
             Column("上年类别", "last", width=8), Column("说明", "note", width=60)]
    rows = []
    for r in ev.rows:
        row = {"rank": r.rank, "code": r.enterprise.credit_code, "name": r.enterprise.name, "group": r.group,
               "land": float(r.land), "score": None if r.score is None else round(r.score, 2), "class": r.klass,
               "last": r.last_class or "—",
               "note": ";".join(f"{b['name']}:{b.get('text', b['reason'])}" for b in r.breakdown)}
        row.update({code: None if v is None else round(v, 4) for code, v in r.values.items()})
        rows.append(row)
    for e, reason in ev.excluded:
        rows.append({"code": e.credit_code, "name": e.name, "land": None if e.land_area is None else float(e.land_area),
                     "class": "不参评", "note": reason})
    return cols, rows
