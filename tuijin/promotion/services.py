"""Writes of 招商引资 (docs/promotion.md): leads, their stages, visits and the capital of projects.

Signing a lead creates (or links) its project in the ledger through ``projects.services`` — the ledger's one write
path — and the later stages (注册, 开工) are recorded on that project the same way, so the lifecycle continues there.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.core.periods import as_of_date
from tuijin.core.scope import CHANGE, can, ensure_can_change, require_writer
from tuijin.core.validators import check_date, clean_name, clean_text, field_label, to_amount, to_number_in
from tuijin.org.models import Unit
from tuijin.projects import services as projects
from tuijin.projects.models import Project
from tuijin.promotion.models import DATE_FIELD, DROPPED, ORDER, STAGE_CODES, STAGE_NAMES, Capital, Lead, Visit

# Limits: 10^8 万元 (1万亿元) as for a ledger project (projects.services.PROJECT_AMOUNT_LIMIT); an exchange rate
# between 0.1 and 100 元 per US dollar (a rate typed the other way round, 0.14, or in 分, is refused).
AMOUNT_LIMIT = projects.PROJECT_AMOUNT_LIMIT
RATE = (Decimal("0.1"), Decimal("100"))
CENT = Decimal("0.01")
LEAD_FIELDS = ("name", "source", "unit", "brought_by", "serving_unit", "investor", "industry", "is_foreign",
               "currency", "amount", "exchange_rate", "assess_by", "lead_on", "note")


def _unit(member, zone, unit, field: str) -> Unit:
    label = field_label(Lead, field)
    if unit is None or unit == "":
        raise ValidationError({field: _("Choose the %(label)s.") % {"label": label}})
    if not isinstance(unit, Unit):
        raise ValidationError({field: _("Choose the %(label)s.") % {"label": label}})
    if unit.zone_id != zone.pk:
        raise ValidationError({field: _("The unit belongs to another zone.")})
    return unit


def _money(currency, amount, rate, *, field: str, label: str, rate_field: str = "exchange_rate"):
    """(currency, amount, rate, 万元, 万美元 or None), every problem naming its field."""
    errors = {}
    if currency not in Lead.Currency.values:
        errors["currency"] = _("Choose 人民币 or 美元.")
    if amount is None or amount == "":
        errors[field] = _("Give %(label)s.") % {"label": label}
    else:
        try:
            amount = to_amount(amount, field=field, label=label, allow_negative=False, limit=AMOUNT_LIMIT,
                               unit="万美元" if currency == "USD" else "万元").quantize(CENT)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if currency == "USD":
        if rate is None or rate == "":
            errors[rate_field] = _("Give the exchange rate used (元 per US dollar) for an amount in US dollars.")
        else:
            try:
                rate = to_number_in(rate, field=rate_field, label=field_label(Lead, "exchange_rate"), lo=RATE[0],
                                    hi=RATE[1]).quantize(Decimal("0.0001"))
            except ValidationError as exc:
                errors.update(exc.message_dict)
    else:
        rate = None
    if errors:
        raise ValidationError(errors)
    cny = amount if rate is None else (amount * rate).quantize(CENT)
    return currency, amount, rate, cny, (amount if currency == "USD" else None)


def _date(value, field: str, label: str, *, zone, required: bool = True, future: bool = False) -> dt.date | None:
    d = check_date(value, field=field, label=label)
    if d is None and required:
        raise ValidationError({field: _("Give %(label)s.") % {"label": label}})
    if d is not None and not future and d > as_of_date(zone):
        raise ValidationError({field: _("%(label)s %(d)s is after today.") % {"label": label, "d": d.isoformat()}})
    return d


def _clean_lead(member, zone, data: dict) -> dict:
    """Every rule of a lead's own fields, all problems at once, by field."""
    errors: dict[str, list[str]] = {}
    out: dict = {}

    def attempt(field, fn):
        try:
            out[field] = fn()
        except ValidationError as exc:
            for f, msgs in exc.message_dict.items():
                errors.setdefault(f, []).extend(msgs)

    for name, required in (("name", True), ("investor", True), ("brought_by", False), ("industry", False)):
        f = Lead._meta.get_field(name)
        attempt(name, lambda name=name, f=f, required=required: clean_name(
            data.get(name), field=name, label=str(f.verbose_name), max_length=f.max_length, required=required))
    attempt("note", lambda: clean_text(data.get("note"), field="note", label=field_label(Lead, "note"), max_length=2000))
    if data.get("source") not in Lead.Source.values:
        errors.setdefault("source", []).append(_("Choose the source of the lead."))
    else:
        out["source"] = data["source"]
    attempt("unit", lambda: _unit(member, zone, data.get("unit"), "unit"))
    attempt("serving_unit", lambda: _unit(member, zone, data.get("serving_unit") or data.get("unit"),
                                          "serving_unit"))
    out["is_foreign"] = bool(data.get("is_foreign")) or data.get("currency") == "USD"
    try:
        currency, amount, rate, cny, _usd = _money(data.get("currency") or "CNY", data.get("amount"),
                                                   data.get("exchange_rate"), field="amount",
                                                   label=field_label(Lead, "amount"))
        out.update(currency=currency, amount=amount, exchange_rate=rate, intended_investment=cny)
    except ValidationError as exc:
        for f, msgs in exc.message_dict.items():
            errors.setdefault(f, []).extend(msgs)
    attempt("lead_on", lambda: _date(data.get("lead_on"), "lead_on", field_label(Lead, "lead_on"), zone=zone))
    attempt("assess_by", lambda: _date(data.get("assess_by"), "assess_by", field_label(Lead, "assess_by"), zone=zone,
                                       future=True))
    if out.get("lead_on") and out.get("assess_by") and out["assess_by"] < out["lead_on"]:
        errors.setdefault("assess_by", []).append(_("The first assessment cannot be due before the lead came in."))
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def lead_create(*, member, zone, **data) -> Lead:
    """A new lead (stage 线索). The member must be able to change leads of the bringing unit."""
    require_writer(member)
    unknown = set(data) - set(LEAD_FIELDS)
    if unknown:
        raise ValueError(f"unknown lead fields {unknown}")
    values = _clean_lead(member, zone, data)
    lead = Lead(zone=zone, stage="lead", **values)
    if not can(member, lead, CHANGE):
        raise ValidationError({"unit": _("「%(unit)s」 is outside your data scope.") % {"unit": lead.unit.name}})
    lead.save()
    return lead


