"""Every write of standing, with its rules: loading the shipped national lists (and checking the statements of other
sources against them), a result recorded by hand, the zone's goal and list name, the indicator leads, and 补齐短板
work assigned as a ticket to an indicator's lead unit."""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from tuijin.core.scope import ensure_can_change, require_office
from tuijin.core.validators import clean_name, clean_text, field_label, to_int, to_number_in
from tuijin.standing import rules
from tuijin.standing.models import (OF_MAX, SCORE_MAX, YEAR_MAX, YEAR_MIN, Assessment, Goal, IndicatorLead, Level,
                                    Ranking, Result, Shortfall, ZoneListing)

DATA_FILE = Path(__file__).resolve().parent / "data" / "national.yaml"
NOTE_MAX = 2000


def _whole(value, *, field: str, label: str, lo: int, hi: int, required: bool = True) -> int | None:
    """A whole number lo..hi; empty is None unless required. One Chinese message names the field and the range."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError({field: _("Give %(label)s.") % {"label": label}}, code="required")
        return None
    try:
        return to_int(value, field=field, label=label, lo=lo, hi=hi)
    except ValidationError:
        shown = str(value)[:30]
        raise ValidationError({field: _("%(label)s must be a whole number from %(lo)s to %(hi)s, not 「%(v)s」.") % {
            "label": label, "lo": lo, "hi": hi, "v": shown}}, code="range") from None


def _number(value, *, field: str, label: str, lo, hi, required: bool = False) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError({field: _("Give %(label)s.") % {"label": label}}, code="required")
        return None
    try:
        d = to_number_in(value, field=field, label=label, lo=lo, hi=hi)
    except ValidationError:
        shown = str(value)[:30]
        raise ValidationError({field: _("%(label)s must be a number from %(lo)s to %(hi)s, not 「%(v)s」.") % {
            "label": label, "lo": lo, "hi": hi, "v": shown}}, code="range") from None
    if d.as_tuple().exponent < -2 and d != d.quantize(Decimal("0.01")):
        raise ValidationError({field: _("%(label)s has at most two decimals.") % {"label": label}}, code="places")
    return d


def _ensure_zone(member, zone) -> None:
    from tuijin.org.services import ensure_zone

    ensure_zone(member, zone)


# ---- the shipped lists ------------------------------------------------------------------------------------------

@dataclass
class Finding:
    """What the check of one statement against the lists found."""

    subject: str
    assessment: str
    item: str
    state: str  # "agrees", "added" (the list does not hold it: recorded with its source), "disagrees"
    text: str


@dataclass
class LoadReport:
    assessments: int = 0
    rankings: int = 0
    results: int = 0
    findings: list[Finding] = field(default_factory=list)


def _read_data(path: Path | None) -> dict:
    import yaml

    try:
        data = yaml.safe_load(Path(path or DATA_FILE).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValidationError(_("The lists file cannot be read: %(e)s") % {"e": str(exc)[:200]}) from exc
    if not isinstance(data, dict) or not isinstance(data.get("assessments"), list):
        raise ValidationError(_("The lists file has no assessments."))
    return data


def _subject(subjects: dict, label, where: str) -> tuple[str, str, str]:
    """(official name, province, label as published) of a name a list prints."""
    found = subjects.get(label)
    if not (isinstance(found, list) and len(found) == 2):
        raise ValidationError(_("%(where)s: 「%(v)s」 is not among the subjects of the lists file.") % {
            "where": where, "v": str(label)[:40]})
    if str(found[1]) not in rules.PROVINCES:
        raise ValidationError(_("%(where)s: 「%(v)s」 is not the name of a province.") % {
            "where": where, "v": str(found[1])[:40]})
    return str(found[0]), str(found[1]), str(label)


def _require_admin(member) -> None:
    if member is None or not (member.is_admin and member.sees_all_zones):
        raise PermissionDenied(_("Only the system administrator loads the shipped lists."))


@transaction.atomic
def lists_load(*, member, path: Path | None = None) -> LoadReport:
    """Load (or bring up to date) the published national lists from the app's data file: editions, their lists,
    each zone's rank in order; then check every statement of another source against them (a rank the list holds
    must agree; a province rank the list gives must agree, else it must lie in the range the list allows) and record
    what the lists do not hold as a result with that source. Idempotent: a second load changes nothing."""
    _require_admin(member)
    data = _read_data(path)
    subjects = data.get("subjects") or {}
    report = LoadReport()
    editions: dict[str, Assessment] = {}
    for a in data["assessments"]:
        key = clean_name(a.get("key"), field="key", label="key", max_length=40)
        year = _whole(a.get("year"), field="year", label=f"{key} year", lo=YEAR_MIN, hi=YEAR_MAX)
        published = a.get("published_on")
        assessment, _created = Assessment.objects.update_or_create(
            key=key, defaults=dict(
                owner=None, issuer=clean_name(a.get("issuer"), field="issuer", label="issuer", max_length=60),
                level=a.get("level") or Level.NATIONAL,
                title=clean_name(a.get("title"), field="title", label="title", max_length=200), year=year,
                data_year=_whole(a.get("data_year"), field="data_year", label=f"{key} data_year", lo=YEAR_MIN,
                                 hi=YEAR_MAX, required=False),
                zones_evaluated=_whole(a.get("zones_evaluated"), field="zones_evaluated", label=f"{key} zones",
                                       lo=1, hi=OF_MAX, required=False),
                published_on=published if isinstance(published, dt.date) else None,
                source=clean_name(a.get("source"), field="source", label="source", max_length=500, required=False)))
        editions[key] = assessment
        report.assessments += 1
        for r in a.get("rankings") or []:
            item = clean_name(r.get("item") or "", field="item", label="item", max_length=40, required=False)
            where = f"{key} {item or '综合'}"
            ranking, _c = Ranking.objects.update_or_create(
                assessment=assessment, item=item, group=str(r.get("group") or ""), owner=None,
                defaults=dict(complete_to=_whole(r.get("complete_to") or 0, field="complete_to", label=where, lo=0,
                                                 hi=OF_MAX),
                              province_complete_to={str(k): int(v) for k, v in (r.get("province_complete_to") or {})
                                                    .items()},
                              source=clean_name(r.get("source") or "", field="source", label=where, max_length=500,
                                                required=False),
                              note=clean_name(r.get("note") or "", field="note", label=where, max_length=300,
                                              required=False)))
            report.rankings += 1
            places = [(i, label) for i, label in enumerate(r.get("order") or [], start=1)]
            places += [(e.get("rank"), e.get("subject")) for e in r.get("entries") or []]
            seen_ranks: set[int] = set()
            kept: list[str] = []
            for rank, label in places:
                name, province, shown = _subject(subjects, label, where)
                rank = _whole(rank, field="rank", label=where, lo=1, hi=OF_MAX)
                if rank in seen_ranks:
                    raise ValidationError(_("%(where)s: rank %(r)s is given twice.") % {"where": where, "r": rank})
                seen_ranks.add(rank)
                Result.objects.update_or_create(
                    ranking=ranking, subject_name=name, owner=None,
                    defaults=dict(subject_label=shown, province=province, rank=rank,
                                  of=assessment.zones_evaluated, source=""))
                kept.append(name)
                report.results += 1
            # a zone no longer in the file's list goes (figures of other sources are checked again below)
            ranking.results.filter(owner__isnull=True, source="").exclude(subject_name__in=kept).delete()
    for s in data.get("statements") or []:
        report.findings.append(_check_statement(s, editions, subjects))
    return report


def _check_statement(s: dict, editions: dict, subjects: dict) -> Finding:
    """Check one statement of another source against its list; record the figure the list does not hold."""
    assessment = editions.get(s.get("assessment"))
    if assessment is None:
        raise ValidationError(_("A statement names an unknown edition 「%(k)s」.") % {"k": str(s.get("assessment"))[:40]})
    item = str(s.get("item") or "")
    where = f"{assessment.key} {item or '综合'}"
    name, province, shown = _subject(subjects, s.get("subject"), where)
    rank = _whole(s.get("rank"), field="rank", label=where, lo=1, hi=OF_MAX, required=False)
    stated_pr = _whole(s.get("province_rank"), field="province_rank", label=where, lo=1, hi=OF_MAX, required=False)
    source = clean_name(s.get("source"), field="source", label=where, max_length=300)
    ranking, _c = Ranking.objects.get_or_create(assessment=assessment, item=item, group="", owner=None)
    # the list as published (figures recorded from other sources, earlier loads included, are not the list)
    listed = list(ranking.results.filter(owner__isnull=True, source=""))
    entries = [rules.Entry(r.subject_name, r.province, r.rank) for r in listed]
    mine = next((r for r in listed if r.subject_name == name), None)
    problems = []
    if mine is not None and rank is not None and mine.rank != rank:
        problems.append(_("the list puts it at rank %(a)s, the statement at %(b)s") % {"a": mine.rank, "b": rank})
    other = rules.rank_conflict(entries, subject=name, rank=rank)
    if other is not None:
        problems.append(_("the list puts %(other)s at rank %(r)s") % {"other": other, "r": rank})
    at = mine.rank if mine is not None else rank
    pr_text = ""
    if stated_pr is not None and at is not None:
        computed = rules.province_rank(entries, rank=at, province=province, complete_to=ranking.complete_to,
                                       province_complete_to=ranking.province_complete_to)
        bounds = rules.province_rank_bounds(entries, rank=at, province=province)
        if computed is not None:
            if computed != stated_pr:
                problems.append(_("the list gives %(p)s rank %(a)s, the statement %(b)s") % {
                    "p": province, "a": computed, "b": stated_pr})
            else:
                pr_text = _("the list gives the same province rank (%(a)s)") % {"a": computed}
        elif bounds is not None and not bounds[0] <= stated_pr <= bounds[1]:
            problems.append(_("the list allows a %(p)s rank from %(lo)s to %(hi)s only, the statement says %(b)s") % {
                "p": province, "lo": bounds[0], "hi": bounds[1], "b": stated_pr})
        elif bounds is not None:
            pr_text = _("the list cannot give the province rank; it allows %(lo)s to %(hi)s") % {
                "lo": bounds[0], "hi": bounds[1]}
    label = f"{assessment.title} {item or _('overall')}"
    if problems:
        return Finding(name, assessment.title, item, "disagrees", label + ":" + ";".join(problems))
    if mine is not None:
        mine.stated_by = source
        mine.province_rank_stated = stated_pr
        mine.save()
        return Finding(name, assessment.title, item, "agrees", label + ":" + ";".join(
            t for t in [_("the list holds the same rank (%(r)s)") % {"r": mine.rank}, pr_text] if t))
    Result.objects.update_or_create(
        ranking=ranking, subject_name=name, owner=None,
        defaults=dict(subject_label=shown, province=province, rank=rank, of=assessment.zones_evaluated,
                      province_rank_stated=stated_pr, source=source, stated_by=""))
    return Finding(name, assessment.title, item, "added", label + ":" + ";".join(
        t for t in [_("not in the published list; recorded with the statement's source"), pr_text] if t))


def indicator_catalogue() -> list[dict]:
    """The evaluation's indicators (code, name, area, item) from the data file (read once per version of it)."""
    return [dict(i) for i in _catalogue(DATA_FILE.stat().st_mtime_ns)]


