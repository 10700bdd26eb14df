"""Demo figures: monthly year-to-date filings and targets for every demo zone.

Huai'an's 2023 1—6月 zone totals are the seed's: 一般公共预算收入18.56亿元 (+36.7%), 税占比93.25%,
进出口总额83.04亿元, 出口57.6亿元 (+5.2%), 新签约亿元以上项目49个 (280.63亿元), 新签约外资项目10个
(57.7亿元; these two are counted from the project ledger, not filed). The totals are split over the filing units
so that their sums are exact to the 0.01万元.
"""
from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

from tuijin.indicators.models import Actual, Indicator, Target
from tuijin.core.models import FilingPeriod
from tuijin.indicators.services import catalogue_install
from tuijin.org.models import Unit

CENT = Decimal("0.01")
# Base monthly weights of a zone's year (cumulative shares are derived, a little different each year).
WEIGHTS = [0.055, 0.065, 0.09, 0.08, 0.085, 0.105, 0.075, 0.08, 0.09, 0.085, 0.085, 0.105]
FILING_KINDS = (Unit.Kind.STREET, Unit.Kind.TOWN, Unit.Kind.PARK)

# Huai'an zone totals at June in stored units (万元 / 万美元 / 个): {code: (2023, 2022, 2021)}
HUAIAN_JUNE = {
    "general_budget_revenue": ("185600", "135800", "128300"),
    "tax_revenue": ("173072", "124936", "116700"),
    "trade_total": ("830400", "790200", "702500"),
    "exports": ("576000", "547500", "498000"),
    "utilized_fdi": ("32600", "29800", "27100"),
    "industrial_output": ("6215000", "5802000", "5410000"),
    "above_scale_value_added": ("1498000", "1386000", "1302000"),
    "fixed_asset_investment": ("2106000", "1952000", "1811000"),
    "new_projects_100m": ("49", "41", "37"),
    "new_projects_100m_investment": ("2806300", "2315000", "2022000"),
    "new_foreign_projects": ("10", "8", "7"),
    "new_foreign_projects_investment": ("577000", "452000", "398000"),
}
# Annual zone targets for Huai'an 2023 (stored units); 一般公共预算收入 35.49亿元 → 52.3% at June.
HUAIAN_TARGETS_2023 = {
    "general_budget_revenue": "354900", "tax_revenue": "330000", "trade_total": "1650000", "exports": "1120000",
    "utilized_fdi": "62000", "industrial_output": "12800000", "above_scale_value_added": "3050000",
    "fixed_asset_investment": "4300000", "new_projects_100m": "90", "new_projects_100m_investment": "5000000",
    "new_foreign_projects": "18", "new_foreign_projects_investment": "1000000",
}

# Other zones: (current year, months filed in it, size relative to Huai'an)
OTHER_ZONES = {"jiaxing": (2022, 12, Decimal("1.35")), "jiangyan": (2021, 12, Decimal("0.55")),
               "jimo": (2021, 12, Decimal("0.7")), "shifan": (2023, 9, Decimal("0.45"))}


def cumulative_shares(rng: random.Random) -> list[Decimal]:
    w = [x * rng.uniform(0.85, 1.15) for x in WEIGHTS]
    total, acc, out = sum(w), 0.0, []
    for x in w:
        acc += x
        out.append(Decimal(str(round(acc / total, 6))))
    out[-1] = Decimal(1)
    return out


def split(total: Decimal, weights: list[float], integer: bool) -> list[Decimal]:
    """Split ``total`` by weights into parts that sum to it exactly (cents, or whole numbers)."""
    quantum = Decimal(1) if integer else CENT
    s = sum(weights)
    parts = [(total * Decimal(str(w / s))).quantize(quantum, rounding=ROUND_HALF_UP) for w in weights]
    parts[-1] += total - sum(parts)
    return parts


def year_series(june: Decimal, shares: list[Decimal], integer: bool) -> list[Decimal]:
    """Twelve year-to-date totals whose June value is exactly ``june``."""
    quantum = Decimal(1) if integer else CENT
    full = june / shares[5]
    out = [(full * s).quantize(quantum, rounding=ROUND_HALF_UP) for s in shares]
    out[5] = june
    for m in range(1, 12):  # year to date never falls in the demo
        out[m] = max(out[m], out[m - 1])
    return out


