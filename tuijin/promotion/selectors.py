"""Reads of 招商引资: leads in the member's scope, the funnel, credit, overdue leads, capital (docs/promotion.md)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from statistics import median

from django.db.models import Q

from tuijin.core.periods import as_of_date
from tuijin.projects.models import Project
from tuijin.promotion.models import DATE_FIELD, DROPPED, ORDER, STAGE_CODES, STAGES, Capital, Lead

HUNDRED_MILLION = Decimal(10000)  # 1亿元 in 万元


def lead_list(*, member, zone, stage: str = "", source: str = "", unit=None, year: int | None = None):
    qs = Lead.objects.restrict(member).filter(zone=zone).select_related("unit", "serving_unit", "project")
    if stage:
        qs = qs.filter(stage=stage)
    if source:
        qs = qs.filter(source=source)
    if unit is not None:
        qs = qs.filter(Q(unit=unit) | Q(serving_unit=unit))
    if year:
        qs = qs.filter(lead_on__year=year)
    return qs


def reached(lead: Lead, stage: str) -> bool:
    """Whether the lead has reached ``stage`` (a dropped lead keeps the stages it had dated)."""
    return getattr(lead, DATE_FIELD[stage]) is not None


def _funnel(leads: list[Lead], today: dt.date) -> dict:
    """Counts reaching each stage, conversion from the stage before, median days spent in each stage (to the next
    stage's date, or to today/the drop for leads still in it), dropped count."""
    stages = []
    for i, (code, name) in enumerate(STAGES):
        n = sum(1 for lead in leads if reached(lead, code))
        prev = stages[-1]["count"] if stages else None
        days = []
        for lead in leads:
            start = getattr(lead, DATE_FIELD[code])
            if start is None:
                continue
            end = getattr(lead, DATE_FIELD[STAGE_CODES[i + 1]]) if i + 1 < len(STAGE_CODES) else None
            if end is None and i + 1 < len(STAGE_CODES):
                end = lead.dropped_on or today
            if end is not None:
                days.append((end - start).days)
        stages.append({"stage": code, "name": name, "count": n,
                       "conversion": None if not prev else n / prev,
                       "median_days": median(days) if days else None})
    return {"stages": stages, "total": len(leads), "dropped": sum(1 for lead in leads if lead.stage == DROPPED),
            "signed": stages[ORDER["signed"]]["count"],
            "signed_rate": None if not leads else stages[ORDER["signed"]]["count"] / len(leads)}


def funnel(*, member, zone, year: int | None = None) -> dict:
    """The funnel of the member's leads: the whole, per bringing unit and per source."""
    leads = list(lead_list(member=member, zone=zone, year=year))
    today = as_of_date(zone)
    by_unit, by_source = defaultdict(list), defaultdict(list)
    for lead in leads:
        by_unit[lead.unit].append(lead)
        by_source[lead.get_source_display()].append(lead)
    return {
        "all": _funnel(leads, today),
        "units": [{"unit": u, "label": u.name, **_funnel(ls, today)} for u, ls in sorted(by_unit.items(),
                                                                          key=lambda kv: (kv[0].sort_order, kv[0].pk))],
        "sources": [{"source": s, "label": s, **_funnel(ls, today)} for s, ls in sorted(by_source.items())],
    }


def overdue(*, member, zone) -> list[Lead]:
    """Leads still at 线索 past the date their first assessment was due."""
    today = as_of_date(zone)
    leads = list(lead_list(member=member, zone=zone, stage="lead").filter(assess_by__lt=today)
                 .order_by("assess_by", "id"))
    for lead in leads:
        lead.days_overdue = (today - lead.assess_by).days
    return leads


def credit(*, member, zone, year: int) -> list[dict]:
    """Signed projects of the year per unit, counted for the unit that brought the lead and for the unit that
    serves the project (its responsible unit in the ledger): both shown, each project once per column."""
    leads = lead_list(member=member, zone=zone).filter(signed_on__year=year).select_related("project__unit")
    rows: dict[int, dict] = {}

    def row(unit):
        return rows.setdefault(unit.pk, {"unit": unit, "brought": 0, "brought_investment": Decimal(0), "served": 0,
                                         "served_investment": Decimal(0), "big": 0, "foreign": 0})

    for lead in leads:
        amount = lead.project.planned_investment if lead.project_id else lead.intended_investment
        r = row(lead.unit)
        r["brought"] += 1
        r["brought_investment"] += amount
        served = lead.project.unit if lead.project_id else lead.serving_unit
        s = row(served)
        s["served"] += 1
        s["served_investment"] += amount
        s["big"] += amount >= HUNDRED_MILLION
        s["foreign"] += bool(lead.project.is_foreign if lead.project_id else lead.is_foreign)
    return sorted(rows.values(), key=lambda r: (r["unit"].sort_order, r["unit"].pk))


def lead_detail(lead: Lead) -> dict:
    capital = list(Capital.objects.filter(project=lead.project)) if lead.project_id else []
    return {"stages": lead.stage_dates(), "visits": list(lead.visits.all()), "capital": capital}


def project_capital(*, member, project: Project) -> list[Capital]:
    return list(Capital.objects.restrict(member).filter(project=project))


def received_fdi(zone, year: int, until: dt.date) -> dict[int, Decimal]:
    """unit id → received foreign capital (万美元) of the year up to ``until``, by the project's responsible unit."""
    out: dict[int, Decimal] = defaultdict(Decimal)
    for uid, usd in Capital.objects.filter(zone=zone, kind=Capital.Kind.RECEIVED, amount_usd__isnull=False,
                                           on__year=year, on__lte=until).order_by() \
            .values_list("project__unit_id", "amount_usd"):
        out[uid] += usd
    return dict(out)


def bulletin_facts(*, member, zone, year: int, month: int, until: dt.date) -> dict | None:
    """What the bulletin's 招商 paragraph states: leads of the year to ``until`` and how far they came."""
    leads = [lead for lead in lead_list(member=member, zone=zone).filter(lead_on__lte=until, lead_on__year__gte=year - 1)
             if lead.lead_on.year == year or (lead.signed_on and lead.signed_on.year == year)]
    if not leads:
        return None

    def on_by(lead, code):
        d = getattr(lead, DATE_FIELD[code])
        return d is not None and d.year == year and d <= until

    new = [lead for lead in leads if lead.lead_on.year == year]
    signed = [lead for lead in leads if on_by(lead, "signed")]
    talks = [lead for lead in leads if lead.talks_on and lead.talks_on <= until and not on_by(lead, "signed")
             and not (lead.dropped_on and lead.dropped_on <= until) and (lead.signed_on is None or lead.signed_on > until)]
    received = Capital.objects.filter(zone=zone, kind=Capital.Kind.RECEIVED, on__year=year, on__lte=until,
                                      project__in=[lead.project_id for lead in leads if lead.project_id])
    fdi = sum((c.amount_usd for c in received if c.amount_usd), Decimal(0))
    cny = sum((c.amount_cny for c in received), Decimal(0))
    late = [lead for lead in leads if lead.assess_by <= until and (lead.talks_on is None or lead.talks_on > until)
            and (lead.dropped_on is None or lead.dropped_on > until)]
    new_signed = len([x for x in new if on_by(x, "signed")])
    return {"new_leads": len(new), "new_signed": new_signed, "signed": len(signed), "in_talks": len(talks),
            "signed_rate": None if not new else new_signed / len(new),
            "received_cny": cny, "received_usd": fdi, "overdue": len(late)}
