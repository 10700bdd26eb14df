"""Scheme inputs computed from the system's own records (硬考核要算硬账).

One registry: each record input has a code (which a scheme reads like a data column, ``column: rec_ticket_resolution``),
a Chinese label, a function ``(zone, year) -> {unit_id: value}`` and the page it comes from. A run adds the columns its
scheme reads; the breakdown names the source of each with a link. Bonus claims (verified only) and incidents are
record inputs too, so a scheme maps them to bonuses, deductions or the veto with its own caps and points.

Every read here acts as the system (``core.scope.SYSTEM``): the office runs the assessment of the whole zone, and
what a member sees of the result is cut by ``selectors.visible_units``.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _l

from tuijin.core.scope import SYSTEM

PREFIX = "rec_"


@dataclass(frozen=True)
class RecordInput:
    code: str
    label: str
    compute: Callable[[object, int], dict[int, float]]
    link: Callable[[object, int], str]


REGISTRY: dict[str, RecordInput] = {}


def record_input(code: str, label, link: Callable[[object, int], str]):
    def wrap(fn):
        REGISTRY[code] = RecordInput(code=code, label=label, compute=fn, link=link)
        return fn
    return wrap


def _year_end(zone, year: int) -> dt.date:
    end = dt.date(year, 12, 31)
    return min(end, zone.as_of) if zone.as_of and zone.as_of.year == year else end


def _zone_units(zone) -> dict[int, str]:
    from tuijin.org.models import Unit

    return dict(Unit.objects.filter(zone=zone).order_by().values_list("pk", "name"))


# ---- projects: 开工率 / 竣工率 / 投产率 and days late (the rates of engine/performance.py) -------------------------------

def _project_rate(key: str):
    def compute(zone, year: int) -> dict[int, float]:
        from tuijin.projects.models import Project
        from tuijin.projects.selectors import project_performance

        month = _year_end(zone, year).month
        out = {}
        units = Project.objects.filter(zone=zone).order_by().values_list("unit_id", flat=True).distinct()
        from tuijin.org.models import Unit

        for unit in Unit.objects.filter(pk__in=list(units)):
            rate = project_performance(member=SYSTEM, zone=zone, year=year, month=month, unit=unit)[key]
            if rate is not None:
                out[unit.pk] = float(rate)
        return out
    return compute


def _performance_link(zone, year: int) -> str:
    return f"{reverse('projects:performance')}?year={year}"


for _code, _label, _key in (("rec_project_start_rate", _l("project start rate (开工率)"), "start_rate"),
                            ("rec_project_completion_rate", _l("project completion rate (竣工率)"), "completion_rate"),
                            ("rec_project_production_rate", _l("project production rate (投产率)"),
                             "production_rate")):
    record_input(_code, _label, _performance_link)(_project_rate(_key))


@record_input("rec_project_days_late", _l("average days late of projects"),
              lambda zone, year: reverse("projects:lagging"))
def project_days_late(zone, year: int) -> dict[int, float]:
    """Per unit: the mean days late (docs/projects.md) of its active projects, counted to the year's end."""
    from tuijin.projects.models import Project
    from tuijin.projects.selectors import lag_map

    qs = Project.objects.filter(zone=zone, status=Project.Status.ACTIVE)
    lag = lag_map(qs, as_of=_year_end(zone, year), zone=zone)
    days: dict[int, list[int]] = {}
    for pk, unit_id in qs.order_by().values_list("pk", "unit_id"):
        days.setdefault(unit_id, []).append(lag.get(pk, {}).get("days_late", 0))
    return {u: sum(v) / len(v) for u, v in days.items() if v}


# ---- tickets: resolution and on-time rates ----------------------------------------------------------------------------

@record_input("rec_ticket_resolution_rate", _l("ticket resolution rate (诉求办结率)"),
              lambda zone, year: reverse("tickets:inbox"))
def ticket_resolution_rate(zone, year: int) -> dict[int, float]:
    """Per unit: tickets resolved ÷ tickets received, as ``tickets.selectors.ticket_stats_by_unit`` counts them
    to the year's end."""
    from tuijin.tickets.selectors import ticket_stats_by_unit

    return {s["unit_id"]: s["resolution_rate"] for s in ticket_stats_by_unit(member=SYSTEM, zone=zone,
                                                                              as_of=_year_end(zone, year))
            if s["resolution_rate"] is not None}