def build_zone_figures(zone, rng: random.Random, *, june_totals: dict[str, list[Decimal]], years: list[int],
                       current_year: int, months_in_current: int, zone_targets: dict[str, Decimal]) -> None:
    indicators = {i.code: i for i in catalogue_install(zone=zone)}
    units = list(Unit.objects.filter(zone=zone, kind__in=FILING_KINDS).order_by("sort_order"))
    weights = {u.pk: rng.uniform(0.6, 1.6) for u in units}
    actuals, series_by_year, parts_by = [], {}, {}
    for code, per_year in june_totals.items():
        ind = indicators[code]
        integer = ind.unit == "个"
        for year, june in zip(years, per_year):
            series = year_series(june, cumulative_shares(rng), integer)
            series_by_year[(code, year)] = series
            last_months = months_in_current if year == current_year else 12
            unit_w = [weights[u.pk] * rng.uniform(0.9, 1.1) for u in units]
            for m in range(1, last_months + 1):
                parts = split(series[m - 1], unit_w, integer)
                parts_by[(code, year, m)] = parts
                prev_parts = parts_by.get((code, year - 1, m))  # what each unit filed a year earlier
                for k, (u, v) in enumerate(zip(units, parts)):
                    if ind.is_ledger and year == current_year:  # counted from the ledger (indicators/ledger.py);
                        continue  # the years before were filed (they are last year's figures: docs/dispatch.md)
                    actuals.append(Actual(zone=zone, unit=u, indicator=ind, year=year, month=m, ytd=v,
                                          last_year_ytd=prev_parts[k] if prev_parts else None,
                                          state=Actual.State.APPROVED))
    Actual.objects.bulk_create(actuals, batch_size=2000)
    targets = []
    for code, value in zone_targets.items():
        ind = indicators[code]
        integer = ind.unit == "个"
        targets.append(Target(zone=zone, unit=None, indicator=ind, year=current_year, value=value))
        unit_w = [weights[u.pk] for u in units]
        parts = split(value, unit_w, integer)
        if code == "fixed_asset_investment":  # units were given more than the zone's target (加压分解)
            parts[0] += (value * Decimal("0.03")).quantize(CENT)
        targets += [Target(zone=zone, unit=u, indicator=ind, year=current_year, value=p) for u, p in zip(units, parts)]
    Target.objects.bulk_create(targets)
    for year in years:  # every month built here has been reviewed and locked by the office
        last = months_in_current if year == current_year else 12
        for m in range(1, last + 1):
            FilingPeriod.objects.create(zone=zone, year=year, month=m, locked=True)


def build(*, zones: dict, rng: random.Random) -> None:
    huaian = zones["huaian"]
    # Oldest year first, so each year's "same period last year" is known when it is built.
    june = {code: [Decimal(v) for v in reversed(values)] for code, values in HUAIAN_JUNE.items()}
    build_zone_figures(huaian, rng, june_totals=june, years=[2021, 2022, 2023], current_year=2023,
                       months_in_current=6, zone_targets={k: Decimal(v) for k, v in HUAIAN_TARGETS_2023.items()})
    for code, (year, months, size) in OTHER_ZONES.items():
        zone = zones[code]
        scaled = {c: [_q(c, Decimal(v[i]) * size * Decimal(str(rng.uniform(0.9, 1.1)))) for i in (2, 1)]
                  for c, v in HUAIAN_JUNE.items()}
        targets = {c: (Decimal(v) * size).quantize(CENT) for c, v in HUAIAN_TARGETS_2023.items()}
        build_zone_figures(zone, rng, june_totals=scaled, years=[year - 1, year], current_year=year,
                           months_in_current=months, zone_targets=targets)
    _huaian_july_in_progress(huaian)
    _shifan_year_reviewed(zones["shifan"])


# shifan's 2022, the year its 2023 speech reviews (seed 002): 工业总产值 423亿元 (the register's enterprises add up to
# it, enterprises/demo.py), 金融机构存款余额 above 200亿元, 三产增加值占比 just under 40% (三产增加值 ÷ 地区生产总值).
SHIFAN_2022 = {"industrial_output": Decimal(4230000), "gdp": Decimal(6120000),
               "tertiary_value_added": Decimal(2423520), "deposits": Decimal(2056000)}  # 万元; 三产 39.60%
SHIFAN_GROWTH_2023 = {"gdp": 1.062, "tertiary_value_added": 1.071, "deposits": 1.084}


