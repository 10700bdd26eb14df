"""Bulletin sentences in the register of the zones' own reports (通报).

    "1—6月,全区完成一般公共预算收入18.56亿元,同比增长36.7%,完成年度目标的52.3%,超序时进度2.3个百分点。"

Numbers are rounded half-up (四舍五入) from exact values; amounts drop trailing zeros as the reports do
(57.6亿元, not 57.60亿元); percentages and percentage points always keep one decimal (同比下降44.0%, beside
42.2%); a growth that is negative reads "同比下降"; a missing last-year value or target
drops its clause rather than printing nonsense.
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from tuijin.engine.numbers import Number, format_fixed, round_half_up, to_decimal

YI = Decimal(10000)  # 1亿元 = 10000万元


def period_phrase(month: int) -> str:
    """1月 / 1—6月 / 全年."""
    if month == 1:
        return "1月"
    if month == 12:
        return "全年"
    return f"1—{month}月"


def plain(value: Number | None, places: int = 2) -> str:
    """Half-up to ``places`` decimals, trailing zeros dropped: 57.60 → "57.6", 49.00 → "49"."""
    d = round_half_up(value, places)
    if d is None:
        return ""
    text = f"{d:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def amount_wan(value_wan: Number | None) -> str:
    """An amount held in 万元, written as the reports do: ≥1亿元 in 亿元, else 万元 ("280.63亿元", "3500万元")."""
    d = to_decimal(value_wan)
    if d is None:
        return ""
    if abs(d) >= YI:
        return f"{plain(d / YI, 2)}亿元"
    return f"{plain(d, 0 if d == d.to_integral_value() else 2)}万元"


def percent(fraction: Number | None, places: int = 1) -> str:
    """A percentage always with ``places`` decimals, as a table column reads evenly: 44.0%, never 44%."""
    d = to_decimal(fraction)
    return "" if d is None else f"{format_fixed(d * 100, places)}%"


def growth_clause(yoy: Number | None, places: int = 1) -> str:
    """同比增长36.7% / 同比下降5.0% / 与上年同期持平; "" when last year is unknown."""
    d = to_decimal(yoy)
    if d is None:
        return ""
    shown = round_half_up(abs(d) * 100, places)
    if shown == 0:
        return "与上年同期持平"
    return f"同比{'增长' if d > 0 else '下降'}{format_fixed(shown, places)}%"


def pace_clause(gap_pp: Number | None, streak: int = 0) -> str:
    """超序时进度2.3个百分点 / 低于序时进度1.4个百分点, with 首次/连续N个月 where a streak is known."""
    d = to_decimal(gap_pp)
    if d is None:
        return ""
    shown = round_half_up(abs(d), 1)
    if shown == 0:
        return "与序时进度持平"
    ahead = d > 0
    lead = ""
    if streak >= 2:
        lead = f"连续{streak}个月"
    elif streak == 1:
        lead = "首次"
    word = "超" if ahead else "低于"
    return f"{lead}{word}序时进度{format_fixed(shown, 1)}个百分点"


def streak(flags: Sequence[bool]) -> int:
    """How many months in a row, ending with the last, the flag has held; 1 means it just turned (首次)."""
    n = 0
    for f in reversed(flags):
        if not f:
            break
        n += 1
    if n == len(flags) and n > 1:
        return n
    return n


def indicator_sentence(*, month: int, name: str, value: Number | None, unit: str, places: int = 2,
                       yoy: Number | None = None, completion: Number | None = None, pace_gap_pp: Number | None = None,
                       subject: str = "全区", verb: str = "完成", pace_streak: int = 0) -> str:
    """One indicator in one sentence; a ratio (unit "%") is stated as a level: "税占比93.25%"."""
    if value is None:
        return f"{period_phrase(month)},{subject}{name}尚无审核通过的数据。"
    if unit == "%":
        return f"{period_phrase(month)},{subject}{name}{plain(value, places)}%。"
    if name.startswith("新签约"):  # counts and sums of signed projects are stated, not "completed"
        verb = ""
        if unit == "个" and name.endswith("数"):
            name = name[:-1]
    parts = [f"{period_phrase(month)},{subject}{verb}{name}{plain(value, places)}{unit}"]
    for clause in (growth_clause(yoy),
                   f"完成年度目标的{percent(completion)}" if completion is not None else "",
                   pace_clause(pace_gap_pp, pace_streak) if completion is not None else ""):
        if clause:
            parts.append(clause)
    return ",".join(parts) + "。"


def promotion_sentence(facts: dict | None, *, month: int) -> str:
    """The 招商 sentence after the projects: the year's leads, those in talks, signed, capital in place, and the
    leads overdue for their first assessment ("招商引资方面,1—6月新增招商线索36条……")."""
    if not facts:
        return ""
    # The rate is of this year's leads; the projects signed this year also come from earlier leads, said as such, so
    # "35 leads, 49 signed" never reads as a contradiction.
    new_signed = facts.get("new_signed", 0)
    text = f"招商引资方面,{period_phrase(month)}新增招商线索{facts['new_leads']}条"
    if facts.get("signed_rate") is not None:
        text += f"(其中已签约{new_signed}个,签约率{percent(facts['signed_rate'])})"
    text += f",在谈项目{facts['in_talks']}个,签约落地{facts['signed']}个"
    if facts["signed"] > new_signed:
        text += f"(含以前年度线索{facts['signed'] - new_signed}个)"
    if facts.get("received_cny"):
        text += f",到位资金{amount_wan(facts['received_cny'])}"
        if facts.get("received_usd"):
            text += f"(其中外资{plain(facts['received_usd'], 2)}万美元)"
    text += "。"
    if facts.get("overdue"):
        text += f"超期未研判线索{facts['overdue']}条,请相关单位抓紧研判,提升招商引资“含金量”。"
    return text


def projects_sentence(perf: dict, *, month: int) -> str:
    """The project paragraph: new signed (≥1亿元, foreign-funded), starts, completions, investment."""
    if not perf or perf.get("projects", 0) == 0:
        return "本期暂无项目数据。"
    p = period_phrase(month)
    parts = [f"{p},新签约亿元以上项目{perf['big_signed_count']}个、计划总投资{amount_wan(perf['big_signed_investment'])}"]
    if perf.get("foreign_signed_count"):
        parts.append(f"新签约外资项目{perf['foreign_signed_count']}个、计划总投资{amount_wan(perf['foreign_signed_investment'])}")
    text = ";".join(parts) + "。"
    rates = []
    for label, num, base, rate in (("开工", "started", "start_base", "start_rate"),
                                   ("竣工", "completed", "completion_base", "completion_rate"),
                                   ("投产", "in_production", "production_base", "production_rate")):
        if perf.get(base):
            rates.append(f"计划{label}项目{perf[base]}个、已{label}{perf[num]}个,{label}率{percent(perf[rate])}")
    if rates:
        text += ";".join(rates) + "。"
    if perf.get("year_planned_investment"):
        text += (f"项目完成投资{amount_wan(perf['invested_this_year'])},占年度计划投资"
                 f"{amount_wan(perf['year_planned_investment'])}的{percent(perf['investment_rate'])}。")
    return text


def tickets_sentence(totals: dict, *, month: int) -> str:
    if not totals or not totals.get("received"):
        return "本期无督办事项。"
    text = f"截至{month}月底,共受理督办事项{totals['received']}件,已办结{totals['resolved']}件,办结率{percent(totals['resolution_rate'])}"
    if totals.get("overdue"):
        text += f",逾期未办结{totals['overdue']}件"
    return text + "。"