@transaction.atomic
def lead_update(*, member, lead: Lead, **data) -> Lead:
    """Change a lead's own fields (not its stage); the same rules as ``lead_create``."""
    require_writer(member)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    ensure_can_change(member, lead)
    unknown = set(data) - set(LEAD_FIELDS)
    if unknown:
        raise ValueError(f"unknown lead fields {unknown}")
    current = {f: getattr(lead, f) for f in LEAD_FIELDS}
    values = _clean_lead(member, lead.zone, {**current, **data})
    for k, v in values.items():
        setattr(lead, k, v)
    if lead.talks_on and lead.talks_on < lead.lead_on:
        raise ValidationError({"lead_on": _("The lead cannot come in after its talks started.")})
    ensure_can_change(member, lead)
    lead.save()
    return lead


def _locked(member, lead: Lead) -> Lead:
    require_writer(member)
    lead = Lead.objects.select_for_update().select_related("zone", "unit", "serving_unit").get(pk=lead.pk)
    ensure_can_change(member, lead)
    return lead


def _next_stage(lead: Lead) -> str | None:
    i = ORDER[lead.stage] + 1
    return STAGE_CODES[i] if i < len(STAGE_CODES) else None


@transaction.atomic
def lead_advance(*, member, lead: Lead, stage: str, on, project: Project | None = None,
                 code: str = "") -> Lead:
    """Move a lead to its next stage on a date (线索 → 洽谈 → 签约 → 注册 → 到资 → 开工, one at a time, dates in order).

    签约 creates the ledger project (``code`` optional) or links ``project``; 注册 and 开工 are recorded on the project
    through ``projects.services.project_transition``; 到资 needs received capital recorded for the project."""
    lead = _locked(member, lead)
    if stage not in STAGE_CODES[1:]:
        raise ValidationError({"stage": _("Unknown stage 「%(s)s」.") % {"s": str(stage)[:20]}})
    if lead.dropped:
        raise ValidationError({"stage": _("The lead was dropped on %(d)s; it cannot move on.") % {
            "d": lead.dropped_on.isoformat()}})
    if stage == "signed" and (lead.project_id is not None or ORDER[lead.stage] >= ORDER["signed"]):
        raise ValidationError({"stage": _("The lead is already signed (project %(p)s): a lead is signed once.") % {
            "p": lead.project.code if lead.project_id else ""}})
    wanted = _next_stage(lead)
    if stage != wanted:
        if ORDER[stage] <= ORDER[lead.stage]:
            raise ValidationError({"stage": _("The lead is already at 「%(now)s」.") % {
                "now": STAGE_NAMES[lead.stage]}})
        raise ValidationError({"stage": _("The lead is at 「%(now)s」: it reaches 「%(next)s」 before 「%(s)s」.") % {
            "now": STAGE_NAMES[lead.stage], "next": STAGE_NAMES[wanted], "s": STAGE_NAMES[stage]}})
    field = DATE_FIELD[stage]
    label = STAGE_NAMES[stage] + _("date")
    on = _date(on, "on", label, zone=lead.zone)
    before = getattr(lead, DATE_FIELD[lead.stage])
    if stage == "signed" and project is not None and project.signed_actual is not None:
        on = project.signed_actual  # a project already signed in the ledger keeps its date
    if before is not None and on < before:
        raise ValidationError({"on": _("%(label)s %(d)s is before 「%(prev)s」 on %(p)s.") % {
            "label": label, "d": on.isoformat(), "prev": STAGE_NAMES[lead.stage], "p": before.isoformat()}})
    if stage == "signed":
        lead.project = _sign(member, lead, on, project, code)
    elif stage in ("registered", "started"):
        _transition(member, lead, stage, on)
    elif stage == "capital":
        received = Capital.objects.filter(project=lead.project, kind=Capital.Kind.RECEIVED, on__lte=on)
        if not received.exists():
            raise ValidationError({"on": _("Record the capital received for the project first (到资 needs it).")})
    setattr(lead, field, on)
    lead.stage = stage
    lead.save()
    return lead