def _shifan_year_reviewed(zone) -> None:
    """Bring shifan's filed figures to its speech: 工业总产值 of 2022 scaled to 423亿元 at December (and 2023 with
    it, so its growth is unchanged), and 地区生产总值, 三产增加值 and 金融机构存款余额 filed for 2022 and 2023."""
    rng = random.Random("shifan:2022")
    output = list(Actual.objects.filter(zone=zone, indicator__code="industrial_output").select_related("unit")
                  .order_by("year", "month", "unit__sort_order"))
    december = [a for a in output if a.year == 2022 and a.month == 12]
    factor = SHIFAN_2022["industrial_output"] / sum(a.ytd for a in december)
    for a in output:
        a.ytd = (a.ytd * factor).quantize(CENT, rounding=ROUND_HALF_UP)
        if a.last_year_ytd is not None:
            a.last_year_ytd = (a.last_year_ytd * factor).quantize(CENT, rounding=ROUND_HALF_UP)
    residual = SHIFAN_2022["industrial_output"] - sum(a.ytd for a in december)
    december[-1].ytd += residual  # exact to the 0.01万元
    for a in output:
        if a.year == 2023 and a.month == 12 and a.unit_id == december[-1].unit_id:
            a.last_year_ytd = december[-1].ytd
    Actual.objects.bulk_update(output, ["ytd", "last_year_ytd"], batch_size=2000)
    indicators = {i.code: i for i in Indicator.objects.filter(zone=zone, code__in=SHIFAN_GROWTH_2023)}
    units = list(Unit.objects.filter(zone=zone, kind__in=FILING_KINDS).order_by("sort_order"))
    weights = [rng.uniform(0.6, 1.6) for _u in units]
    months_2023 = FilingPeriod.objects.filter(zone=zone, year=2023).count()
    shares = cumulative_shares(rng)  # one shape for 地区生产总值 and 三产: their ratio holds every month
    # the streets and parks differ in how much of their economy is services (the zone's share is exact)
    unit_weights = {code: [w * rng.uniform(0.7, 1.3) if code == "tertiary_value_added" else w for w in weights]
                    for code in indicators}
    made = []
    for code, ind in indicators.items():
        by_year = {2022: SHIFAN_2022[code], 2023: (SHIFAN_2022[code] * Decimal(str(SHIFAN_GROWTH_2023[code])))
                   .quantize(CENT)}
        previous: dict = {}
        for year, full in by_year.items():
            for m in range(1, (12 if year == 2022 else months_2023) + 1):
                if code == "deposits":  # a balance: about 92% of December's at January, rising through the year
                    total = (full * Decimal(str(0.92 + 0.08 * m / 12))).quantize(CENT)
                else:
                    total = (full * shares[m - 1]).quantize(CENT)
                parts = split(total, unit_weights[code], False)
                for k, (u, v) in enumerate(zip(units, parts)):
                    made.append(Actual(zone=zone, unit=u, indicator=ind, year=year, month=m, ytd=v,
                                       last_year_ytd=previous.get((m, k)), state=Actual.State.APPROVED))
                    if year == 2022:
                        previous[(m, k)] = v
    Actual.objects.bulk_create(made, batch_size=2000)


def _huaian_july_in_progress(zone) -> None:
    """July 2023: some streets have submitted, 钵池街道 still has drafts — the review loop in motion."""
    june = Actual.objects.filter(zone=zone, year=2023, month=6)
    made = []
    for a in june.select_related("unit"):
        state = Actual.State.SUBMITTED if a.unit.name in ("枚乘街道", "徐杨街道") else Actual.State.DRAFT
        if a.unit.name in ("南马厂街道", "综合保税区", "高新技术产业园"):
            continue
        growth = Decimal("1.16") if a.indicator.unit != "个" else Decimal(1)
        made.append(Actual(zone=zone, unit=a.unit, indicator=a.indicator, year=2023, month=7,
                           ytd=(a.ytd * growth).quantize(CENT), state=state,
                           last_year_ytd=Actual.objects.filter(unit=a.unit, indicator=a.indicator, year=2022,
                                                               month=7).values_list("ytd", flat=True).first()))
    Actual.objects.bulk_create(made)
    FilingPeriod.objects.create(zone=zone, year=2023, month=7)


def _q(code: str, value: Decimal) -> Decimal:
    """Counts are whole numbers; amounts are kept to the 0.01 of their stored unit."""
    is_count = code in ("new_projects_100m", "new_foreign_projects")
    return value.quantize(Decimal(1) if is_count else CENT, rounding=ROUND_HALF_UP)


def build_scale(*, zone, rng: random.Random) -> None:
    size = Decimal(str(rng.uniform(0.3, 2.0)))
    june = {c: [_q(c, Decimal(v[i]) * size) for i in (2, 1, 0)] for c, v in HUAIAN_JUNE.items()}
    targets = {c: Decimal(v) for c, v in HUAIAN_TARGETS_2023.items()}
    build_zone_figures(zone, rng, june_totals=june, years=[2021, 2022, 2023], current_year=2023,
                       months_in_current=12, zone_targets=targets)
