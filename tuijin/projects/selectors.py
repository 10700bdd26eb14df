"""Reads for the ledger, lag warnings, battle map and performance; always through the data scope.

The bulletin and the cockpit read these same functions."""
from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

import numpy as np
from django.db.models import Count, Q, Sum, Value

from tuijin.core.periods import as_of_date
from tuijin.engine import lag as lag_engine
from tuijin.engine.performance import ProjectFacts, performance
from tuijin.projects import lifecycle
from tuijin.projects.models import LagRuleSetting, Project, ProjectNode, ProjectProgress

DATE_FIELDS = lifecycle.DATE_FIELDS
N_STAGES = len(lifecycle.STAGES)
SORTS = {"code": "code", "-code": "-code", "investment": "planned_investment", "-investment": "-planned_investment",
         "unit": "unit__sort_order", "stage": "stage", "name": "name"}


def project_list(*, member, zone, filters: dict | None = None):
    """The ledger's projects, filtered as ``projects.filters.ProjectFilter`` reads ``filters`` (an address's
    parameters): a malformed one (an id that cannot be one, NaN as an amount, a date that is none) matches nothing."""
    from tuijin.projects.filters import ProjectFilter

    f = filters or {}
    qs = Project.objects.restrict(member).filter(zone=zone).select_related("unit", "campaign")
    qs = ProjectFilter(f, queryset=qs, zone=zone).qs_or_none()
    return qs.order_by(SORTS.get(str(f.get("sort", "")), "code"), "id")


def leaders(*, member, zone):
    """The zone's leader members (包挂领导): the sponsors a project or key task may name, a directory every member of
    the zone reads (``campaigns.services.leaders_of``); ``zone`` is the member's own (or, for an administrator,
    the zone chosen)."""
    from tuijin.campaigns.services import leaders_of

    if member is None or (member.zone_id != zone.pk and not member.sees_all_zones):
        return leaders_of(zone).none()
    return leaders_of(zone)


def sponsored_projects(*, member, zone, leader) -> list[dict]:
    """A leader's projects (我包挂的项目) within the member's scope: each with its lag (as of the zone's date) and its
    open tickets, the most days late first."""
    from django.db.models import Count, Q

    qs = (Project.objects.restrict(member).filter(zone=zone, sponsor_member=leader).select_related("unit")
          .annotate(open_tickets=Count("tickets", filter=~Q(tickets__state="closed"), distinct=True)))
    projects = list(qs)
    lag = lag_map(projects, zone=zone)
    out = [{"project": p, "open_tickets": p.open_tickets, **lag.get(p.pk, {"light": "green", "days_late": 0,
                                                                           "reason": ""})} for p in projects]
    return sorted(out, key=lambda r: (-r["days_late"], r["project"].code))


def project_page(*, member, pk):
    """The project its page shows (None: none in the member's scope), with its unit and campaign and ``can_change``:
    whether the member may change it, the change scope (``core.scope.scope_q``) read in the same query. No
    ordering: the default one (zone, code) would join the zone for one row."""
    from tuijin.core.scope import CHANGE, scope_q

    q = scope_q(Project, member, CHANGE)
    can_change = Value(False) if q is None else q if q else Value(True)  # an empty Q: every project (all zones)
    return (Project.objects.restrict(member).filter(pk=pk).select_related("unit", "campaign")
            .annotate(can_change=can_change).order_by().first())


def lag_rule(zone) -> lag_engine.LagRule:
    # Two numbers, read as such (one row per zone, so no order either).
    s = LagRuleSetting.objects.filter(zone=zone).values_list("due_soon_days", "stale_days")[:1]
    return lag_engine.LagRule(*s[0]) if s else lag_engine.LagRule()