@record_input("rec_ticket_ontime_rate", _l("tickets resolved on time"), lambda zone, year: reverse("tickets:inbox"))
def ticket_ontime_rate(zone, year: int) -> dict[int, float]:
    """Per unit: of the tickets due in the year, the share resolved by their deadline."""
    from django.utils import timezone

    from tuijin.tickets.models import Ticket

    due: dict[int, list[bool]] = {}
    end = _year_end(zone, year)
    for unit_id, deadline, resolved in Ticket.objects.filter(zone=zone, deadline__year=year, deadline__lte=end) \
            .order_by().values_list("assignee_unit_id", "deadline", "resolved_at"):
        due.setdefault(unit_id, []).append(resolved is not None and timezone.localtime(resolved).date() <= deadline)
    return {u: sum(v) / len(v) for u, v in due.items()}


# ---- filing: days late and returns, from the change history -----------------------------------------------------------

def _filing_events(zone, year: int):
    """(unit id, month, time, new state) of every state change of the year's figures."""
    from django.contrib.contenttypes.models import ContentType

    from tuijin.core.models import ChangeLog
    from tuijin.indicators.models import Actual

    actuals = dict((pk, (u, m)) for pk, u, m in Actual.objects.filter(zone=zone, year=year).order_by()
                   .values_list("pk", "unit_id", "month"))
    ct = ContentType.objects.get_for_model(Actual)
    for oid, time, before, after in ChangeLog.objects.filter(content_type=ct, object_id__in=list(actuals)) \
            .order_by("time").values_list("object_id", "time", "before", "after"):
        state = (after or {}).get("state")
        if state and state != (before or {}).get("state"):
            yield (*actuals[oid], time, state)


@record_input("rec_filing_days_late", _l("average days late of monthly filings"),
              lambda zone, year: reverse("indicators:review"))
def filing_days_late(zone, year: int) -> dict[int, float]:
    """Per unit: over the months with a deadline, the mean days between the deadline and the unit's first
    submission of the month (0 when on time)."""
    from django.utils import timezone

    from tuijin.core.models import FilingPeriod

    deadlines = dict(((y, m), d) for y, m, d in FilingPeriod.objects.filter(zone=zone, year=year)
                     .exclude(deadline=None).values_list("year", "month", "deadline"))
    first: dict[tuple[int, int], dt.date] = {}
    for unit_id, month, time, state in _filing_events(zone, year):
        if state in ("submitted", "approved") and (unit_id, month) not in first:
            first[(unit_id, month)] = timezone.localtime(time).date()
    late: dict[int, list[int]] = {}
    for (unit_id, month), day in first.items():
        deadline = deadlines.get((year, month))
        if deadline is not None:
            late.setdefault(unit_id, []).append(max(0, (day - deadline).days))
    return {u: sum(v) / len(v) for u, v in late.items()}


@record_input("rec_filing_returns", _l("filings returned by the office"),
              lambda zone, year: reverse("indicators:review"))
def filing_returns(zone, year: int) -> dict[int, float]:
    """Per unit: how many times the office returned one of its figures of the year."""
    out: dict[int, float] = {}
    for unit_id, _month, _time, state in _filing_events(zone, year):
        if state == "returned":
            out[unit_id] = out.get(unit_id, 0) + 1
    return out


# ---- campaigns: key-task milestones -----------------------------------------------------------------------------------

@record_input("rec_key_task_completion", _l("key-task milestones completed"),
              lambda zone, year: reverse("campaigns:index"))
def key_task_completion(zone, year: int) -> dict[int, float]:
    """Per lead unit: of the milestones of its key tasks due in the year (to the year's end), the share done by
    then; a unit whose tasks have no milestone due counts its tasks instead (done = 1, else progress ÷ 100)."""
    from tuijin.campaigns.models import KeyTask, Milestone

    end = _year_end(zone, year)
    due: dict[int, list[float]] = {}
    for unit_id, done_on in Milestone.objects.filter(zone=zone, due__year=year, due__lte=end).order_by() \
            .values_list("task__lead_unit_id", "done_on"):
        due.setdefault(unit_id, []).append(1.0 if done_on is not None and done_on <= end else 0.0)
    for unit_id, status, progress in KeyTask.objects.filter(zone=zone, campaign__year=year).exclude(
            lead_unit_id__in=list(due)).order_by().values_list("lead_unit_id", "status", "progress"):
        due.setdefault(unit_id, []).append(1.0 if status == KeyTask.Status.DONE else progress / 100)
    return {u: sum(v) / len(v) for u, v in due.items()}


# ---- dispatch: 进位/退位 month by month ---------------------------------------------------------------------------------

