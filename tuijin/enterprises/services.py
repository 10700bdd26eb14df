"""Every write of the enterprise register (一企一档): an enterprise, its yearly figures, the 培大育强 list.

The form, the API, the Excel import and the command line all call these functions, so the same input is stored the
same way or refused with the same message naming the field. Who may write:

- adding an enterprise to the register: the office (``require_office``);
- changing an enterprise and its yearly figures: within the member's data scope for writing — a unit's staff the
  enterprises their unit serves, the office the whole zone; an enterprise cannot be moved to a unit outside it,
  nor linked to another zone's unit;
- the 培大育强 list: the office.
"""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.core.periods import YEAR_MAX, YEAR_MIN, as_of_date
from tuijin.core.scope import CHANGE, can, ensure_can_change, require_office, require_writer
from tuijin.core.validators import clean_name, field_label, to_amount, to_int, to_number_in
from tuijin.enterprises.models import Enterprise, EnterpriseVisit, EnterpriseYear, KeptEnterprise
from tuijin.enterprises.uscc import clean_credit_code
from tuijin.org.models import Unit

# Limits of what the register stores (docs/enterprises.md, "Limits"): far above any real enterprise, so a slip (元
# typed for 万元, six extra zeros) is refused. 10^9 万元 = 10万亿元 is more than the revenue of China's largest company.
AMOUNT_LIMIT = Decimal("1e9")  # 万元
ENERGY_LIMIT = Decimal("1e9")  # 吨标煤
EMPLOYEES_MAX = 10_000_000
LAND_MAX = Decimal(1_000_000)  # 亩 (about 667 km²: larger than any development zone)
CENT = Decimal("0.01")

ENTERPRISE_FIELDS = ("credit_code", "name", "address", "industry", "unit", "land_area", "above_scale")
AMOUNT_FIELDS = ("revenue", "tax", "output", "value_added", "rnd")
FIGURE_FIELDS = ("revenue", "tax", "output", "value_added", "energy", "rnd", "employees", "above_scale")
NEGATIVE_ALLOWED = frozenset({"value_added"})  # an enterprise's value added can fall below zero in a bad year


def _decimal(value, *, model, field: str, lo=None, hi=None, limit=AMOUNT_LIMIT, negative=False, unit="万元"):
    """An optional figure: empty → None; else a finite Decimal within bounds with at most two decimals."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    label = field_label(model, field)
    if lo is not None:
        d = to_number_in(value, field=field, label=label, lo=lo, hi=hi, unit=unit)
    else:
        d = to_amount(value, field=field, label=label, allow_negative=negative, limit=limit, unit=unit)
    if d != d.quantize(CENT):
        raise ValidationError({field: _("%(label)s: at most two decimal places, not %(v)s.") % {
            "label": label, "v": f"{d:f}"}}, code="places")
    return d.quantize(CENT)


def _boolean(value, *, model, field: str) -> bool | None:
    """是/否 as the ways in send it: a boolean, or None for "not said"; anything else is refused."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    raise ValidationError({field: _("%(label)s: say yes or no, not 「%(v)s」.") % {
        "label": field_label(model, field), "v": str(value)[:20]}}, code="invalid")


def check_year(value, *, field: str = "year", zone=None) -> int:
    """A year of figures: 2000—2100 and not after the zone's current year."""
    if value is None or value == "":
        raise ValidationError({field: _("Give the year.")}, code="required")
    year = to_int(value, field=field, label=str(_("year")), lo=YEAR_MIN, hi=YEAR_MAX)
    if zone is not None and year > as_of_date(zone).year:
        raise ValidationError({field: _("%(y)s has not come yet: figures are kept for past years and this "
                                        "one.") % {"y": year}}, code="future")
    return year


def _clean_enterprise(fields: dict) -> tuple[dict, dict[str, list[str]]]:
    """Each given field typed and checked on its own; returns (clean values, errors by field)."""
    clean, errors = {}, {}
    for name, raw in fields.items():
        try:
            if name == "credit_code":
                clean[name] = clean_credit_code(raw, field=name)
            elif name in ("name", "address", "industry"):
                f = Enterprise._meta.get_field(name)
                clean[name] = clean_name(raw, field=name, label=str(f.verbose_name), max_length=f.max_length,
                                         required=not f.blank)
            elif name == "land_area":
                clean[name] = _decimal(raw, model=Enterprise, field=name, lo=0, hi=LAND_MAX, unit="亩")
            elif name == "above_scale":
                clean[name] = bool(_boolean(raw, model=Enterprise, field=name))
            elif name == "unit":
                if raw is not None and not isinstance(raw, Unit):
                    raise ValidationError({name: _("Choose the serving unit.")})
                clean[name] = raw
            else:
                raise ValueError(f"unknown enterprise field {name!r}")
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    return clean, errors


