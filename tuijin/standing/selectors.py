"""Every read of standing: a zone's results over the years (province rank computed from each list), the standing
page (chart, peers, goal distance, exit watch), the published lists, the indicator leads."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from tuijin.core.scope import district_family, member_zone_ids
from tuijin.standing import rules
from tuijin.standing.models import Assessment, Goal, IndicatorLead, Level, Ranking, Result, Shortfall, ZoneListing


def ensure_sees_zone(member, zone) -> None:
    """The standing of a zone is read by its own members (and by whoever sees every zone)."""
    if member is None or not member.is_active or zone is None or not (member.sees_all_zones
                                                                      or zone.pk in member_zone_ids(member)):
        raise PermissionDenied(_("You may not see this zone's standing."))


def zone_list_name(zone) -> str:
    """The name published lists give the zone: its recorded list name, else its own name."""
    listing = ZoneListing.objects.filter(zone=zone).first()
    return listing.list_name if listing is not None else zone.name


def subject_names(zone) -> set[str]:
    return {zone.name, zone_list_name(zone)}


@dataclass
class Row:
    """One result as the page, the export, the API and the command line give it."""

    id: int
    ranking_id: int
    assessment: str
    issuer: str
    level: str
    year: int
    data_year: int | None
    item: str | None
    group: str | None
    subject: str
    province: str
    score: Decimal | None
    rank: int | None
    of: int | None
    province_rank: int | None
    province_rank_basis: str | None  # "computed" from the list, "stated" by a source, or None
    tier: str | None
    source: str
    stated_by: str
    own: bool  # recorded by the zone's office (not shipped)

    @property
    def item_label(self) -> str:
        return self.item or _("overall")

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label) if self.level in Level.values else self.level


def _entries(member, ranking_ids) -> dict[int, list[rules.Entry]]:
    out: dict[int, list[rules.Entry]] = defaultdict(list)
    for r in Result.objects.restrict(member).filter(ranking_id__in=list(ranking_ids)).values_list(
            "ranking_id", "subject_name", "province", "rank"):
        out[r[0]].append(rules.Entry(r[1], r[2], r[3]))
    return out


def _province_rank(result: Result, ranking: Ranking, entries: list[rules.Entry]) -> tuple[int | None, str | None]:
    if ranking.assessment.level == Level.NATIONAL and not ranking.group:
        computed = rules.province_rank(entries, rank=result.rank, province=result.province,
                                       complete_to=ranking.complete_to,
                                       province_complete_to=ranking.province_complete_to)
        if computed is not None:
            return computed, "computed"
    if result.province_rank_stated is not None:
        return result.province_rank_stated, "stated"
    return None, None


def _rows(member, results) -> list[Row]:
    results = list(results)
    entries = _entries(member, {r.ranking_id for r in results})
    rows = []
    for r in results:
        ranking, a = r.ranking, r.ranking.assessment
        pr, basis = _province_rank(r, ranking, entries[r.ranking_id])
        rows.append(Row(
            id=r.pk, ranking_id=ranking.pk, assessment=a.title, issuer=a.issuer, level=a.level, year=a.year,
            data_year=a.data_year, item=ranking.item or None, group=ranking.group or None, subject=r.subject_name,
            province=r.province, score=r.score, rank=r.rank, of=r.of or a.zones_evaluated, province_rank=pr,
            province_rank_basis=basis, tier=r.tier or None, source=r.source or ranking.source or a.source,
            stated_by=r.stated_by, own=r.owner_id is not None and r.subject_zone_id is None))
    return rows


def zone_results(*, member, zone, year: int | None = None) -> list[Row]:
    """Every result the zone received (matched by its name or its list name), and those the city above published
    down to its district's zones (the zone, its district, the district's parks), latest year first, the overall
    ranking before single items."""
    ensure_sees_zone(member, zone)
    qs = Result.objects.restrict(member).filter(
        Q(subject_name__in=subject_names(zone), subject_zone__isnull=True)
        | Q(subject_zone_id__in=district_family(zone.pk))).select_related("ranking__assessment")
    if year is not None:
        qs = qs.filter(ranking__assessment__year=year)
    rows = _rows(member, qs)
    level_order = {v: i for i, v in enumerate(Level.values)}
    rows.sort(key=lambda r: (-r.year, level_order.get(r.level, 9), r.issuer, r.assessment, r.group or "",
                             r.item is not None, r.item or ""))
    return rows


JSON_KEYS = ("assessment", "issuer", "subject", "group", "score", "rank", "of", "province_rank", "tier", "item")


def standing_json(*, zone, year: int | None, rows: list[Row]) -> dict:
    """What `tuijin standing --format json` and the API give: {zone, year, results: [...]} (absent values null)."""
    results = []
    for row in rows:
        d = asdict(row)
        d["score"] = float(row.score) if row.score is not None else None
        results.append({k: d[k] for k in JSON_KEYS})
    return {"zone": zone.code, "zone_name": zone.name, "year": year, "results": results}


# ---- the standing page ------------------------------------------------------------------------------------------

@dataclass
class NationalYear:
    """The zone in one national overall list: its rank, or how deep the list is complete where it is absent."""

    ranking: Ranking
    year: int
    of: int | None
    rank: int | None
    depth: int  # every zone of the zone's province down to this rank is listed
    entries: list[rules.Entry]


def _national_years(member, zone) -> list[NationalYear]:
    names = subject_names(zone)
    rankings = list(Ranking.objects.restrict(member).filter(assessment__level=Level.NATIONAL, item="", group="")
                    .select_related("assessment").order_by("-assessment__year", "pk"))
    entries = _entries(member, [r.pk for r in rankings])
    out, seen = [], set()
    for r in rankings:
        if r.assessment.year in seen:
            continue
        es = entries[r.pk]
        mine = next((e for e in es if e.subject in names), None)
        province = mine.province if mine is not None else zone.province
        depth = max(r.complete_to, int((r.province_complete_to or {}).get(province, 0) or 0))
        if mine is None and depth == 0:
            continue
        seen.add(r.assessment.year)
        out.append(NationalYear(r, r.assessment.year, r.assessment.zones_evaluated,
                                mine.rank if mine is not None else None, depth, es))
    return out


def _peers(member, zone, years: list[NationalYear]) -> dict | None:
    """The zones just above and below the zone in the latest national list that holds it; if none holds it, the
    last places of the latest list complete down to ten or more (the places to reach)."""
    holding = next((y for y in years if y.rank is not None), None)
    if holding is not None:
        above, below = rules.peers(holding.entries, holding.rank, n=2)
        ranking = holding.ranking
        mine = [e for e in holding.entries if e.rank == holding.rank]
        rows = [(e, False) for e in above] + [(e, True) for e in mine] + [(e, False) for e in below]
        return {"year": holding.year, "title": ranking.assessment.title, "absent": False, "of": holding.of,
                "rows": _with_gaps([_peer_row(e, me, ranking, holding.entries) for e, me in rows])}
    deep = next((y for y in years if y.depth >= 10 and y.ranking.complete_to >= 10), None)
    if deep is None:
        return None
    last = sorted((e for e in deep.entries if e.rank is not None and e.rank <= deep.ranking.complete_to),
                  key=lambda e: e.rank)[-3:]
    return {"year": deep.year, "title": deep.ranking.assessment.title, "absent": True, "depth": deep.depth,
            "of": deep.of, "rows": [_peer_row(e, False, deep.ranking, deep.entries) for e in last]}


def _with_gaps(rows: list[dict]) -> list[dict]:
    """Rows with a marker where the list does not publish the ranks between two of them."""
    out = []
    for row in rows:
        if out and row["rank"] is not None and out[-1]["rank"] is not None and row["rank"] - out[-1]["rank"] > 1:
            out.append({"gap": True, "from": out[-1]["rank"] + 1, "to": row["rank"] - 1})
        out.append(row)
    return out


def _peer_row(e: rules.Entry, me: bool, ranking: Ranking, entries) -> dict:
    return {"subject": e.subject, "province": e.province, "rank": e.rank, "me": me,
            "province_rank": rules.province_rank(entries, rank=e.rank, province=e.province,
                                                 complete_to=ranking.complete_to,
                                                 province_complete_to=ranking.province_complete_to)}


def _distance(goal: Goal | None, rows: list[Row], years: list[NationalYear]) -> dict | None:
    if goal is None:
        return None
    if goal.kind == Goal.Kind.RANK and goal.level == Level.NATIONAL:
        for y in years:  # latest first: the zone's rank, or a list complete past the goal without it
            if y.rank is not None:
                d = rules.goal_distance(kind="rank", target_rank=goal.target_rank, rank=y.rank)
                return {"distance": d, "year": y.year, "rank": y.rank, "of": y.of}
            if y.depth >= (goal.target_rank or 0):
                d = rules.goal_distance(kind="rank", target_rank=goal.target_rank, absent_beyond=y.depth)
                return {"distance": d, "year": y.year, "rank": None, "depth": y.depth, "of": y.of}
        return {"distance": rules.Distance(None)}
    mine = [r for r in rows if r.level == goal.level and r.item is None]
    latest = mine[0] if mine else None
    if latest is None:
        return {"distance": rules.Distance(None)}
    d = rules.goal_distance(kind=goal.kind, target_rank=goal.target_rank, target_score=goal.target_score,
                            rank=latest.rank, score=latest.score)
    return {"distance": d, "year": latest.year, "rank": latest.rank, "score": latest.score, "of": latest.of}


ABSENT_DEPTH = 10  # a list that names fewer zones says too little about a zone it leaves out


def _chart(rows: list[Row], goal: Goal | None, years_: list[NationalYear]) -> dict | None:
    national = [r for r in rows if r.level == Level.NATIONAL and r.rank is not None and r.group is None]
    if not national:
        return None
    absent = {y.year: y.depth for y in years_ if y.rank is None and y.depth >= ABSENT_DEPTH}
    years = sorted({r.year for r in national} | set(absent))
    items = sorted({r.item for r in national}, key=lambda i: (i is not None, i or ""))
    series = []
    for item in items:
        by_year = {r.year: r.rank for r in national if r.item == item}
        series.append({"name": item or _("overall"), "data": [by_year.get(y) for y in years]})
    out = {"years": [str(y) for y in years], "series": series, "rank_label": _("rank"),
           "title": _("National rank by year (1 at the top)")}
    if absent:
        out["absent"] = {"name": _("not among the listed"),
                         "data": [absent[y] + 1 if y in absent else None for y in years],
                         "depth": [absent.get(y) for y in years],
                         "text": _("not among the first %(n)s listed")}
    if goal is not None and goal.kind == Goal.Kind.RANK and goal.level == Level.NATIONAL and goal.target_rank:
        out.update(goal=goal.target_rank, goal_label=goal.label)
    return out


def standing_summary(*, member, zone) -> list[str]:
    """A few lines on the zone's standing for a ticket's description."""
    years = _national_years(member, zone)
    rows = zone_results(member=member, zone=zone)
    lines = []
    held = next((y for y in years if y.rank is not None), None)
    if held is not None:
        row = next((r for r in rows if r.ranking_id == held.ranking.pk), None)
        text = _("%(title)s: rank %(rank)s nationally") % {"title": held.ranking.assessment.title, "rank": held.rank}
        if held.of:
            text += _(" (of %(of)s)") % {"of": held.of}
        if row is not None and row.province_rank is not None:
            text += _(", %(p)s in %(province)s") % {"p": row.province_rank, "province": row.province}
        lines.append(text)
    for goal in Goal.objects.filter(zone=zone):
        dist = _distance(goal, rows, years)
        lines.append(_("Goal: %(label)s") % {"label": goal.label} + (
            _(", %(gap)s places to climb") % {"gap": dist["distance"].gap}
            if dist and dist["distance"].met is False and goal.kind == Goal.Kind.RANK else ""))
    return lines


def standing_page(*, member, zone) -> dict:
    ensure_sees_zone(member, zone)
    rows = zone_results(member=member, zone=zone)
    years = _national_years(member, zone)
    goals = list(Goal.objects.restrict(member).filter(zone=zone))
    national_goal = next((g for g in goals if g.level == Level.NATIONAL), None)
    watch = rules.exit_watch((y.year, y.rank, y.of) for y in years if y.rank is not None)
    leads = leads_in_order(member=member, zone=zone)
    shortfalls = list(Shortfall.objects.restrict(member).filter(zone=zone).select_related(
        "ticket", "ticket__assignee_unit")[:20])
    absent = [y for y in years if y.rank is None]
    return {
        "rows": rows, "list_name": zone_list_name(zone), "goals": [(g, _distance(g, rows, years)) for g in goals],
        "national_goal": national_goal, "watch": watch, "peers": _peers(member, zone, years),
        "chart": _chart(rows, national_goal, years), "leads": leads, "shortfalls": shortfalls,
        "absent": [y for y in absent if y.depth >= ABSENT_DEPTH][:3],
    }


def push_rows(*, member, zone, unit, leads) -> dict | None:
    """What to push (推进重点) from the newest assessment run the member sees, each indicator with its lead unit
    (数据责任单位: the lead of its code, or of the stored indicator its column reads) for a 补齐短板 ticket."""
    from tuijin.assessment.selectors import push_list

    push = push_list(member=member, zone=zone, unit=str(unit)[:100] if unit else None)
    if push is None:
        return None
    by_code = {lead.code: lead for lead in leads}
    for r in push["rows"]:
        column = r["column"]
        base = next((column[: -len(s)] for s in ("_pace", "_target", "_last") if column.endswith(s)), column)
        r["lead"] = by_code.get(r["code"]) or by_code.get(column) or by_code.get(base)
    return push


# ---- the published lists ----------------------------------------------------------------------------------------

def assessments(*, member):
    return Assessment.objects.restrict(member).order_by("-year", "level", "issuer", "title")


def list_page(*, member, zone, assessment_id: int | None) -> dict:
    """An edition's lists with every listed zone (province rank computed), the zone's own row marked."""
    editions = list(assessments(member=member))
    chosen = next((a for a in editions if a.pk == assessment_id), None)
    if chosen is None and editions and zone is not None:  # the latest edition that names the zone, else the latest
        held = Result.objects.restrict(member).filter(subject_name__in=subject_names(zone)).order_by(
            "-ranking__assessment__year").values_list("ranking__assessment_id", flat=True).first()
        chosen = next((a for a in editions if a.pk == held), editions[0])
    lists = []
    if chosen is not None:
        names = subject_names(zone) if zone is not None else set()
        rankings = list(Ranking.objects.restrict(member).filter(assessment=chosen).select_related("assessment"))
        entries = _entries(member, [r.pk for r in rankings])
        by_ranking = defaultdict(list)
        for r in Result.objects.restrict(member).filter(ranking__in=rankings).select_related("ranking__assessment"):
            by_ranking[r.ranking_id].append(r)
        for ranking in rankings:
            rows = []
            for r in sorted(by_ranking[ranking.pk], key=lambda r: (r.rank is None, r.rank or 0, r.subject_name)):
                pr, basis = _province_rank(r, ranking, entries[ranking.pk])
                rows.append({"result": r, "province_rank": pr, "basis": basis, "me": r.subject_name in names})
            lists.append({"ranking": ranking, "rows": rows})
        lists.sort(key=lambda d: (d["ranking"].group, d["ranking"].item != "", d["ranking"].item))
    return {"editions": editions, "chosen": chosen, "lists": lists}


def leads_in_order(*, member, zone) -> list[IndicatorLead]:
    """The zone's indicator leads in the order of the catalogue (the evaluation's indicators first)."""
    from tuijin.standing.services import indicator_catalogue

    order = {i["code"]: n for n, i in enumerate(indicator_catalogue())}
    leads = IndicatorLead.objects.restrict(member).filter(zone=zone).select_related("unit")
    return sorted(leads, key=lambda lead: (order.get(lead.code, len(order)), lead.code))


def leads_rows(*, member, zone) -> list[dict]:
    """Every indicator an office may map (the evaluation's, then the zone's catalogue), with its lead unit."""
    from tuijin.indicators.models import Indicator
    from tuijin.standing.services import indicator_catalogue

    current = {lead.code: lead for lead in IndicatorLead.objects.restrict(member).filter(zone=zone)}
    rows, seen = [], set()
    for i in indicator_catalogue():
        rows.append({"code": i["code"], "name": i["name"], "area": i.get("area", ""), "item": i.get("item", ""),
                     "lead": current.get(i["code"])})
        seen.add(i["code"])
    for ind in Indicator.objects.restrict(member).filter(zone=zone).order_by("sort_order", "id"):
        if ind.code not in seen and not ind.is_computed:
            rows.append({"code": ind.code, "name": ind.name, "area": _("zone catalogue"), "item": "",
                         "lead": current.get(ind.code)})
            seen.add(ind.code)
    for code, lead in current.items():  # a code mapped earlier that no catalogue lists any more
        if code not in seen:
            rows.append({"code": code, "name": lead.name, "area": "", "item": "", "lead": lead})
    return rows