def lag_map(projects, *, as_of: dt.date | None = None, zone, nodes: dict[int, list] | None = None) -> dict[int, dict]:
    """pk → {"light", "days_late", "lagging", "reason"} for every project given (a queryset or list), nodes
    included, counted to ``as_of`` (default: the zone's as-of date, ``core.periods.as_of_date``). ``nodes``: the
    projects' nodes when the caller has read them already (pk → [(name, planned date, actual date)] in order).

    ``days_late`` is the one definition of docs/projects.md (engine/lag.py); ``lagging`` (red: a checkpoint overdue,
    or no progress filed for too long) decides the lagging list, the ledger's "lagging" filter and the bulletin."""
    as_of = as_of or as_of_date(zone)
    rule = lag_rule(zone)
    fields = ("pk", "last_progress", "status", *lifecycle.PLANNED_FIELDS, *lifecycle.ACTUAL_FIELDS)
    rows = list(projects.values_list(*fields)) if hasattr(projects, "values_list") \
        else [tuple(getattr(p, f) for f in fields) for p in projects]
    if not rows:
        return {}
    pks = [r[0] for r in rows] if nodes is None else []  # the nodes to read: none when given
    nodes = {} if nodes is None else nodes
    for chunk in range(0, len(pks), 5000):
        for pid, name, planned, actual in ProjectNode.objects.filter(project_id__in=pks[chunk:chunk + 5000]) \
                .order_by("project_id", "seq").values_list("project_id", "name", "planned_date", "actual_date"):
            nodes.setdefault(pid, []).append((name, planned, actual))
    width = N_STAGES + max((len(v) for v in nodes.values()), default=0)
    planned = np.full((len(rows), width), np.nan)
    actual = np.full((len(rows), width), np.nan)
    last = np.full(len(rows), np.nan)
    checkpoints = []  # per project: (planned dates, dates passed) of its stages then its nodes
    for i, r in enumerate(rows):
        p_dates = list(r[3:3 + N_STAGES]) + [p for _n, p, _a in nodes.get(r[0], [])]
        a_dates = lifecycle.passed_dates(list(r[3 + N_STAGES:3 + 2 * N_STAGES])) + \
            [a for _n, _p, a in nodes.get(r[0], [])]
        checkpoints.append((p_dates, a_dates))
        for j, (p, a) in enumerate(zip(p_dates, a_dates)):
            planned[i, j] = lag_engine.ordinal(p)
            actual[i, j] = lag_engine.ordinal(a)
        last[i] = lag_engine.ordinal(r[1])
    result = lag_engine.detect(planned, actual, as_of, last_progress=last, rule=rule)
    out = {}
    for i, r in enumerate(rows):
        light = lag_engine.LIGHTS[int(result.light[i])]
        if r[2] != Project.Status.ACTIVE:
            light = "green"  # suspended and withdrawn projects are not chased
        entry = {"light": light, "days_late": int(result.days_late[i]) if light != "green" else 0,
                 "lagging": light == "red", "reason": ""}
        if light != "green":
            names = list(lifecycle.STAGE_NAMES.values()) + [n for n, _p, _a in nodes.get(r[0], [])]
            entry["reason"] = lag_engine.reason(names, *checkpoints[i], as_of, stale_days=result.stale_days[i],
                                                rule=rule)
        out[r[0]] = entry
    return out


def lagging_projects(*, member, zone, as_of: dt.date | None = None) -> list[dict]:
    """The lagging list: active projects with a checkpoint overdue (or progress not filed for too long), most days
    late first, with the reason and the responsible unit. Counted to ``as_of`` (default: the zone's as-of date;
    the bulletin passes the end of its month). A project that has caught up is not on it."""
    as_of = as_of or as_of_date(zone)
    qs = Project.objects.restrict(member).filter(zone=zone, status=Project.Status.ACTIVE).select_related("unit")
    lag = lag_map(qs, as_of=as_of, zone=zone)
    projects = {p.pk: p for p in qs.filter(pk__in=[pk for pk, v in lag.items() if v["lagging"]])}
    out = [{"project": p, "pk": p.pk, "code": p.code, "name": p.name, "unit": p.unit.name, "sponsor": p.sponsor,
            **lag[pk]} for pk, p in projects.items()]
    return sorted(out, key=lambda x: (-x["days_late"], x["code"]))


def projects_version(zone) -> str:
    """Changes whenever the zone's ledger (projects, their nodes and progress), its lag rule or its units change
    (``core.cache``): what the funnel, the battle map, performance and the lagging list read."""
    from tuijin.core.cache import Rows, table_version
    from tuijin.org.models import Unit

    return table_version(*(Rows(m, zone=zone.pk) for m in (Project, ProjectNode, ProjectProgress, LagRuleSetting,
                                                            Unit)))


def ledger_version(zone) -> str:
    """``projects_version`` plus what the ledger's rows and filters also show: campaigns and members (sponsors)."""
    from tuijin.campaigns.models import Campaign
    from tuijin.core.cache import Rows, table_version
    from tuijin.org.models import Member, Unit

    return table_version(*(Rows(m, zone=zone.pk) for m in (Project, ProjectNode, ProjectProgress, LagRuleSetting,
                                                            Unit, Campaign, Member)))


