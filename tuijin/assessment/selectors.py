from tuijin.assessment.models import Commendation, Run, Scheme
from tuijin.core.scope import member_zone_ids, member_zones_above, zones_above


def scheme_latest(*, member, zone) -> list[Scheme]:
    seen, out = set(), []
    for s in Scheme.objects.restrict(member).filter(zone=zone).order_by("code", "-version"):
        if s.code not in seen:
            seen.add(s.code)
            out.append(s)
    return out


def run_list(*, member, zone):
    return Run.objects.restrict(member).filter(zone=zone).select_related("scheme")


def runs_from_above(*, member, zone):
    """Runs published down to the zone by the city (or district, province) above it, newest first."""
    if member is None or member.sees_all_zones or zone.pk != member.zone_id:
        above = zones_above(zone.pk)
    else:
        above = member_zones_above(member)
    return Run.objects.restrict(member).filter(zone_id__in=above, published=True).select_related("scheme", "zone")


def is_from_above(member, run: Run) -> bool:
    """A run of a zone above the member's (published down), which the member reads but does not own."""
    return not member.sees_all_zones and run.zone_id not in member_zone_ids(member)


def represented_names(member, run: Run) -> set[str]:
    """The run's units that stand for the member's zone (or a zone below it)."""
    from tuijin.org.models import Unit

    return set(Unit.objects.filter(zone_id=run.zone_id, represents_id__in=member_zone_ids(member))
               .values_list("name", flat=True))


PUBLISHED_KEYS = ("unit", "group", "rank", "tier")


def visible_units(member, run: Run) -> list[dict]:
    """A unit's staff see their own unit's result; the office and leaders see all. A run published down from a zone
    above: the zone's own line in full (score, breakdown), every other line with its rank and tier only."""
    units = run.results["units"]
    if is_from_above(member, run):
        own = represented_names(member, run)
        return [u if u["unit"] in own else dict({k: u.get(k) for k in PUBLISHED_KEYS}, score=None, vetoed=False,
                                                 scores={}, breakdown=[], withheld=True) for u in units]
    if member.scope in ("zone", "all"):
        return units
    return [u for u in units if u["unit"] == member.unit.name]


def visible_robustness(member, run: Run) -> dict | None:
    """The robustness analysis as the member may see it: every unit for the office and leaders, one's own unit
    otherwise (the sensitivity of the indicators concerns nobody in particular and stays)."""
    rob = run.robustness
    if rob and is_from_above(member, run):
        own = represented_names(member, run)
        return dict(rob, units=[r for r in rob.get("units", []) if r.get("unit") in own])
    if rob and member.scope not in ("zone", "all"):
        rob = dict(rob, units=[r for r in rob.get("units", []) if r.get("unit") == member.unit.name])
    return rob


def latest_run_ranking(*, member, zone) -> dict | None:
    """Units ranked within their group by the newest published run (for the bulletin and cockpit)."""
    run = run_list(member=member, zone=zone).filter(published=True).first()
    if run is None:
        return None
    groups: dict[str, list] = {}
    for u in visible_units(member, run):
        if u["rank"] is not None:
            groups.setdefault(u["group"] or "—", []).append({"unit": u["unit"], "unit_id": None, "rank": u["rank"],
                                                             "value": u["score"], "tier": u["tier"]})
    for v in groups.values():
        v.sort(key=lambda x: x["rank"])
    return {"source": "assessment", "title": f"{run.title}综合得分", "groups": groups}


def compare_runs(a: Run, b: Run) -> list[dict]:
    ua = {u["unit"]: u for u in a.results["units"]}
    ub = {u["unit"]: u for u in b.results["units"]}
    out = []
    for name in sorted(set(ua) | set(ub)):
        x, y = ua.get(name), ub.get(name)
        out.append({"unit": name, "a_score": x and x["score"], "b_score": y and y["score"],
                    "a_rank": x and x["rank"], "b_rank": y and y["rank"], "a_tier": x and x["tier"],
                    "b_tier": y and y["tier"],
                    "delta": (y["score"] - x["score"]) if x and y and x["score"] is not None and y["score"] is not None
                    else None})
    return out


def commendation_list(*, member, zone):
    return Commendation.objects.restrict(member).filter(zone=zone).prefetch_related("entries")


def push_list(*, member, zone, unit: str | None = None) -> dict | None:
    """What to push (推进重点): for one unit of the newest published run the member sees (else the newest run), the indicators that would move its
    total most per unit of effort (engine/assessment/marginal.py). The unit is ``unit`` if the member sees it, else the
    member's own unit, else the zone itself if it is a unit of the run, else the lowest-ranked unit."""
    from tuijin.assessment.services import data_from_dict
    from tuijin.engine.assessment import SchemeError, parse_scheme
    from tuijin.engine.assessment.marginal import marginal

    runs = run_list(member=member, zone=zone)
    run = runs.filter(published=True).first() or runs.first()  # the published result first
    if run is None:
        return None
    units = [u for u in visible_units(member, run) if u["score"] is not None]
    if not units:
        return None
    names = [u["unit"] for u in units]
    own = member.unit.name if member.unit_id else None
    chosen = next((n for n in (unit, own, zone.name) if n in names), None) or \
        max(units, key=lambda u: (u["rank"] or 0, u["unit"]))["unit"]
    try:
        rows = marginal(parse_scheme(run.scheme_yaml), data_from_dict(run.inputs), chosen)
    except (SchemeError, KeyError, ValueError):
        return None
    sources = (run.inputs or {}).get("sources") or {}
    for r in rows:
        r["source"] = sources.get(r["column"])
    return {"run": run, "unit": chosen, "units": names, "rows": [r for r in rows if r["gain"] > 0][:10]}


def claim_list(*, member, zone, year: int | None = None):
    from tuijin.assessment.models import Claim

    qs = Claim.objects.restrict(member).filter(zone=zone).select_related("unit")
    return qs.filter(year=year) if year else qs


def incident_list(*, member, zone, year: int | None = None):
    from tuijin.assessment.models import Incident

    qs = Incident.objects.restrict(member).filter(zone=zone).select_related("unit")
    return qs.filter(occurred_on__year=year) if year else qs


def scheme_sources(zone) -> dict[str, str]:
    """What a scheme row may read, code → Chinese name: each catalogue indicator's year to date, target, last year
    and pace gap (as a run from stored figures passes them) and every record input."""
    from tuijin.assessment.inputs import choices
    from tuijin.indicators.models import Indicator

    out: dict[str, str] = {}
    for code, name in Indicator.objects.filter(zone=zone).order_by("sort_order", "id").values_list("code", "name"):
        out[code] = f"{name}(本年累计)"
        out[f"{code}_target"] = f"{name}(目标)"
        out[f"{code}_last"] = f"{name}(上年同期)"
        out[f"{code}_pace"] = f"{name}(序时进度差)"
    for code, label in choices():
        out[code] = f"{label}(系统记录)"
    return out