@functools.lru_cache(maxsize=2)
def _catalogue(_version: int) -> tuple[dict, ...]:
    return tuple(dict(i) for i in (_read_data(None).get("indicators") or []))


# ---- a result recorded by hand ----------------------------------------------------------------------------------

@transaction.atomic
def result_record(*, member, zone, issuer, level, title, year, item="", group="", subject_name="", province="",
                  rank=None, of=None, score=None, tier="", data_year=None, source="") -> Result:
    """Record a published result by hand (the office). The edition and list are found among those the member sees
    (shipped or the zone's own) or made for the zone; the result belongs to the zone. Bounds: year 1990—2100, rank
    1—out of, out of at most 1000, score 0—1000."""
    require_office(member)
    _ensure_zone(member, zone)
    from tuijin.standing.selectors import zone_list_name

    errors: dict[str, list[str]] = {}

    def check(fn, *args, **kwargs):  # every field is checked, so the form shows every problem at once
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
            return None

    issuer = check(clean_name, issuer, field="issuer", label=field_label(Assessment, "issuer"), max_length=60)
    if level not in Level.values:
        errors["level"] = [_("Choose a level.")]
    title = check(clean_name, title, field="title", label=field_label(Assessment, "title"), max_length=200)
    year = check(_whole, year, field="year", label=field_label(Assessment, "year"), lo=YEAR_MIN, hi=YEAR_MAX)
    data_year = check(_whole, data_year, field="data_year", label=field_label(Assessment, "data_year"), lo=YEAR_MIN,
                      hi=YEAR_MAX, required=False)
    item = check(clean_name, item, field="item", label=field_label(Ranking, "item"), max_length=40, required=False)
    group = check(clean_name, group, field="group", label=field_label(Ranking, "group"), max_length=40, required=False)
    subject_name = check(clean_name, subject_name or zone_list_name(zone), field="subject_name",
                         label=field_label(Result, "subject_name"), max_length=100)
    province = check(clean_name, province if province is not None else zone.province, field="province",
                     label=field_label(Result, "province"), max_length=20, required=False)
    of = check(_whole, of, field="of", label=field_label(Result, "of"), lo=1, hi=OF_MAX, required=False)
    rank = check(_whole, rank, field="rank", label=field_label(Result, "rank"), lo=1, hi=OF_MAX, required=False)
    score = check(_number, score, field="score", label=field_label(Result, "score"), lo=0, hi=SCORE_MAX)
    tier = check(clean_name, tier, field="tier", label=field_label(Result, "tier"), max_length=20, required=False)
    source = check(clean_name, source, field="source", label=field_label(Result, "source"), max_length=500,
                   required=False)
    if rank is not None and of is not None and rank > of:
        errors.setdefault("rank", []).append(_rank_above_of(rank, of))
    if province and province not in rules.PROVINCES:
        errors.setdefault("province", []).append(_("%(label)s 「%(v)s」 is not the name of a province (浙江省, "
                                                   "广西壮族自治区 …).") % {"label": field_label(Result, "province"),
                                                                      "v": province})
    if errors:
        raise ValidationError(errors)
    if rank is None and score is None and not tier:
        raise ValidationError({"rank": _("Give the rank, the score or the tier the result states.")})
    visible = Assessment.objects.restrict(member)
    same = Q(issuer=issuer, title=title, year=year)
    assessment = (visible.filter(same, owner__isnull=True).first() or visible.filter(same, owner=zone).first())
    if assessment is None:
        assessment = Assessment(owner=zone, issuer=issuer, level=level, title=title, year=year, data_year=data_year,
                                zones_evaluated=of, source=source)
        assessment.save()
    if of is None:
        of = assessment.zones_evaluated
    if rank is not None and of is not None and rank > of:
        raise ValidationError({"rank": _rank_above_of(rank, of)})
    lists = Ranking.objects.filter(assessment=assessment, item=item, group=group)
    ranking = lists.filter(owner__isnull=True).first() or lists.filter(owner=zone).first()
    if ranking is None:
        ranking = Ranking.objects.create(assessment=assessment, item=item, group=group, owner=zone)
    if ranking.results.filter(Q(owner__isnull=True) | Q(owner=zone), subject_name=subject_name).exists():
        raise ValidationError({"subject_name": _("「%(name)s」 already has a result in this list.") % {
            "name": subject_name}})
    if rank is not None and ranking.results.filter(Q(owner__isnull=True) | Q(owner=zone), rank=rank).exists() \
            and not group:
        taken = ranking.results.filter(Q(owner__isnull=True) | Q(owner=zone), rank=rank).first()
        raise ValidationError({"rank": _("Rank %(r)s of this list is held by 「%(name)s」.") % {
            "r": rank, "name": taken.subject_name}})
    return Result.objects.create(ranking=ranking, owner=zone, subject_name=subject_name, province=province, rank=rank,
                                 of=of, score=score, tier=tier, source=source)