def cockpit_projects(*, member, zone) -> tuple[list[dict], dict]:
    """The cockpit's stage funnel and battle map, kept in the cache until the ledger changes."""
    from tuijin.core.cache import cached

    who = f"{member.scope}:{member.unit_id if member.scope in ('unit', 'subtree') else ''}"
    return cached("cockpit-projects", zone.pk, who, version=projects_version(zone),
                  compute=lambda: (stage_funnel(member=member, zone=zone), battle_map(member=member, zone=zone)))


def stage_funnel(*, member, zone, year: int | None = None) -> list[dict]:
    """How many projects have reached each stage (签约 … 达产)."""
    qs = Project.objects.restrict(member).filter(zone=zone).exclude(status=Project.Status.WITHDRAWN)
    if year:
        qs = qs.filter(Q(signed_actual__year__lte=year) | Q(signed_actual__isnull=True))
    agg = qs.aggregate(total=Count("id"), **{s.code: Count("id", filter=Q(**{f"{s.actual_field}__isnull": False}))
                                             for s in lifecycle.STAGES})
    return [{"stage": "total", "name": "在库项目", "count": agg["total"]}] + [
        {"stage": s.code, "name": s.name, "count": agg[s.code]} for s in lifecycle.STAGES]


def battle_map(*, member, zone) -> dict:
    """作战图: units × current stage, each cell a count (the page links it to the filtered ledger)."""
    qs = Project.objects.restrict(member).filter(zone=zone).exclude(status=Project.Status.WITHDRAWN)
    counts = qs.values("unit_id", "unit__name", "unit__sort_order", "stage").annotate(n=Count("id"))
    stages = lifecycle.CHOICES
    rows: dict[int, dict] = {}
    for c in counts:
        row = rows.setdefault(c["unit_id"], {"unit_id": c["unit_id"], "unit": c["unit__name"],
                                             "order": c["unit__sort_order"], "cells": {s: 0 for s, _n in stages}})
        row["cells"][c["stage"]] = c["n"]
    out = sorted(rows.values(), key=lambda r: r["order"])
    for r in out:
        r["cell_list"] = [(s, r["cells"][s]) for s, _n in stages]
        r["total"] = sum(r["cells"].values())
    points = [{"code": p["code"], "name": p["name"], "value": [float(p["longitude"]), float(p["latitude"])],
               "stage": p["stage"], "pk": p["pk"]}
              for p in qs.filter(longitude__isnull=False, latitude__isnull=False).values(
                  "pk", "code", "name", "longitude", "latitude", "stage")]
    return {"stages": stages, "rows": out, "points": points, "colors": lifecycle.COLORS}


def _facts(qs, year: int, as_of: dt.date) -> list[ProjectFacts]:
    invested = dict(ProjectProgress.objects.filter(project__in=qs, year=year, filed_on__lte=as_of)
                    .values("project_id").annotate(s=Sum("invested_month")).values_list("project_id", "s"))
    return [ProjectFacts(
        planned_investment=p.planned_investment, year_planned_investment=p.year_planned_investment,
        invested_this_year=invested.get(p.pk) or Decimal(0), is_foreign=p.is_foreign,
        planned={s.code: getattr(p, s.planned_field) for s in lifecycle.STAGES},
        actual={s.code: getattr(p, s.actual_field) for s in lifecycle.STAGES},
        above_scale=p.above_scale, tax=p.tax_contribution, active=p.status != Project.Status.WITHDRAWN)
        for p in qs]


def project_performance(*, member, zone, year: int, month: int | None = None, unit=None, category=None,
                        campaign=None) -> dict:
    """The performance rates (docs/projects.md) of a set of projects as at the end of ``month`` (or the year)."""
    qs = Project.objects.restrict(member).filter(zone=zone)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if category:
        qs = qs.filter(category=category)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    m = month or 12
    as_of = dt.date(year, m, calendar.monthrange(year, m)[1])
    return performance(_facts(qs, year, as_of), year=year, as_of=as_of)


def ledger_totals(qs) -> dict:
    return qs.aggregate(count=Count("id"), planned=Sum("planned_investment"), year_planned=Sum("year_planned_investment"))
