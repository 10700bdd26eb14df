"""The data of a bulletin — and of the cockpit, which reads exactly this, so both always agree.

A bulletin states only honest totals (the dispatch table's rule, docs/dispatch.md): it is written for a locked
month, or marked 征求意见稿 (a draft for comment) saying how many units it counts. Every quantity it states twice
— a filed indicator and the same count from the project ledger — agrees, or the bulletin says where they differ.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError

from tuijin.campaigns.models import StageGoal
from tuijin.core.cache import Rows, cached, table_version
from tuijin.core.periods import (PeriodError, as_of_date, check_period, ensure_not_future, is_locked,
                                 latest_locked_period, month_end, period_label)
from tuijin.engine import sentences
from tuijin.indicators import dispatch as disp
from tuijin.indicators.selectors import filing_status
from tuijin.indicators.stage_goals import MONTHS as STAGE_MONTHS
from tuijin.indicators.stage_goals import goal_sentence, goal_summary, stage_goal_status
from tuijin.projects import selectors as proj
from tuijin.promotion import selectors as promo
from tuijin.tickets import selectors as tick

__all__ = ["PeriodError", "bulletin_data", "bulletin_data_cached", "bulletin_period", "cross_checks", "ticket_part"]

# A filed indicator and the ledger's figure for the same quantity: (indicator code, performance key, what, unit)
SAME_FACTS = [
    ("new_projects_100m", "big_signed_count", "新签约亿元以上项目", "个"),
    ("new_projects_100m_investment", "big_signed_investment", "新签约亿元以上项目计划总投资", "万元"),
    ("new_foreign_projects", "foreign_signed_count", "新签约外资项目", "个"),
    ("new_foreign_projects_investment", "foreign_signed_investment", "新签约外资项目计划总投资", "万元"),
]


def bulletin_period(zone) -> tuple[int, int] | None:
    """The month a bulletin or the cockpit opens on: the newest month the office has locked."""
    return latest_locked_period(zone)


def check_bulletin_period(zone, year: int, month: int) -> None:
    check_period(year, month)
    ensure_not_future(year, month)


def cross_checks(rows: list, perf: dict) -> list[dict]:
    """The quantities stated twice: the filed zone total and the ledger's count, in the same unit, and whether
    they agree once rounded as the bulletin prints them."""
    by_code = {r.indicator_code: r for r in rows if r.is_zone}
    out = []
    for code, key, what, unit in SAME_FACTS:
        row, ledger = by_code.get(code), perf.get(key) if perf else None
        if row is None or row.actual_ytd is None or ledger is None:
            continue
        if unit == "个":
            filed_text, ledger_text = sentences.plain(row.actual_ytd, 0) + "个", sentences.plain(ledger, 0) + "个"
        else:  # the indicator is shown in 亿元, the ledger holds 万元: compare in the bulletin's own words
            filed_text = sentences.amount_wan(row.actual_ytd * 10000 if row.display_unit == "亿元" else row.actual_ytd)
            ledger_text = sentences.amount_wan(ledger)
        agree = filed_text == ledger_text
        if row.complete is False:  # a partial total is named as such, so the gap is not read as a contradiction
            filed_text += f"(已报{row.units_reported}/{row.units_expected}个单位)"
        out.append({"code": code, "what": what, "filed": filed_text, "ledger": ledger_text, "agree": agree})
    return out


def _counting(status, rows) -> dict:
    zone_rows = [r for r in rows if r.is_zone and not r.computed and r.units_expected]
    expected = len(status)
    complete = [s for s in status if s.complete]
    reported = [s for s in status if s.filed and not s.missing and s.submitted + s.approved == s.filed]
    return {"units_expected": expected, "units_complete": len(complete), "units_reported": len(reported),
            "not_reported": [{"unit": s.unit.name, "reason": s.not_reported} for s in status if s.not_reported],
            "incomplete": [s.unit.name for s in status if not s.complete and not s.not_reported],
            "totals_complete": all(r.complete for r in zone_rows)}


def bulletin_data(*, member, zone, year: int, month: int, unit=None, with_streaks: bool = True,
                  draft: bool | None = None, as_of=None, with_tickets: bool = True) -> dict:
    """Everything a bulletin (or the cockpit) states for a zone — or one unit — and a month, as plain values.

    Projects and tickets are counted to ``as_of``: a bulletin states them as at its month's end; the cockpit, a
    page like the lagging list, passes the zone's today (``as_of_date``) so days late agree with every page.
    Without ``with_tickets`` the ticket part (``ticket_part``) is left out: the cockpit caches it on its own."""
    check_bulletin_period(zone, year, month)
    locked = is_locked(zone, year, month)
    rows = disp.dispatch_table(member=member, zone=zone, year=year, month=month)
    subject = unit.name if unit is not None else "全区"
    main = [r for r in rows if (r.unit_id == unit.pk if unit is not None else r.is_zone)]
    status = filing_status(member=member, zone=zone, year=year, month=month)
    counting = _counting(status, rows)
    has_figures = any(r.actual_ytd is not None and (r.is_zone or r.counted_in_total) for r in main)
    indicator_lines = []
    for r in main:
        if not has_figures:
            break
        if r.actual_ytd is None or r.source == "ledger":  # the ledger's counts: stated once, with the projects
            continue
        streak = _pace_streak(member, zone, year, month, r.indicator_code) \
            if with_streaks and unit is None and r.main and r.completion is not None else 0
        line = sentences.indicator_sentence(
            month=month, name=r.indicator, value=r.actual_ytd, unit=r.display_unit, places=r.decimals,
            yoy=r.yoy_growth, completion=r.completion, pace_gap_pp=r.pace_gap_pp, subject=subject,
            pace_streak=streak)
        if r.is_zone and r.complete is False:
            note = "同比为可比口径" if r.yoy_growth is not None and r.display_unit != "%" else ""
            line = line[:-1] + f"(已报{r.units_reported}/{r.units_expected}个单位{',' + note if note else ''})。"
        indicator_lines.append(line)
    as_of = as_of or min(month_end(year, month), as_of_date(zone))
    perf = proj.project_performance(member=member, zone=zone, year=year, month=month, unit=unit)
    lagging = proj.lagging_projects(member=member, zone=zone, as_of=as_of)
    if unit is not None:
        lagging = [x for x in lagging if x["project"].unit_id == unit.pk]
    lagging = [x for x in lagging if x["light"] == "red"]
    checks = cross_checks(rows, perf) if unit is None else []
    projects_line = sentences.projects_sentence(perf, month=month)
    if unit is None:  # the 招商 funnel behind the signed projects (promotion/selectors.py)
        projects_line += sentences.promotion_sentence(
            promo.bulletin_facts(member=member, zone=zone, year=year, month=month, until=as_of), month=month)
    differ = [c for c in checks if not c["agree"]]
    if differ:
        projects_line += "".join(f"其中{c['what']},项目台账登记{c['ledger']},各单位报送{c['filed']},两者不一致,"
                                 f"请相关单位核对。" for c in differ)
    goals = stage_goal_status(zone, year, month) if unit is None else []
    goal_lines = [goal_sentence(goals, kind) for kind, months in STAGE_MONTHS.items() if month in months]
    return {
        "stage_goals": [g.as_dict() for g in goals], "stage_goal_lines": [x for x in goal_lines if x],
        "stage_goal_summary": goal_summary(goals),
        "zone": {"code": zone.code, "name": zone.name}, "unit": subject, "year": year, "month": month,
        "period": sentences.period_phrase(month), "period_label": period_label(year, month),
        "locked": locked, "draft": (not locked) if draft is None else draft,
        "has_figures": has_figures,
        "counting": counting, "unfiled": counting["incomplete"],
        "indicator_rows": [r.as_dict() for r in main], "indicator_lines": indicator_lines,
        "performance": perf, "projects_line": projects_line, "cross_checks": checks,
        "lagging": [{"code": x["code"], "name": x["name"], "unit": x["unit"], "days_late": x["days_late"],
                     "reason": x["reason"], "pk": x["pk"]} for x in lagging],
        **(ticket_part(member=member, zone=zone, month=month, as_of=as_of, unit=unit) if with_tickets else {}),
        "ranking": _ranking(member, zone, rows),
    }


def ticket_part(*, member, zone, month: int, as_of, unit=None) -> dict:
    """The tickets a bulletin states: per unit (or one unit), the totals and their sentence."""
    ticket_stats = tick.ticket_stats_by_unit(member=member, zone=zone, as_of=as_of)
    if unit is not None:
        ticket_stats = [s for s in ticket_stats if s["unit_id"] == unit.pk]
    ticket_totals = tick.ticket_totals(ticket_stats)
    return {"tickets": ticket_stats, "ticket_totals": ticket_totals,
            "tickets_line": sentences.tickets_sentence(ticket_totals, month=month)}


def _pace_streak(member, zone, year: int, month: int, code: str) -> int:
    """Months in a row (ending this one) the zone was ahead of time progress on an indicator."""
    flags = []
    for m in range(1, month + 1):
        row = disp.zone_row(disp.dispatch_table(member=member, zone=zone, year=year, month=m, include_zone_row=True),
                            code)
        flags.append(bool(row and row.pace_gap_pp is not None and row.pace_gap_pp > 0))
    return sentences.streak(flags) if flags and flags[-1] else 0


def _ranking(member, zone, rows) -> dict:
    """Units ranked within their group: the latest assessment run if there is one, else dispatch completion."""
    from tuijin.assessment.selectors import latest_run_ranking

    run = latest_run_ranking(member=member, zone=zone)
    if run:
        return run
    by_group: dict[str, list] = {}
    main_code = next((r.indicator_code for r in rows if r.main and r.completion is not None and not r.is_zone), None)
    for r in rows:
        if r.is_zone or r.indicator_code != main_code or r.rank is None:
            continue
        by_group.setdefault(r.group or "—", []).append({"unit": r.unit, "unit_id": r.unit_id, "rank": r.rank,
                                                        "value": r.completion})
    for v in by_group.values():
        v.sort(key=lambda x: x["rank"])
    name = next((r.indicator for r in rows if r.indicator_code == main_code), "")
    return {"source": "dispatch", "title": f"{name}完成进度", "groups": by_group}


def _projects_version(zone) -> str:
    """What the bulletin reads besides the dispatch and the tickets: the ledger, its lag rule, assessment runs,
    the year's campaign and its stage goals."""
    from tuijin.assessment.models import Run
    from tuijin.campaigns.models import Campaign

    from tuijin.promotion.models import Capital, Lead

    others = table_version(Rows(Run, zone=zone.pk), Rows(Campaign, zone=zone.pk), Rows(StageGoal, zone=zone.pk),
                           Rows(Lead, zone=zone.pk), Rows(Capital, zone=zone.pk))
    return f"{proj.projects_version(zone)}:{others}"