@record_input("rec_dispatch_rank_points", _l("places gained in the monthly dispatch (进位 − 退位)"),
              lambda zone, year: f"{reverse('indicators:dispatch')}?year={year}&month=12")
def dispatch_rank_points(zone, year: int) -> dict[int, float]:
    """Per unit: over consecutive locked months of the year, +1 for each indicator on which it moved up in its group's
    dispatch ranking and −1 for each on which it moved down."""
    from tuijin.core.models import FilingPeriod
    from tuijin.indicators.dispatch import dispatch_table

    months = sorted(FilingPeriod.objects.filter(zone=zone, year=year, locked=True).values_list("month", flat=True))
    out: dict[int, float] = {}
    previous: dict[tuple[int, int], int] = {}
    last_month = None
    for month in months:
        ranks = {(r.unit_id, r.indicator_id): r.rank for r in dispatch_table(member=SYSTEM, zone=zone, year=year,
                                                                              month=month)
                 if not r.is_zone and r.rank is not None}
        if last_month is not None and month == last_month + 1:
            for key, rank in ranks.items():
                before = previous.get(key)
                if before is not None and rank != before:
                    out[key[0]] = out.get(key[0], 0) + (1 if rank < before else -1)
        for key in ranks:
            out.setdefault(key[0], out.get(key[0], 0))
        previous, last_month = ranks, month
    return out


# ---- bonus claims and incidents ---------------------------------------------------------------------------------------

def _claims_link(zone, year: int) -> str:
    return f"{reverse('assessment:claims')}?year={year}"


def _claims(kind: str | None):
    def compute(zone, year: int) -> dict[int, float]:
        from tuijin.assessment.models import Claim

        qs = Claim.objects.filter(zone=zone, year=year, state=Claim.State.VERIFIED)
        if kind:
            qs = qs.filter(kind=kind)
        out: dict[int, float] = {}
        for unit_id, granted in qs.order_by().values_list("unit_id", "granted"):
            out[unit_id] = out.get(unit_id, 0.0) + float(granted or Decimal(0))
        return out
    return compute


def _incidents(kind: str):
    def compute(zone, year: int) -> dict[int, float]:
        from tuijin.assessment.models import Incident

        out: dict[int, float] = {}
        for unit_id in Incident.objects.filter(zone=zone, kind=kind, occurred_on__year=year).order_by() \
                .values_list("unit_id", flat=True):
            out[unit_id] = out.get(unit_id, 0.0) + 1
        return out
    return compute


def _incidents_link(zone, year: int) -> str:
    return f"{reverse('assessment:incidents')}?year={year}"


def _register_claims_and_incidents() -> None:
    from tuijin.assessment.models import Claim, Incident

    record_input("rec_claims", _l("verified bonus claims (points)"), _claims_link)(_claims(None))
    for value, label in Claim.Kind.choices:
        record_input(f"rec_claims_{value}", label, _claims_link)(_claims(value))
    for value, label in Incident.Kind.choices:
        record_input(f"rec_incidents_{value}", label, _incidents_link)(_incidents(value))


_register_claims_and_incidents()


# ---- what a run uses --------------------------------------------------------------------------------------------------

def used_by(parsed) -> list[RecordInput]:
    """The record inputs a parsed scheme reads, in the registry's order."""
    columns = parsed.columns()
    return [r for code, r in REGISTRY.items() if code in columns]


def add_columns(rows: list[list], parsed, *, zone, year: int) -> tuple[list[list], dict[str, dict]]:
    """``rows`` (header first, the unit's name in the first column) with a column for each record input the scheme
    reads, matched to the zone's units by name; a unit without records of that kind gets no value (missing).
    Returns the rows and, per input code, its source (label and link) for the breakdown."""
    used = [r for r in used_by(parsed) if r.code not in rows[0]]
    if not used:
        return rows, {}
    by_name = {name: pk for pk, name in _zone_units(zone).items()}
    at = rows[0].index(parsed.unit_column) if parsed.unit_column in rows[0] else 0
    header = [*rows[0], *[r.code for r in used]]
    computed = [r.compute(zone, year) for r in used]
    out = [header]
    for row in rows[1:]:
        unit_id = by_name.get(str(row[at]).strip()) if at < len(row) else None
        out.append([*row, *[None if unit_id is None or unit_id not in values else float(values[unit_id])
                            for values in computed]])
    sources = {r.code: {"label": str(r.label), "link": r.link(zone, year)} for r in used}
    return out, sources


def choices() -> list[tuple[str, str]]:
    """(code, label) of every record input, for the scheme editor."""
    return [(code, str(r.label)) for code, r in REGISTRY.items()]