def _sign(member, lead: Lead, on: dt.date, project: Project | None, code: str) -> Project:
    if project is not None:
        if project.zone_id != lead.zone_id:
            raise ValidationError({"project": _("The project belongs to another zone.")})
        if not can(member, project, CHANGE):
            raise ValidationError({"project": _("The project is outside your data scope.")})
        if Lead.objects.filter(project=project).exclude(pk=lead.pk).exists():
            raise ValidationError({"project": _("The project 「%(p)s」 is already the project of another lead.") % {
                "p": project.code}})
        if project.signed_actual is None:
            project = projects.project_transition(member=member, project=project, stage="signed", on=on)
        return project
    code = clean_name(code, field="code", label=_("project code"), max_length=40, required=False) or \
        f"ZS{on.year}-{lead.pk:05d}"
    try:
        return projects.project_create(
            member=member, zone=lead.zone, code=code, name=lead.name, category=Project.Category.INDUSTRY,
            is_foreign=lead.is_foreign, industry=lead.industry, investor=lead.investor,
            planned_investment=lead.intended_investment, unit=lead.serving_unit, signed_actual=on,
            signed_planned=on)
    except (ValidationError, PermissionDenied) as exc:
        if isinstance(exc, PermissionDenied):
            raise ValidationError({"stage": str(exc)}) from exc
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"stage": exc.messages}
        # the project's fields are the lead's: name them as the lead's page does
        where = {"unit": "serving_unit", "planned_investment": "amount", "signed_actual": "on", "code": "code"}
        raise ValidationError({where.get(k, k if k in ("name", "investor", "industry") else "stage"): v
                               for k, v in messages.items()}) from exc


def _transition(member, lead: Lead, stage: str, on: dt.date) -> None:
    project = lead.project
    if project is None:
        raise ValidationError({"stage": _("The lead has no project.")})
    try:
        projects.project_transition(member=member, project=project, stage=stage, on=on)
    except ValidationError as exc:
        raise ValidationError({"on": exc.messages}) from exc
    except PermissionDenied as exc:
        raise ValidationError({"on": str(exc)}) from exc