@transaction.atomic
def enterprise_save(*, member, zone, enterprise: Enterprise | None = None, **fields) -> Enterprise:
    """Add an enterprise to the zone's register (``enterprise`` None; the office) or change one (within the
    member's scope). ``fields``: any of credit_code, name, address, industry, unit, land_area, above_scale; a field
    not given is kept. Every problem is reported at once, by field."""
    require_writer(member)
    from tuijin.org.services import ensure_zone

    ensure_zone(member, zone)
    if enterprise is None:
        require_office(member)
        for name, default in (("credit_code", ""), ("name", ""), ("unit", None)):
            fields.setdefault(name, default)
    else:
        enterprise = Enterprise.objects.select_for_update().select_related("unit").get(pk=enterprise.pk)
        if enterprise.zone_id != zone.pk:
            raise PermissionDenied(_("You may not change this record: it is outside your data scope."))
        ensure_can_change(member, enterprise)
    clean, errors = _clean_enterprise(fields)
    record = enterprise or Enterprise(zone=zone)
    before = {n: getattr(record, "unit_id" if n == "unit" else n) for n in clean}
    for name, value in clean.items():
        setattr(record, name, value)
    if "unit" in clean and "unit" not in errors:
        unit = clean["unit"]
        if unit is None:
            errors["unit"] = [_("Choose the serving unit.")]
        elif unit.zone_id != zone.pk:
            errors["unit"] = [_("Choose a unit of this zone.")]
        elif not can(member, Enterprise(zone=zone, unit=unit), CHANGE):
            errors["unit"] = [_("「%(unit)s」 is outside your data scope.") % {"unit": unit.name}]
    others = Enterprise.objects.filter(zone=zone).exclude(pk=record.pk)
    if "credit_code" in clean and "credit_code" not in errors:
        taken = others.filter(credit_code=record.credit_code).first()
        if taken is not None:
            errors["credit_code"] = [_("The unified social credit code %(code)s is already registered, as "
                                       "「%(name)s」.") % {"code": record.credit_code, "name": taken.name}]
    if "name" in clean and "name" not in errors and others.filter(name=record.name).exists():
        errors["name"] = [_("「%(name)s」 is already in the register.") % {"name": record.name}]
    if errors:
        raise ValidationError(errors)
    ensure_can_change(member, record)  # the belt: where it is stored is within the member's scope
    if record.pk is None or any(getattr(record, "unit_id" if n == "unit" else n) != v for n, v in before.items()):
        record.save()
    return record


@transaction.atomic
def enterprise_year_save(*, member, enterprise: Enterprise, year, **figures) -> EnterpriseYear | None:
    """Store one year's figures of an enterprise (the member may change the enterprise). ``figures``: any of
    revenue, tax, output, value_added, rnd (万元), energy (吨标煤), employees, above_scale; empty clears a figure, a
    figure not given is kept. A year with nothing in it is not stored. The enterprise's 规上 status follows the
    规上 of its latest year."""
    require_writer(member)
    unknown = set(figures) - set(FIGURE_FIELDS)
    if unknown:
        raise ValueError(f"unknown figures {sorted(unknown)}")
    enterprise = Enterprise.objects.select_for_update(of=("self",)).select_related("zone", "unit").get(
        pk=enterprise.pk)
    ensure_can_change(member, enterprise)
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    try:
        year = check_year(year, zone=enterprise.zone)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for name, raw in figures.items():
        try:
            if name == "employees":
                clean[name] = None if raw is None or raw == "" else to_int(
                    raw, field=name, label=field_label(EnterpriseYear, name), lo=0, hi=EMPLOYEES_MAX)
            elif name == "above_scale":
                clean[name] = _boolean(raw, model=EnterpriseYear, field=name)
            elif name == "energy":
                clean[name] = _decimal(raw, model=EnterpriseYear, field=name, limit=ENERGY_LIMIT, unit="吨标煤")
            else:
                clean[name] = _decimal(raw, model=EnterpriseYear, field=name, negative=name in NEGATIVE_ALLOWED)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    row = EnterpriseYear.objects.select_for_update().filter(enterprise=enterprise, year=year).first()
    if row is None:
        if not any(v not in (None, False) for v in clean.values()):
            return None  # nothing to keep for that year
        row = EnterpriseYear(zone_id=enterprise.zone_id, enterprise=enterprise, year=year)
    changed = row.pk is None
    for name, value in clean.items():
        if name == "above_scale" and value is None:
            continue  # not said: kept (a new year: not 规上)
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    if changed:
        row.save()
    if enterprise.above_scale != row.above_scale and \
            not EnterpriseYear.objects.filter(enterprise=enterprise, year__gt=year).exists():  # the latest year
        enterprise.above_scale = row.above_scale
        enterprise.save(update_fields=["above_scale", "updated"])
    return row


