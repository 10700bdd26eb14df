"""Reads for the ledger, lag warnings, battle map and performance; always through the data scope.

The bulletin and the cockpit read these same functions."""
from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

import numpy as np
from django.db.models import Count, Q, Sum
from django.utils import timezone

from tuijin.engine import lag as lag_engine
from tuijin.engine.performance import ProjectFacts, performance
from tuijin.projects.models import STAGE_CODES, STAGE_NAMES, STAGES, LagRuleSetting, Project, ProjectProgress

DATE_FIELDS = [f"{s}_{k}" for s in STAGE_CODES for k in ("planned", "actual")]
SORTS = {"code": "code", "-code": "-code", "investment": "planned_investment", "-investment": "-planned_investment",
         "unit": "unit__sort_order", "stage": "stage", "name": "name"}


def project_list(*, member, zone, filters: dict | None = None):
    f = filters or {}
    qs = Project.objects.restrict(member).filter(zone=zone).select_related("unit", "campaign")
    if f.get("unit"):
        qs = qs.filter(unit_id=f["unit"])
    if f.get("stage"):
        qs = qs.filter(stage=f["stage"])
    if f.get("category"):
        qs = qs.filter(category=f["category"])
    if f.get("campaign"):
        qs = qs.filter(campaign_id=f["campaign"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("foreign") in ("1", "0"):
        qs = qs.filter(is_foreign=f["foreign"] == "1")
    for key, lookup in (("inv_min", "planned_investment__gte"), ("inv_max", "planned_investment__lte")):
        if f.get(key):
            try:
                qs = qs.filter(**{lookup: Decimal(str(f[key]))})
            except ArithmeticError:
                pass
    if f.get("q"):
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(code__icontains=f["q"]) | Q(investor__icontains=f["q"]))
    if f.get("lagging") == "1":
        lag = lag_map(qs.filter(status=Project.Status.ACTIVE), as_of=f.get("as_of") or timezone.localdate(), zone=zone)
        qs = qs.filter(pk__in=[pk for pk, v in lag.items() if v["light"] != "green"])
    return qs.order_by(SORTS.get(f.get("sort", ""), "code"), "id")


def lag_rule(zone) -> lag_engine.LagRule:
    s = LagRuleSetting.objects.filter(zone=zone).first()
    return lag_engine.LagRule(s.due_soon_days, s.stale_days) if s else lag_engine.LagRule()


def lag_map(projects, *, as_of: dt.date, zone) -> dict[int, dict]:
    """pk → {"light", "days_late", "reason"} for every project given (a queryset or list), nodes included."""
    rule = lag_rule(zone)
    rows = list(projects.values_list("pk", "last_progress", "status", *DATE_FIELDS)) if hasattr(projects, "values_list") \
        else [(p.pk, p.last_progress, p.status, *(getattr(p, f) for f in DATE_FIELDS)) for p in projects]
    if not rows:
        return {}
    from tuijin.projects.models import ProjectNode

    nodes: dict[int, list] = {}
    pks = [r[0] for r in rows]
    for chunk in range(0, len(pks), 5000):
        for pid, name, planned, actual in ProjectNode.objects.filter(project_id__in=pks[chunk:chunk + 5000]) \
                .values_list("project_id", "name", "planned_date", "actual_date"):
            nodes.setdefault(pid, []).append((name, planned, actual))
    width = len(STAGE_CODES) + max((len(v) for v in nodes.values()), default=0)
    planned = np.full((len(rows), width), np.nan)
    actual = np.full((len(rows), width), np.nan)
    last = np.full(len(rows), np.nan)
    for i, r in enumerate(rows):
        for j in range(len(STAGE_CODES)):
            planned[i, j] = lag_engine.ordinal(r[3 + 2 * j])
            actual[i, j] = lag_engine.ordinal(r[4 + 2 * j])
        for k, (_n, p, a) in enumerate(nodes.get(r[0], [])):
            planned[i, len(STAGE_CODES) + k] = lag_engine.ordinal(p)
            actual[i, len(STAGE_CODES) + k] = lag_engine.ordinal(a)
        last[i] = lag_engine.ordinal(r[1])
    result = lag_engine.detect(planned, actual, as_of, last_progress=last, rule=rule)
    out = {}
    for i, r in enumerate(rows):
        light = lag_engine.LIGHTS[int(result.light[i])]
        if r[2] != Project.Status.ACTIVE:
            light = "green"
        entry = {"light": light, "days_late": int(result.days_late[i]), "reason": ""}
        if light != "green":
            names = [f"{STAGE_NAMES[c]}" for c in STAGE_CODES] + [n for n, _p, _a in nodes.get(r[0], [])]
            p_dates = [r[3 + 2 * j] for j in range(len(STAGE_CODES))] + [p for _n, p, _a in nodes.get(r[0], [])]
            a_dates = [r[4 + 2 * j] for j in range(len(STAGE_CODES))] + [a for _n, _p, a in nodes.get(r[0], [])]
            entry["reason"] = lag_engine.reason(names, p_dates, a_dates, as_of, stale_days=result.stale_days[i],
                                                rule=rule)
        out[r[0]] = entry
    return out


def lagging_projects(*, member, zone, as_of: dt.date | None = None) -> list[dict]:
    """Lagging projects (red first, most days late first) with the reason and the responsible unit."""
    as_of = as_of or timezone.localdate()
    qs = Project.objects.restrict(member).filter(zone=zone, status=Project.Status.ACTIVE).select_related("unit")
    lag = lag_map(qs, as_of=as_of, zone=zone)
    projects = {p.pk: p for p in qs.filter(pk__in=[pk for pk, v in lag.items() if v["light"] != "green"])}
    out = [{"project": p, "pk": p.pk, "code": p.code, "name": p.name, "unit": p.unit.name, "sponsor": p.sponsor,
            **lag[pk]} for pk, p in projects.items()]
    return sorted(out, key=lambda x: (x["light"] != "red", -x["days_late"], x["code"]))


def stage_funnel(*, member, zone, year: int | None = None) -> list[dict]:
    """How many projects have reached each stage (签约 … 达产)."""
    qs = Project.objects.restrict(member).filter(zone=zone).exclude(status=Project.Status.WITHDRAWN)
    if year:
        qs = qs.filter(Q(signed_actual__year__lte=year) | Q(signed_actual__isnull=True))
    agg = qs.aggregate(total=Count("id"), **{code: Count("id", filter=Q(**{f"{code}_actual__isnull": False}))
                                             for code in STAGE_CODES})
    return [{"stage": "total", "name": "在库项目", "count": agg["total"]}] + [
        {"stage": code, "name": STAGE_NAMES[code], "count": agg[code]} for code in STAGE_CODES]


def battle_map(*, member, zone) -> dict:
    """作战图: units × current stage, each cell a count (the page links it to the filtered ledger)."""
    qs = Project.objects.restrict(member).filter(zone=zone).exclude(status=Project.Status.WITHDRAWN)
    counts = qs.values("unit_id", "unit__name", "unit__sort_order", "stage").annotate(n=Count("id"))
    stages = [("planned", "谋划")] + STAGES
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
    return {"stages": stages, "rows": out, "points": points}


def _facts(qs, year: int, as_of: dt.date) -> list[ProjectFacts]:
    invested = dict(ProjectProgress.objects.filter(project__in=qs, year=year, filed_on__lte=as_of)
                    .values("project_id").annotate(s=Sum("invested_month")).values_list("project_id", "s"))
    return [ProjectFacts(
        planned_investment=p.planned_investment, year_planned_investment=p.year_planned_investment,
        invested_this_year=invested.get(p.pk) or Decimal(0), is_foreign=p.is_foreign, signed=p.signed_actual,
        planned_start=p.started_planned, started=p.started_actual, planned_completion=p.completed_planned,
        completed=p.completed_actual, planned_production=p.production_planned, in_production=p.production_actual,
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
