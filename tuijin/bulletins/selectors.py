"""The data of a bulletin — and of the cockpit, which reads exactly this, so both always agree."""
from __future__ import annotations

import calendar
import datetime as dt

from django.utils import timezone

from tuijin.engine import sentences
from tuijin.indicators import selectors as ind
from tuijin.indicators.models import Actual
from tuijin.projects import selectors as proj
from tuijin.tickets import selectors as tick


class PeriodError(ValueError):
    pass


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def check_period(year: int, month: int) -> None:
    if not 1 <= month <= 12:
        raise PeriodError(f"月份应在1—12之间,而不是{month}")
    today = timezone.localdate()
    if (year, month) > (today.year, today.month):
        raise PeriodError(f"{year}年{month}月尚未到来,不能生成通报")


def _pace_streak(member, zone, year: int, month: int, code: str) -> int:
    """Months in a row (ending this one) the zone was ahead of time progress on an indicator."""
    flags = []
    for m in range(1, month + 1):
        row = ind.zone_row(ind.dispatch_table(member=member, zone=zone, year=year, month=m, include_zone_row=True), code)
        flags.append(bool(row and row["pace_gap_pp"] is not None and row["pace_gap_pp"] > 0))
    return sentences.streak(flags) if flags and flags[-1] else 0


def bulletin_data(*, member, zone, year: int, month: int, unit=None, with_streaks: bool = True) -> dict:
    """Everything a bulletin (or the cockpit) states for a zone — or one unit — and a month, as plain values."""
    check_period(year, month)
    rows = ind.dispatch_table(member=member, zone=zone, year=year, month=month)
    subject = unit.name if unit is not None else "全区"
    if unit is not None:
        main = [r for r in rows if r["unit_id"] == unit.pk]
    else:
        main = [r for r in rows if r["is_zone"]]
    approved = Actual.objects.filter(zone=zone, year=year, month=month, state=Actual.State.APPROVED)
    if unit is not None:
        approved = approved.filter(unit=unit)
    has_approved = approved.exists()
    unfiled = [u.name for u in ind.unfiled_units(member=member, zone=zone, year=year, month=month)]
    indicator_lines = []
    for r in main:
        if not has_approved:
            break
        streak = _pace_streak(member, zone, year, month, r["indicator_code"]) \
            if with_streaks and unit is None and r["main"] and r["completion"] is not None else 0
        indicator_lines.append(sentences.indicator_sentence(
            month=month, name=r["indicator"], value=r["actual_ytd"], unit=r["display_unit"], places=r["decimals"],
            yoy=r["yoy_growth"], completion=r["completion"], pace_gap_pp=r["pace_gap_pp"], subject=subject,
            pace_streak=streak))
    perf = proj.project_performance(member=member, zone=zone, year=year, month=month, unit=unit)
    lagging = proj.lagging_projects(member=member, zone=zone, as_of=month_end(year, month))
    if unit is not None:
        lagging = [x for x in lagging if x["project"].unit_id == unit.pk]
    lagging = [x for x in lagging if x["light"] == "red"]
    ticket_stats = tick.ticket_stats_by_unit(member=member, zone=zone, as_of=month_end(year, month))
    if unit is not None:
        ticket_stats = [s for s in ticket_stats if s["unit_id"] == unit.pk]
    ticket_totals = tick.ticket_totals(ticket_stats)
    ranking = _ranking(member, zone, rows)
    return {
        "zone": {"code": zone.code, "name": zone.name}, "unit": subject, "year": year, "month": month,
        "period": sentences.period_phrase(month), "has_approved": has_approved, "unfiled": unfiled,
        "indicator_rows": main, "indicator_lines": indicator_lines,
        "performance": perf, "projects_line": sentences.projects_sentence(perf, month=month),
        "lagging": [{"code": x["code"], "name": x["name"], "unit": x["unit"], "days_late": x["days_late"],
                     "reason": x["reason"], "pk": x["pk"]} for x in lagging],
        "tickets": ticket_stats, "ticket_totals": ticket_totals,
        "tickets_line": sentences.tickets_sentence(ticket_totals, month=month),
        "ranking": ranking,
    }


def _ranking(member, zone, rows) -> dict:
    """Units ranked within their group: the latest assessment run if there is one, else dispatch completion."""
    try:
        from tuijin.assessment.selectors import latest_run_ranking

        run = latest_run_ranking(member=member, zone=zone)
    except ImportError:
        run = None
    if run:
        return run
    by_group: dict[str, list] = {}
    main_code = next((r["indicator_code"] for r in rows if r["main"] and r["completion"] is not None), None)
    for r in rows:
        if r["is_zone"] or r["indicator_code"] != main_code or r["rank"] is None:
            continue
        by_group.setdefault(r["group"] or "—", []).append({"unit": r["unit"], "unit_id": r["unit_id"], "rank": r["rank"],
                                                          "value": r["completion"]})
    for v in by_group.values():
        v.sort(key=lambda x: x["rank"])
    name = next((r["indicator"] for r in rows if r["indicator_code"] == main_code), "")
    return {"source": "dispatch", "title": f"{name}完成进度", "groups": by_group}


def _projects_version(zone) -> str:
    from django.db.models import Count, Max

    from tuijin.projects.models import Project, ProjectNode, ProjectProgress
    from tuijin.tickets.models import Ticket, TicketEvent

    parts = [m.objects.filter(zone=zone).aggregate(m=Max("updated"), n=Count("id"))
             for m in (Project, ProjectNode, ProjectProgress, Ticket, TicketEvent)]
    return "|".join(f"{p['m']}/{p['n']}" for p in parts)


def bulletin_data_cached(*, member, zone, year: int, month: int, with_streaks: bool = False) -> dict:
    """``bulletin_data`` kept in the cache until the zone's figures, projects or tickets change (the cockpit)."""
    import hashlib

    from django.core.cache import cache

    from tuijin.indicators.selectors import _data_version

    check_period(year, month)
    who = f"{member.scope}:{member.unit_id if member.scope in ('unit', 'subtree') else ''}"
    version = hashlib.sha1(f"{_data_version(zone, year, month)}|{_projects_version(zone)}|{timezone.localdate()}"
                           .encode()).hexdigest()
    key = f"tuijin:bulletin:{zone.pk}:{year}:{month}:{who}:{with_streaks}:{version}"
    data = cache.get(key)
    if data is None:
        data = bulletin_data(member=member, zone=zone, year=year, month=month, with_streaks=with_streaks)
        cache.set(key, data, timeout=3600)
    return data