@transaction.atomic
def kept_save(*, member, enterprise: Enterprise, year, target_revenue, note: str = "") -> KeptEnterprise:
    """Keep an enterprise on the year's 培大育强 list with the revenue it is to reach (or change its target)."""
    require_office(member)
    if not can(member, enterprise, CHANGE):
        raise PermissionDenied(_("You may not change this record: it is outside your data scope."))
    errors: dict[str, list[str]] = {}
    try:
        year = check_year(year)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    label = field_label(KeptEnterprise, "target_revenue")
    try:
        if target_revenue is None or target_revenue == "":
            raise ValidationError({"target_revenue": _("Give %(label)s.") % {"label": label}})
        target = _decimal(target_revenue, model=KeptEnterprise, field="target_revenue")
        if target <= 0:
            raise ValidationError({"target_revenue": _("%(label)s must be above zero.") % {"label": label}})
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        note = clean_name(note, field="note", label=field_label(KeptEnterprise, "note"), max_length=200, required=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    kept = KeptEnterprise.objects.select_for_update().filter(enterprise=enterprise, year=year).first() \
        or KeptEnterprise(zone_id=enterprise.zone_id, enterprise=enterprise, year=year)
    if kept.pk is None or kept.target_revenue != target or kept.note != note:
        kept.target_revenue, kept.note = target, note
        kept.save()
    return kept


@transaction.atomic
def kept_remove(*, member, kept: KeptEnterprise) -> None:
    """Take an enterprise off a year's 培大育强 list."""
    require_office(member)
    if not can(member, kept, CHANGE):
        raise PermissionDenied(_("You may not change this record: it is outside your data scope."))
    kept.delete()


# --- 工业服务年: service liaisons and visits -------------------------------------------------------------------------

FINDINGS_MAX = 5000


@transaction.atomic
def liaison_set(*, member, enterprise: Enterprise, liaison) -> Enterprise:
    """Name the service liaison (服务专员) of a key enterprise, or clear it (``liaison`` None): the office's work.
    The liaison is an active member of the enterprise's zone who sees the enterprise in their data scope."""
    require_office(member)
    enterprise = Enterprise.objects.select_for_update(of=("self",)).get(pk=enterprise.pk)
    ensure_can_change(member, enterprise)
    if liaison is not None:
        from tuijin.org.models import Member

        if not isinstance(liaison, Member) or liaison.zone_id != enterprise.zone_id or not liaison.is_active:
            raise ValidationError({"liaison": _("Choose an active member of this zone as the service liaison.")})
        if not can(liaison, enterprise, "view"):
            raise ValidationError({"liaison": _("%(name)s does not see 「%(e)s」 in their data scope: choose a member "
                                                "of its serving unit or of the office.") % {
                "name": liaison.full_name or liaison.user.username, "e": enterprise.name}})
    if enterprise.liaison_id != (liaison.pk if liaison is not None else None):
        enterprise.liaison = liaison
        enterprise.save(update_fields=["liaison", "updated"])
    return enterprise


def _visit_label(name: str) -> str:
    return field_label(EnterpriseVisit, name)


@transaction.atomic
def visit_log(*, member, enterprise: Enterprise, visited_on, findings: str, request_title: str = "",
              request_unit=None, request_deadline=None) -> EnterpriseVisit:
    """Log a service visit to an enterprise (whoever may change the enterprise: its serving unit, the office). A
    request (诉求) the enterprise made is raised with it, when ``request_title`` is given, through the one ticket
    loop (``tickets.services.ticket_raise``, source 企业诉求, the enterprise linked), assigned to ``request_unit``
    (default: the serving unit). Refused as a whole: a refused request stores no visit."""
    import datetime as dt

    from tuijin.core.validators import check_date, clean_text
    from tuijin.tickets.models import Ticket
    from tuijin.tickets.services import ticket_raise

    require_writer(member)
    enterprise = Enterprise.objects.select_related("zone", "unit").get(pk=enterprise.pk)
    ensure_can_change(member, enterprise)
    errors: dict[str, list[str]] = {}
    today = as_of_date(enterprise.zone)
    try:
        if visited_on in (None, ""):
            raise ValidationError({"visited_on": _("Give the day of the visit.")})
        visited_on = check_date(visited_on, field="visited_on", label=_visit_label("visited_on"),
                                lo=dt.date(2000, 1, 1), hi=today)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        findings = clean_text(findings, field="findings", label=_visit_label("findings"), max_length=FINDINGS_MAX,
                              required=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    ticket = None
    if str(request_title or "").strip():
        ticket = ticket_raise(member=member, zone=enterprise.zone, title=request_title,
                              assignee_unit=request_unit or enterprise.unit, deadline=request_deadline,
                              description=findings, source=Ticket.Source.ENTERPRISE, enterprise_record=enterprise)
    user = getattr(member, "user", None)
    name = getattr(member, "full_name", "") or (user.username if user is not None else str(member))
    return EnterpriseVisit.objects.create(
        zone_id=enterprise.zone_id, enterprise=enterprise, visited_on=visited_on,
        visitor=member if getattr(member, "pk", None) else None, visitor_name=name[:150], findings=findings,
        ticket=ticket)