@transaction.atomic
def lead_drop(*, member, lead: Lead, on, reason: str) -> Lead:
    """Drop a lead that is not signed, with the reason (放弃)."""
    lead = _locked(member, lead)
    if lead.dropped:
        raise ValidationError({"reason": _("The lead was already dropped.")})
    if ORDER[lead.stage] >= ORDER["signed"]:
        raise ValidationError({"reason": _("A signed lead is not dropped: its project's status in the ledger says "
                                           "whether it goes on (suspended or withdrawn).")})
    reason = clean_name(reason, field="reason", label=_("reason dropped"), max_length=200)
    on = _date(on, "on", _("date dropped"), zone=lead.zone)
    before = getattr(lead, DATE_FIELD[lead.stage])
    if on < before:
        raise ValidationError({"on": _("The lead cannot be dropped before %(d)s.") % {"d": before.isoformat()}})
    lead.stage, lead.dropped_on, lead.drop_reason = DROPPED, on, reason
    lead.save()
    return lead


@transaction.atomic
def visit_log(*, member, lead: Lead, on, kind: str, summary: str, people: str = "") -> Visit:
    lead = _locked(member, lead)
    on = _date(on, "on", field_label(Visit, "on"), zone=lead.zone)
    if on < lead.lead_on:
        raise ValidationError({"on": _("A visit cannot be before the lead came in (%(d)s).") % {
            "d": lead.lead_on.isoformat()}})
    if kind not in Visit.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of visit.")})
    summary = clean_text(summary, field="summary", label=field_label(Visit, "summary"), max_length=2000, required=True)
    people = clean_name(people, field="people", label=field_label(Visit, "people"), max_length=200, required=False)
    return Visit.objects.create(zone=lead.zone, lead=lead, on=on, kind=kind, summary=summary, people=people)


def capital_totals(project: Project) -> dict:
    """Registered and received capital of a project, 万元 (and 万美元 where recorded in dollars)."""
    out = {"registered": Decimal(0), "received": Decimal(0), "registered_usd": Decimal(0),
           "received_usd": Decimal(0)}
    for kind, cny, usd in Capital.objects.filter(project=project).values_list("kind", "amount_cny", "amount_usd"):
        out[kind] += cny
        out[f"{kind}_usd"] += usd or 0
    return out


@transaction.atomic
def capital_record(*, member, project: Project, kind: str, on, currency: str = "CNY", amount=None,
                   exchange_rate=None, note: str = "") -> tuple[Capital, list[str]]:
    """Record registered or received capital of a ledger project. Returns the record and the warnings to show:
    received capital above registered capital is stated, not refused (a capital increase may not be registered
    yet)."""
    require_writer(member)
    project = Project.objects.select_for_update(of=("self",)).select_related("zone").get(pk=project.pk)
    ensure_can_change(member, project)
    if kind not in Capital.Kind.values:
        raise ValidationError({"kind": _("Choose registered or received capital.")})
    errors = {}
    try:
        currency, amount, rate, cny, usd = _money(currency or "CNY", amount, exchange_rate, field="amount",
                                                  label=field_label(Capital, "amount"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        on = _date(on, "on", field_label(Capital, "on"), zone=project.zone)
        if on is not None and project.signed_actual is not None and on < project.signed_actual:
            errors["on"] = [_("Capital cannot come before the project was signed (%(d)s).") % {
                "d": project.signed_actual.isoformat()}]
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        note = clean_name(note, field="note", label=field_label(Capital, "note"), max_length=200, required=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    record = Capital(zone=project.zone, project=project, kind=kind, on=on, currency=currency, amount=amount,
                     exchange_rate=rate, amount_cny=cny, amount_usd=usd, note=note)
    ensure_can_change(member, record)
    record.save()
    return record, capital_warnings(project)


def capital_warnings(project: Project) -> list[str]:
    t = capital_totals(project)
    if t["received"] > t["registered"]:
        return [_("Capital received (%(rec)s万元) is above the registered capital (%(reg)s万元): check the figures "
                  "or record the capital increase.") % {"rec": t["received"], "reg": t["registered"]}]
    return []
