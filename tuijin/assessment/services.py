"""Writes for assessment: scheme versions, runs (from a file or from stored figures), publishing, commendation."""
from __future__ import annotations

import re

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.assessment import inputs as record_inputs
from tuijin.assessment.models import Claim, Commendation, CommendationEntry, Incident, Run, Scheme
from tuijin.core import jobs
from tuijin.core.context import current_actor
from tuijin.core.periods import check_month, parse_year
from tuijin.core.scope import ensure_can_change, require_office
from tuijin.core.validators import AMOUNT_LIMIT, clean_name, clean_text, field_label, to_int
from tuijin.engine.assessment import Data, SchemeError, assess, parse_scheme, robustness
from tuijin.engine.jsonable import loads_plain
from tuijin.engine.assessment.io import data_from_rows, result_json


SCHEME_MAX = 200_000  # characters of a scheme's YAML
SAMPLES_MAX = 20000  # robustness samples of a run
SEED_MAX = 2 ** 32 - 1  # numpy's seeds
PER_GROUP_MAX = 100  # advanced units per group in a commendation list
CODE = re.compile(r"[-a-zA-Z0-9_]+")


def _name(model, name: str, value, *, field: str | None = None, required: bool | None = None) -> str:
    f = model._meta.get_field(name)
    return clean_name(value, field=field or name, label=field_label(model, name), max_length=f.max_length,
                      required=not f.blank if required is None else required)


UNIT_NAME_MAX, GROUP_MAX = 100, 50


def _check_inputs(data: Data) -> None:
    """Every number a run keeps is finite and within ±AMOUNT_LIMIT: the row (as the file numbers it) and the column
    of the first that is not are named."""
    rows = getattr(data, "rows", None) or list(range(2, len(data.units) + 2))
    for i, (unit, group) in enumerate(zip(data.units, data.groups)):
        # a run's units and groups go on into commendation lists, whose columns hold 100 and 50 characters
        if len(unit) > UNIT_NAME_MAX or len(group) > GROUP_MAX:
            raise ValidationError({"data": _("Row %(row)s: a unit name holds at most %(u)s characters and a group "
                                             "at most %(g)s.") % {"row": rows[i], "u": UNIT_NAME_MAX,
                                                                  "g": GROUP_MAX}})
    for column, values in data.columns.items():
        bad = ~np.isnan(values) & ~(np.abs(values) <= float(AMOUNT_LIMIT))  # infinities too
        if bad.any():
            i = int(np.argmax(bad))
            raise ValidationError({"data": _("Row %(row)s, %(column)s: %(v)s is out of range (at most %(limit)s in "
                                             "absolute value).") % {"row": rows[i], "column": column,
                                                                    "v": f"{values[i]:.6g}",
                                                                    "limit": f"{AMOUNT_LIMIT:,.0f}"}})


def _clean(obj):
    """As a JSONField stores it: NaN as null (the one cleaner, tuijin.engine.jsonable)."""
    return loads_plain(obj)


@transaction.atomic
def scheme_save(*, member, zone, yaml_text: str, code: str | None = None) -> Scheme:
    """Check a scheme and store it as the next version of its code."""
    from tuijin.org.services import ensure_zone

    require_office(member)
    ensure_zone(member, zone)
    yaml_text = clean_text(yaml_text, field="yaml", label=field_label(Scheme, "yaml"), max_length=SCHEME_MAX,
                           required=True, tabs=True)
    try:
        parsed = parse_scheme(yaml_text)
    except SchemeError as exc:
        raise ValidationError({"yaml": str(exc)}) from exc
    code = _name(Scheme, "code", code or parsed.code)
    if not CODE.fullmatch(code):
        raise ValidationError({"code": _("%(label)s: use letters, digits, hyphens and underscores only, not "
                                         "「%(v)s」.") % {"label": field_label(Scheme, "code"), "v": code}})
    name = _name(Scheme, "name", parsed.name, field="yaml")
    last = Scheme.objects.filter(zone=zone, code=code).order_by("-version").first()
    return Scheme.objects.create(zone=zone, code=code, name=name, yaml=yaml_text,
                                 version=(last.version + 1) if last else 1, created_by_id=current_actor().user_id)