def _rank_above_of(rank: int, of: int) -> str:
    return _("%(rank_label)s %(rank)s is greater than %(of_label)s %(of)s.") % {
        "rank_label": field_label(Result, "rank"), "rank": rank, "of_label": field_label(Result, "of"), "of": of}


@transaction.atomic
def result_delete(*, member, zone, result: Result) -> None:
    """Remove a result the zone recorded by hand (shipped results are the system's)."""
    require_office(member)
    _ensure_zone(member, zone)
    if result.owner_id != zone.pk or not Result.objects.restrict(member, "change").filter(pk=result.pk).exists():
        raise PermissionDenied(_("You may not change this record: it is outside your data scope."))
    result.delete()


# ---- the zone's goal, list name and indicator leads -------------------------------------------------------------

@transaction.atomic
def goal_set(*, member, zone, level=Level.NATIONAL, kind=Goal.Kind.RANK, label="", target_rank=None,
             target_score=None) -> Goal:
    """The office sets the zone's goal for a level: a rank or better (全国前30) or a score threshold (第一等次)."""
    require_office(member)
    _ensure_zone(member, zone)
    if level not in Level.values:
        raise ValidationError({"level": _("Choose a level.")})
    if kind not in Goal.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of goal.")})
    if kind == Goal.Kind.RANK:
        target_rank = _whole(target_rank, field="target_rank", label=field_label(Goal, "target_rank"), lo=1, hi=OF_MAX)
        target_score = None
        default = {Level.NATIONAL: _("national top %(n)s"), Level.PROVINCE: _("provincial top %(n)s"),
                   Level.CITY: _("city top %(n)s")}[level] % {"n": target_rank}
    else:
        target_score = _number(target_score, field="target_score", label=field_label(Goal, "target_score"), lo=0,
                               hi=SCORE_MAX, required=True)
        target_rank = None
        default = _("score of %(s)s or more") % {"s": target_score}
    label = clean_name(label, field="label", label=field_label(Goal, "label"), max_length=60, required=False) or default
    goal = Goal.objects.filter(zone=zone, level=level).first() or Goal(zone=zone, level=level)
    ensure_can_change(member, goal)
    goal.kind, goal.label, goal.target_rank, goal.target_score = kind, label, target_rank, target_score
    goal.save()
    return goal


