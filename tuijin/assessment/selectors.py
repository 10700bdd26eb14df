from tuijin.assessment.models import Commendation, Run, Scheme


def scheme_latest(*, member, zone) -> list[Scheme]:
    seen, out = set(), []
    for s in Scheme.objects.restrict(member).filter(zone=zone).order_by("code", "-version"):
        if s.code not in seen:
            seen.add(s.code)
            out.append(s)
    return out


def run_list(*, member, zone):
    return Run.objects.restrict(member).filter(zone=zone).select_related("scheme")


def visible_units(member, run: Run) -> list[dict]:
    """A unit's staff see their own unit's result; the office and leaders see all."""
    units = run.results["units"]
    if member.scope in ("zone", "all"):
        return units
    return [u for u in units if u["unit"] == member.unit.name]


def visible_robustness(member, run: Run) -> dict | None:
    """The robustness analysis as the member may see it: every unit for the office and leaders, one's own unit
    otherwise (the sensitivity of the indicators concerns nobody in particular and stays)."""
    rob = run.robustness
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