def _tickets_version(zone) -> str:
    from tuijin.org.models import Unit
    from tuijin.tickets.models import Ticket

    return table_version(Rows(Ticket, zone=zone.pk), Rows(Unit, zone=zone.pk))


def bulletin_data_cached(*, member, zone, year: int, month: int, with_streaks: bool = False) -> dict:
    """``bulletin_data`` as the cockpit shows it (projects and tickets as of the zone's today), kept in the cache
    until the zone's figures, projects or tickets change. The ticket part is kept apart, so a step taken on a
    ticket (several a minute in a busy zone) recomputes only the ticket figures."""
    check_bulletin_period(zone, year, month)
    who = f"{member.scope}:{member.unit_id if member.scope in ('unit', 'subtree') else ''}"
    as_of = as_of_date(zone)
    version = f"{disp.version(zone, year, month)}:{_projects_version(zone)}:{as_of}"
    data = cached("bulletin", zone.pk, year, month, who, with_streaks, version=version,
                  compute=lambda: bulletin_data(member=member, zone=zone, year=year, month=month,
                                                with_streaks=with_streaks, as_of=as_of, with_tickets=False))
    data.update(cached("bulletin-tickets", zone.pk, year, month, who, version=f"{_tickets_version(zone)}:{as_of}",
                       compute=lambda: ticket_part(member=member, zone=zone, month=month, as_of=as_of)))
    return data


def ensure_locked_or_draft(zone, year: int, month: int, *, draft: bool) -> None:
    """A bulletin is written for a locked month; a draft for comment (征求意见稿) may be written before."""
    if draft or is_locked(zone, year, month):
        return
    from tuijin.core.scope import SYSTEM

    short = [s for s in filing_status(member=SYSTEM, zone=zone, year=year, month=month) if not s.complete]
    names = "、".join(f"{s.unit.name}({s.shortfall()})" for s in short) or "无"
    raise ValidationError(
        f"{period_label(year, month)}尚未锁定,不能印发正式通报。尚未报齐的单位:{names}。"
        f"可先锁定本月,或生成征求意见稿。", code="not_locked")