def _data_dict(data: Data) -> dict:
    return {"units": data.units, "groups": data.groups,
            "columns": {k: [None if np.isnan(v) else float(v) for v in arr] for k, arr in data.columns.items()}}


def data_from_dict(d: dict) -> Data:
    return Data(units=list(d["units"]), groups=list(d["groups"]),
                columns={k: np.array([np.nan if v is None else v for v in vals], dtype=float)
                         for k, vals in d["columns"].items()})


def dispatch_data(*, member, zone, year: int, month: int = 12) -> list[list]:
    """Rows (header first) from stored figures: per unit, each indicator's year to date, its target
    (column "<code>_target"), last year's value ("<code>_last") and the pace gap in points ("<code>_pace"),
    with the unit's group."""
    from tuijin.indicators.dispatch import dispatch_table

    # only figures a unit has submitted (or the office approved) are assessed; a draft is still the unit's own
    rows = [r for r in dispatch_table(member=member, zone=zone, year=year, month=month) if not r.is_zone]
    codes = sorted({r.indicator_code for r in rows})
    by_unit: dict = {}
    for r in rows:
        e = by_unit.setdefault(r.unit, {"group": r.group})
        counted = r.counted_in_total
        e[r.indicator_code] = r.actual_ytd if counted else None
        e[f"{r.indicator_code}_target"] = r.target
        e[f"{r.indicator_code}_last"] = r.last_year_ytd
        e[f"{r.indicator_code}_pace"] = r.pace_gap_pp if counted else None
    header = ["unit", "group", *[c for code in codes for c in (code, f"{code}_target", f"{code}_last", f"{code}_pace")]]
    out = [header]
    for unit, e in by_unit.items():
        out.append([unit, e["group"], *[None if e.get(h) is None else float(e[h]) for h in header[2:]]])
    return out


_SUFFIXES = {"_target": "目标", "_last": "上年同期", "_pace": "序时进度差"}


def _check_dispatch_columns(parsed, header: list, *, zone, year: int, month: int) -> None:
    """A scheme run on stored figures reads indicators by code: one it cannot find is named in Chinese (the
    indicator and what of it), never by its code."""
    from tuijin.indicators.models import Indicator

    names = dict(Indicator.objects.filter(zone=zone).values_list("code", "name"))
    present = set(header)
    for ind in parsed.indicators():
        for column in (ind.data_column, *[c for c in (ind.rule.get("target"), ind.rule.get("last_year"))
                                          if isinstance(c, str)]):
            if column in present:
                continue
            base, what = column, "本年累计"
            for suffix, label in _SUFFIXES.items():
                if column.endswith(suffix):
                    base, what = column[: -len(suffix)], label
            if base in names:
                text = _("「%(scheme_item)s」 reads 「%(indicator)s」 (%(what)s), which no unit has filed for "
                         "%(year)s, January–%(month)s.") % {"scheme_item": ind.name or names[base],
                                                           "indicator": names[base], "what": what, "year": year,
                                                           "month": month}
            else:
                text = _("「%(scheme_item)s」 reads an indicator this zone does not have in its catalogue; ask the "
                         "office to check the scheme.") % {"scheme_item": ind.name or _("an item of the scheme")}
            raise SchemeError(text)


