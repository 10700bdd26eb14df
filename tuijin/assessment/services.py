"""Writes for assessment: scheme versions, runs (from a file or from stored figures), publishing, commendation."""
from __future__ import annotations

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.assessment.models import Commendation, CommendationEntry, Run, Scheme
from tuijin.core.context import current_actor
from tuijin.core.scope import require_office
from tuijin.engine.assessment import Data, SchemeError, assess, parse_scheme, robustness
from tuijin.engine.assessment.io import data_from_rows, result_json


def _clean(obj):
    import json
    import math

    def fix(x):
        if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
            return None
        if isinstance(x, dict):
            return {k: fix(v) for k, v in x.items()}
        if isinstance(x, list):
            return [fix(v) for v in x]
        return x

    return json.loads(json.dumps(fix(obj), ensure_ascii=False))


@transaction.atomic
def scheme_save(*, member, zone, yaml_text: str, code: str | None = None) -> Scheme:
    """Check a scheme and store it as the next version of its code."""
    require_office(member)
    try:
        parsed = parse_scheme(yaml_text)
    except SchemeError as exc:
        raise ValidationError({"yaml": str(exc)}) from exc
    code = code or parsed.code
    last = Scheme.objects.filter(zone=zone, code=code).order_by("-version").first()
    return Scheme.objects.create(zone=zone, code=code, name=parsed.name, yaml=yaml_text,
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


@transaction.atomic
def run_create(*, member, scheme: Scheme, title: str, year: int, rows: list[list] | None = None,
               source: str = Run.Source.FILE, month: int = 12, samples: int = 0, seed: int = 0) -> Run:
    """Score the units with a scheme version and keep everything the result came from."""
    require_office(member)
    if rows is None:
        from tuijin.core.scope import SYSTEM

        rows = dispatch_data(member=member or SYSTEM, zone=scheme.zone, year=year, month=month)
        source = Run.Source.DISPATCH
    try:
        parsed = parse_scheme(scheme.yaml)
        data = data_from_rows(rows, parsed)
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
    if run.published:
        raise ValidationError(_("A published run does not change."))
    if not 1 <= samples <= 20000:
        raise ValidationError(_("Choose between 1 and 20000 samples."))
    parsed = parse_scheme(run.scheme_yaml)
    run.robustness = _clean(robustness(parsed, data_from_dict(run.inputs), samples=samples, seed=seed))
    run.save()
    return run


@transaction.atomic
def run_publish(*, member, run: Run) -> Run:
    require_office(member)
    run.published = True
    run.save()
    return run


@transaction.atomic
def commendation_from_run(*, member, run: Run, title: str, per_group: int = 1,
                          awards: dict[str, list[str]] | None = None) -> Commendation:
    """Advanced units: the first ``per_group`` of each group in the first tier; plus named awards."""
    require_office(member)
    if per_group < 1:
        raise ValidationError({"per_group": _("At least one unit per group.")})
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
    if not person.strip() or not unit_name.strip():
        raise ValidationError(_("Give the person's name and unit."))
    return CommendationEntry.objects.create(zone=commendation.zone, commendation=commendation,
                                            kind=CommendationEntry.Kind.INDIVIDUAL, person=person.strip(),
                                            unit_name=unit_name.strip(), note=note.strip(),
                                            seq=commendation.entries.count() + 1)
