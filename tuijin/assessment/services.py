"""Writes for assessment: scheme versions, runs (from a file or from stored figures), publishing, commendation."""
from __future__ import annotations

import re

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.assessment.models import Commendation, CommendationEntry, Run, Scheme
from tuijin.core.context import current_actor
from tuijin.core.periods import check_month, parse_year
from tuijin.core.scope import ensure_can_change, require_office
from tuijin.core.validators import AMOUNT_LIMIT, clean_name, clean_text, to_int
from tuijin.engine.assessment import Data, SchemeError, assess, parse_scheme, robustness
from tuijin.engine.jsonable import loads_plain
from tuijin.engine.assessment.io import data_from_rows, result_json


SCHEME_MAX = 200_000  # characters of a scheme's YAML
SAMPLES_MAX = 20000  # robustness samples of a run
SEED_MAX = 2 ** 32 - 1  # numpy's seeds
PER_GROUP_MAX = 100  # advanced units per group in a commendation list
CODE = re.compile(r"[-a-zA-Z0-9_]+")


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _name(model, name: str, value, *, field: str | None = None, required: bool | None = None) -> str:
    f = model._meta.get_field(name)
    return clean_name(value, field=field or name, label=_label(model, name), max_length=f.max_length,
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
    yaml_text = clean_text(yaml_text, field="yaml", label=_label(Scheme, "yaml"), max_length=SCHEME_MAX,
                           required=True, tabs=True)
    try:
        parsed = parse_scheme(yaml_text)
    except SchemeError as exc:
        raise ValidationError({"yaml": str(exc)}) from exc
    code = _name(Scheme, "code", code or parsed.code)
    if not CODE.fullmatch(code):
        raise ValidationError({"code": _("%(label)s: use letters, digits, hyphens and underscores only, not "
                                         "「%(v)s」.") % {"label": _label(Scheme, "code"), "v": code}})
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
        if source == Run.Source.DISPATCH:
            _check_dispatch_columns(parsed, rows[0], zone=scheme.zone, year=year, month=month)
        data = data_from_rows(rows, parsed)
        _check_inputs(data)
        result = assess(parsed, data)
        rob = robustness(parsed, data, samples=samples, seed=seed) if samples else None
    except SchemeError as exc:
        raise ValidationError(str(exc)) from exc
    return Run.objects.create(zone=scheme.zone, scheme=scheme, title=title, year=year, source=source,
                              scheme_yaml=scheme.yaml, inputs=_clean(_data_dict(data)),
                              results=_clean(result_json(result)), robustness=_clean(rob) if rob else None,
                              created_by_id=current_actor().user_id)


@transaction.atomic
def run_robustness(*, member, run: Run, samples: int = 1000, seed: int = 0) -> Run:
    require_office(member)
    ensure_can_change(member, run)
    if run.published:
        raise ValidationError(_("A published run does not change."))
    if isinstance(samples, bool) or not isinstance(samples, int) or not 1 <= samples <= SAMPLES_MAX:
        raise ValidationError(_("Choose between 1 and 20000 samples."))
    seed = to_int(seed, field="seed", label=_("seed"), lo=0, hi=SEED_MAX)
    parsed = parse_scheme(run.scheme_yaml)
    run.robustness = _clean(robustness(parsed, data_from_dict(run.inputs), samples=samples, seed=seed))
    run.save()
    return run


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