@transaction.atomic
def listing_set(*, member, zone, list_name: str) -> ZoneListing | None:
    """The zone's name on published lists (its official national-list name); empty: the zone's own name."""
    require_office(member)
    _ensure_zone(member, zone)
    list_name = clean_name(list_name, field="list_name", label=field_label(ZoneListing, "list_name"), max_length=100,
                           required=False)
    listing = ZoneListing.objects.filter(zone=zone).first()
    if not list_name or list_name == zone.name:
        if listing is not None:
            ensure_can_change(member, listing)
            listing.delete()
        return None
    listing = listing or ZoneListing(zone=zone)
    ensure_can_change(member, listing)
    listing.list_name = list_name
    listing.save()
    return listing


_CODE = re.compile(r"^[a-z0-9_-]{1,40}$")


@transaction.atomic
def leads_save(*, member, zone, leads: dict[str, tuple[str, object]]) -> int:
    """Save the zone's indicator → lead unit mapping as a whole: ``leads`` maps an indicator code to (name, unit);
    a unit of None removes the code's lead. The unit must be an active unit of the zone. Returns the rows changed."""
    require_office(member)
    _ensure_zone(member, zone)
    from tuijin.org.models import Unit

    current = {lead.code: lead for lead in IndicatorLead.objects.filter(zone=zone)}
    changed = 0
    for code, (name, unit) in leads.items():
        if not isinstance(code, str) or not _CODE.match(code):
            raise ValidationError({"code": _("「%(c)s」 is not an indicator code.") % {"c": str(code)[:40]}})
        lead = current.get(code)
        if unit is None:
            if lead is not None:
                ensure_can_change(member, lead)
                lead.delete()
                changed += 1
            continue
        if not isinstance(unit, Unit) or unit.zone_id != zone.pk or not unit.is_active:
            raise ValidationError({code: _("Choose an active unit of this zone for 「%(n)s」.") % {"n": name}})
        name = clean_name(name, field=code, label=field_label(IndicatorLead, "name"), max_length=60)
        if lead is not None and lead.unit_id == unit.pk and lead.name == name:
            continue
        lead = lead or IndicatorLead(zone=zone, code=code)
        ensure_can_change(member, lead)
        lead.name, lead.unit = name, unit
        lead.save()
        changed += 1
    return changed