@transaction.atomic
def run_create(*, member, scheme: Scheme, title: str, year: int, rows: list[list] | None = None,
               source: str = Run.Source.FILE, month: int = 12, samples: int = 0, seed: int = 0) -> Run:
    """Score the units with a scheme version and keep everything the result came from."""
    require_office(member)
    ensure_can_change(member, scheme)  # a scheme of the member's zone
    title = _name(Run, "title", title)
    year, month = parse_year(year), check_month(month)
    samples = to_int(samples, field="samples", label=_("samples"), lo=0, hi=SAMPLES_MAX)
    seed = to_int(seed, field="seed", label=_("seed"), lo=0, hi=SEED_MAX)
    if source not in Run.Source.values:
        raise ValidationError({"source": _("Unknown source.")})
    if rows is None:
        from tuijin.core.scope import SYSTEM

        rows = dispatch_data(member=member or SYSTEM, zone=scheme.zone, year=year, month=month)
        source = Run.Source.DISPATCH
    try:
        parsed = parse_scheme(scheme.yaml)
        rows, sources = record_inputs.add_columns(rows, parsed, zone=scheme.zone, year=year)
        if source == Run.Source.DISPATCH:
            _check_dispatch_columns(parsed, rows[0], zone=scheme.zone, year=year, month=month)
        data = data_from_rows(rows, parsed)
        _check_inputs(data)
        result = assess(parsed, data)
        rob = robustness(parsed, data, samples=samples, seed=seed) if samples else None
    except SchemeError as exc:
        raise ValidationError(str(exc)) from exc
    return Run.objects.create(zone=scheme.zone, scheme=scheme, title=title, year=year, source=source,
                              scheme_yaml=scheme.yaml, inputs=_clean(dict(_data_dict(data), sources=sources)),
                              results=_clean(with_sources(result_json(result), parsed, sources)),
                              robustness=_clean(rob) if rob else None, created_by_id=current_actor().user_id)


def with_sources(results: dict, parsed, sources: dict[str, dict]) -> dict:
    """Each breakdown line read from a record input says where it came from (label and link)."""
    if not sources:
        return results
    column_of = {ind.code: ind.data_column for ind in parsed.indicators()}
    column_of |= {a.code: a.column for a in [*parsed.bonuses, *parsed.deductions, *parsed.vetoes]}
    for unit in results["units"]:
        for line in unit.get("breakdown") or []:
            source = sources.get(column_of.get(line["code"], ""))
            if source:
                line["source"] = source
    return results


def run_robustness(*, member, run: Run, samples: int = 1000, seed: int = 0) -> Run:
    """Computed outside any transaction (thousands of samples hold no database lock), kept in one that re-checks
    the run (published meanwhile: refused)."""
    require_office(member)
    ensure_can_change(member, run)
    if run.published:
        raise ValidationError(_("A published run does not change."))
    samples, seed = _robustness_args(samples, seed)
    parsed = parse_scheme(run.scheme_yaml)
    computed = _clean(robustness(parsed, data_from_dict(run.inputs), samples=samples, seed=seed))
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run.pk)
        ensure_can_change(member, run)
        if run.published:
            raise ValidationError(_("A published run does not change."))
        run.robustness = computed
        run.save()
    return run


def _robustness_args(samples, seed) -> tuple[int, int]:
    return (to_int(samples, field="samples", label=_("samples"), lo=1, hi=SAMPLES_MAX),
            to_int(seed, field="seed", label=_("seed"), lo=0, hi=SEED_MAX))


def run_robustness_start(*, member, run: Run, samples: int = 1000, seed: int = 0):
    """Queue the robustness of a run (a Monte Carlo over thousands of samples) for the worker; the run page shows
    the job's state. Checked here for the member, computed by the worker as the system."""
    require_office(member)
    ensure_can_change(member, run)
    if run.published:
        raise ValidationError(_("A published run does not change."))
    samples, seed = _robustness_args(samples, seed)
    return jobs.start(run_robustness_job, run.pk, samples, seed, zone=run.zone, target=jobs.target_of(run))


@jobs.background("robustness")
def run_robustness_job(job, run_id: int, samples: int, seed: int) -> int:
    from tuijin.core.scope import SYSTEM

    job.step(5)
    run_robustness(member=SYSTEM, run=Run.objects.get(pk=run_id), samples=samples, seed=seed)
    return run_id


@transaction.atomic
def run_publish(*, member, run: Run) -> Run:
    require_office(member)
    ensure_can_change(member, run)
    run.published = True
    run.save()
    return run