# ---- 补齐短板: work on an indicator, to its lead unit ----------------------------------------------------------------

@transaction.atomic
def shortfall_assign(*, member, zone, code: str, note: str = "", deadline: dt.date | None = None) -> Shortfall:
    """Assign 补齐短板 work on an indicator as a ticket (through the tickets service) to the indicator's lead unit,
    with the zone's standing in the description."""
    require_office(member)
    _ensure_zone(member, zone)
    lead = IndicatorLead.objects.restrict(member).filter(zone=zone, code=str(code or "")[:40]).select_related(
        "unit").first()
    if lead is None:
        raise ValidationError({"code": _("This indicator has no lead unit yet: set it on the indicator leads page.")})
    note = clean_text(note, field="note", label=_("note"), max_length=NOTE_MAX)
    from tuijin.standing.selectors import standing_summary
    from tuijin.tickets.models import Ticket
    from tuijin.tickets.services import ticket_raise

    lines = [_("Make up the shortfall on 「%(n)s」 (the zone's standing in published evaluations).") % {"n": lead.name}]
    lines += standing_summary(member=member, zone=zone)
    if note:
        lines.append(note)
    ticket = ticket_raise(member=member, zone=zone, title=_("Make up the shortfall: %(n)s") % {"n": lead.name},
                          assignee_unit=lead.unit, deadline=deadline, description="\n".join(lines),
                          source=Ticket.Source.MANUAL)
    return Shortfall.objects.create(zone=zone, code=lead.code, name=lead.name, ticket=ticket)