@transaction.atomic
def commendation_from_run(*, member, run: Run, title: str, per_group: int = 1,
                          awards: dict[str, list[str]] | None = None) -> Commendation:
    """Advanced units: the first ``per_group`` of each group in the first tier; plus named awards."""
    require_office(member)
    ensure_can_change(member, run)
    try:
        per_group = to_int(per_group, field="per_group", label=_("units per group"), lo=1, hi=PER_GROUP_MAX)
    except ValidationError:
        raise ValidationError({"per_group": _("At least one unit per group.")}) from None
    title = _name(Commendation, "title", title)
    awards = {_name(CommendationEntry, "award", award): [_name(CommendationEntry, "unit_name", n, required=True)
                                                         for n in names]
              for award, names in (awards or {}).items()}
    c = Commendation.objects.create(zone=run.zone, title=title, year=run.year, run=run)
    first_tier = None
    units = run.results["units"]
    tiers = [u["tier"] for u in units if u["tier"]]
    if tiers:
        parsed = parse_scheme(run.scheme_yaml)
        first_tier = parsed.tiers[0].name if parsed.tiers else None
    seq = 0
    for group in sorted({u["group"] for u in units}):
        ranked = sorted([u for u in units if u["group"] == group and u["rank"] is not None and not u["vetoed"]],
                        key=lambda u: u["rank"])
        for u in ranked[:per_group]:
            if first_tier and u["tier"] != first_tier:
                continue
            seq += 1
            CommendationEntry.objects.create(zone=run.zone, commendation=c, kind=CommendationEntry.Kind.UNIT,
                                             group=group, unit_name=u["unit"], seq=seq,
                                             note=f"综合得分{u['score']:.2f}分,{u['tier']}")
    for award, names in (awards or {}).items():
        for name in names:
            seq += 1
            CommendationEntry.objects.create(zone=run.zone, commendation=c, kind=CommendationEntry.Kind.AWARD,
                                             award=award, unit_name=name, seq=seq)
    return c


@transaction.atomic
def commendation_add_individual(*, member, commendation: Commendation, person: str, unit_name: str,
                                note: str = "") -> CommendationEntry:
    require_office(member)
    ensure_can_change(member, commendation)
    if not str(person or "").strip() or not str(unit_name or "").strip():
        raise ValidationError(_("Give the person's name and unit."))
    person = _name(CommendationEntry, "person", person, required=True)
    unit_name = _name(CommendationEntry, "unit_name", unit_name, required=True)
    note = _name(CommendationEntry, "note", note)
    return CommendationEntry.objects.create(zone=commendation.zone, commendation=commendation,
                                            kind=CommendationEntry.Kind.INDIVIDUAL, person=person,
                                            unit_name=unit_name, note=note,
                                            seq=commendation.entries.count() + 1)


# ---- bonus claims (加分项申报) and incidents (安全稳定事件) ------------------------------------------------------------

CLAIM_POINTS_MAX = 100  # points of one claimed item


def _zone_unit(member, zone, unit, *, field: str = "unit"):
    """A unit of ``zone`` in the member's scope, or a refusal naming the field."""
    from tuijin.org.models import Unit

    if not isinstance(unit, Unit) or unit.zone_id != zone.pk or \
            not Unit.objects.restrict(member).filter(pk=unit.pk).exists():
        raise ValidationError({field: _("Choose a unit of this zone within your data scope.")})
    return unit


@transaction.atomic
def claim_submit(*, member, zone, unit, year, kind: str, title: str, points, evidence=None) -> Claim:
    """A unit claims a bonus item with its evidence (an attachment, checked as a ticket step's is)."""
    from tuijin.core.validators import to_number_in
    from tuijin.tickets.services import check_attachment

    unit = _zone_unit(member, zone, unit)
    year = parse_year(year)
    if kind not in Claim.Kind.values:
        raise ValidationError({"kind": _("%(label)s: choose one of the listed kinds.") % {
            "label": field_label(Claim, "kind")}})
    title = _name(Claim, "title", title, required=True)
    points = to_number_in(points, field="points", label=field_label(Claim, "points"), lo=0, hi=CLAIM_POINTS_MAX)
    if points <= 0:
        raise ValidationError({"points": _("%(label)s must be more than 0.") % {"label": field_label(Claim, "points")}})
    if not evidence:
        raise ValidationError({"evidence": _("Attach the evidence of the claim (a document, PDF or image).")})
    try:
        check_attachment(evidence)
    except ValidationError as exc:
        raise ValidationError({"evidence": exc.messages}) from exc
    claim = Claim(zone=zone, unit=unit, year=year, kind=kind, title=title, points=points, evidence=evidence,
                  claimed_by_id=current_actor().user_id)
    ensure_can_change(member, claim)
    claim.save()
    return claim


@transaction.atomic
def claim_decide(*, member, claim: Claim, verify: bool, granted=None, reason: str = "") -> Claim:
    """The office verifies a claim (granting up to the points claimed) or rejects it with a reason. Only the office
    of the whole zone decides: a unit never verifies its own claim. A decided claim stays decided."""
    from tuijin.core.validators import to_number_in

    require_office(member)
    if member.scope not in ("zone", "all"):
        raise PermissionDenied(_("Only the office of the whole zone verifies claims."))
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    ensure_can_change(member, claim)
    if claim.state != Claim.State.CLAIMED:
        raise ValidationError(_("This claim has already been decided."))
    if verify:
        granted = claim.points if granted in (None, "") else to_number_in(
            granted, field="granted", label=field_label(Claim, "granted"), lo=0, hi=claim.points)
        claim.state, claim.granted, claim.reason = Claim.State.VERIFIED, granted, ""
    else:
        reason = _name(Claim, "reason", reason, required=True)
        claim.state, claim.granted, claim.reason = Claim.State.REJECTED, None, reason
    claim.decided_by_id = current_actor().user_id
    claim.save()
    return claim


@transaction.atomic
def incident_record(*, member, zone, unit, kind: str, occurred_on, title: str) -> Incident:
    """The office records a safety or stability incident of a unit."""
    from tuijin.core.validators import check_date

    require_office(member)
    unit = _zone_unit(member, zone, unit)
    if kind not in Incident.Kind.values:
        raise ValidationError({"kind": _("%(label)s: choose one of the listed kinds.") % {
            "label": field_label(Incident, "kind")}})
    occurred_on = check_date(occurred_on, field="occurred_on", label=field_label(Incident, "occurred_on"))
    if occurred_on is None:
        raise ValidationError({"occurred_on": _("Give the date of the incident.")})
    title = _name(Incident, "title", title, required=True)
    incident = Incident(zone=zone, unit=unit, kind=kind, occurred_on=occurred_on, title=title,
                        recorded_by_id=current_actor().user_id)
    ensure_can_change(member, incident)
    incident.save()
    return incident


def scheme_preview(*, member, zone, scheme: dict, year: int) -> list[dict]:
    """Score a scheme being built (the form's dict, checked as YAML is) on the zone's stored figures and records of
    ``year``, storing nothing: the units with score, rank and tier."""
    from tuijin.assessment import builder

    require_office(member)
    from tuijin.org.services import ensure_zone

    ensure_zone(member, zone)
    parsed = builder.check(scheme)
    rows = dispatch_data(member=member, zone=zone, year=parse_year(year), month=12)
    if len(rows) < 2:
        from tuijin.org.models import Unit

        rows = [rows[0], *[[name, ""] for name in Unit.objects.restrict(member).filter(
            zone=zone, is_active=True).order_by("sort_order", "id").values_list("name", flat=True)]]
    rows, _sources = record_inputs.add_columns(rows, parsed, zone=zone, year=year)
    header = set(rows[0])
    for column in parsed.columns() - header:  # a figure nobody filed: missing for all, as the scheme counts it
        rows = [[*rows[0], column], *[[*r, None] for r in rows[1:]]]
    try:
        data = data_from_rows(rows, parsed)
        result = assess(parsed, data, explain=False)
    except SchemeError as exc:
        raise ValidationError(builder.readable(str(exc), scheme)) from exc
    return sorted(({"unit": u.unit, "group": u.group, "score": u.score, "rank": u.rank, "tier": u.tier,
                    "vetoed": u.vetoed} for u in result.units), key=lambda u: (u["group"], u["rank"] or 10 ** 9))