# ---- results published down by a city's assessment runs --------------------------------------------------------

@transaction.atomic
def run_results_publish(*, run) -> Assessment | None:
    """A published assessment run of a city (province, district) as results published down to the zones its units
    stand for (``org.Unit.represents``): an edition keyed run-<id> belonging to the city, one list per group, one result
    per represented zone with its rank out of the group's ranked units, score and tier. Another publication of the
    same run, or of a run with the same title and year, replaces the edition. Called when
    ``assessment.services.run_publish`` (which checks the member) saves the run, in the same transaction."""
    from collections import Counter

    from tuijin.org.models import Unit
    from tuijin.standing.models import RUN_KEY

    if not run.published:
        return None
    zone = run.zone
    key = f"{RUN_KEY}{run.pk}"
    issuer, title = zone.name[:60], run.title[:200]
    Assessment.objects.filter(owner=zone).filter(Q(key=key) | Q(issuer=issuer, title=title, year=run.year)).delete()
    represented = {u.name: u.represents for u in Unit.objects.filter(zone=zone, represents__isnull=False)
                   .select_related("represents")}
    units = run.results.get("units") or []
    lines = [u for u in units if u.get("unit") in represented]
    if not lines:
        return None
    edition = Assessment.objects.create(owner=zone, key=key, issuer=issuer, title=title, year=run.year,
                                        level=Level.PROVINCE if zone.level == "province" else Level.CITY,
                                        source=_("%(issuer)s, assessment run 「%(title)s」") % {
                                            "issuer": issuer, "title": title})
    sizes = Counter((u.get("group") or "") for u in units if u.get("rank") is not None)
    rankings: dict[str, Ranking] = {}
    for line in lines:
        group = (line.get("group") or "")[:40]
        if group not in rankings:
            rankings[group] = Ranking.objects.create(assessment=edition, owner=zone, group=group,
                                                     complete_to=sizes[line.get("group") or ""])
        subject = represented[line["unit"]]
        score = line.get("score")
        score = Decimal(str(score)).quantize(Decimal("0.01")) if score is not None else None
        rank, of = line.get("rank"), sizes[line.get("group") or ""] or None
        Result.objects.create(ranking=rankings[group], owner=zone, subject_zone=subject, subject_name=subject.name,
                              subject_label=line["unit"][:40] if line["unit"] != subject.name else "",
                              province=subject.province, rank=rank if rank and of and rank <= of else None, of=of,
                              score=score if score is not None and 0 <= score <= SCORE_MAX else None,
                              tier=(line.get("tier") or "")[:20])
    return edition
