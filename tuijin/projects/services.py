"""Writes for the project ledger: projects, lifecycle, node plans, monthly progress."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.core.scope import ensure_can_change, require_office
from tuijin.projects.models import STAGE_NAMES, STAGES, NodePlanTemplate, Project, ProjectNode, ProjectProgress

# Every project passes these in order; 注册 and 供地 may be skipped, but never come after a later stage.
CHAIN = ["signed", "started", "completed", "production", "capacity"]
EDITABLE = {
    "code", "name", "category", "is_foreign", "industry", "investor", "planned_investment", "year_planned_investment",
    "unit", "sponsor", "owner", "longitude", "latitude", "above_scale", "tax_contribution", "note", "campaign",
    *(f"{s}_{k}" for s, _ in STAGES for k in ("planned", "actual")),
}


def stage_errors(values: dict) -> dict[str, str]:
    """Order problems of the lifecycle dates in ``values`` ({"started_actual": date, …}), by field."""
    errors: dict[str, str] = {}
    order = [code for code, _ in STAGES]
    for kind, word in (("actual", "实际"), ("planned", "计划")):
        for i, early in enumerate(order):
            for late in order[i + 1:]:
                a, b = values.get(f"{early}_{kind}"), values.get(f"{late}_{kind}")
                if a and b and b < a:
                    errors.setdefault(f"{late}_{kind}", f"{word}{STAGE_NAMES[late]}日期{b:%Y-%m-%d}早于{word}"
                                                        f"{STAGE_NAMES[early]}日期{a:%Y-%m-%d}")
    for i, late in enumerate(CHAIN[1:], start=1):
        if values.get(f"{late}_actual"):
            for early in CHAIN[:i]:
                if early != "signed" and not values.get(f"{early}_actual"):
                    errors.setdefault(f"{late}_actual", f"尚未{STAGE_NAMES[early]},不能先{STAGE_NAMES[late]}")
    today = timezone.localdate()
    for code, _name in STAGES:
        d = values.get(f"{code}_actual")
        if d and d > today + dt.timedelta(days=1):
            errors.setdefault(f"{code}_actual", f"实际{STAGE_NAMES[code]}日期{d:%Y-%m-%d}晚于今天")
    return errors


def current_stage(values: dict) -> str:
    stage = Project.Stage.PLANNED
    for code, _name in STAGES:
        if values.get(f"{code}_actual"):
            stage = code
    return stage


def _values(project: Project) -> dict:
    return {f: getattr(project, f) for f in EDITABLE if f not in ("unit", "campaign")}


def _check(project: Project) -> None:
    errors = stage_errors(_values(project))
    if project.planned_investment is not None and project.planned_investment < 0:
        errors["planned_investment"] = _("Amounts cannot be negative.")
    if project.year_planned_investment is not None and project.year_planned_investment < 0:
        errors["year_planned_investment"] = _("Amounts cannot be negative.")
    if project.unit_id and project.unit.zone_id != project.zone_id:
        errors["unit"] = _("The unit belongs to another zone.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def project_create(*, member, zone, **fields) -> Project:
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValueError(f"unknown project fields {unknown}")
    project = Project(zone=zone, **fields)
    project.stage = current_stage(_values(project))
    ensure_can_change(member, project)
    _check(project)
    if Project.objects.filter(zone=zone, code=project.code).exists():
        raise ValidationError({"code": _("The project code 「%(code)s」 is already used in this zone.") % {
            "code": project.code}})
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_update(*, member, project: Project, **changes) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    ensure_can_change(member, project)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValueError(f"unknown project fields {unknown}")
    for k, v in changes.items():
        setattr(project, k, v)
    ensure_can_change(member, project)  # moved to another unit: still within scope?
    _check(project)
    if "code" in changes and Project.objects.filter(zone=project.zone, code=project.code).exclude(pk=project.pk).exists():
        raise ValidationError({"code": _("The project code 「%(code)s」 is already used in this zone.") % {
            "code": project.code}})
    project.stage = current_stage(_values(project))
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_transition(*, member, project: Project, stage: str, on: dt.date) -> Project:
    """Record that a project reached a lifecycle stage on a date (order enforced)."""
    if stage not in STAGE_NAMES:
        raise ValidationError({"stage": _("Unknown stage 「%(s)s」.") % {"s": stage}})
    return project_update(member=member, project=project, **{f"{stage}_actual": on})


@transaction.atomic
def project_set_status(*, member, project: Project, status: str, reason: str = "") -> Project:
    """Suspend, withdraw or resume a project; suspending and withdrawing need a reason."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    ensure_can_change(member, project)
    if status not in Project.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status != Project.Status.ACTIVE and not reason.strip():
        raise ValidationError({"status_reason": _("Say why the project is suspended or withdrawn.")})
    project.status, project.status_reason = status, reason.strip()
    project.save()
    return project


def plan_nodes(template_nodes, start: dt.date) -> list[tuple[int, str, dt.date, dt.date]]:
    """(seq, name, planned start, planned finish) from a template: series after ``after``, parallel when sharing it."""
    finish: dict[int, dt.date] = {}
    out = []
    pending = sorted(template_nodes, key=lambda n: n.seq)
    for _round in range(len(pending) + 1):
        left = []
        for n in pending:
            if n.after_id is None or n.after_id in finish:
                begin = start if n.after_id is None else finish[n.after_id]
                end = begin + dt.timedelta(days=n.duration_days)
                finish[n.pk] = end
                out.append((n.seq, n.name, begin, end))
            else:
                left.append(n)
        pending = left
        if not pending:
            break
    if pending:
        raise ValidationError(_("The node plan has a cycle or a node that depends on a missing node."))
    return sorted(out)


@transaction.atomic
def nodes_apply_template(*, member, project: Project, template: NodePlanTemplate, start: dt.date) -> list[ProjectNode]:
    """Give a project its template's nodes, dated from ``start``; they can be adjusted by hand afterwards."""
    ensure_can_change(member, project)
    if template.zone_id != project.zone_id:
        raise ValidationError(_("The template belongs to another zone."))
    project.nodes.all().delete()
    made = [ProjectNode.objects.create(zone=project.zone, project=project, seq=seq, name=name, planned_start=b,
                                       planned_date=e)
            for seq, name, b, e in plan_nodes(list(template.nodes.all()), start)]
    return made


@transaction.atomic
def node_update(*, member, node: ProjectNode, planned_date=None, actual_date=None) -> ProjectNode:
    ensure_can_change(member, node)
    if planned_date is not None:
        node.planned_date = planned_date
    node.actual_date = actual_date
    node.save()
    return node


def _check_open(zone, year: int, month: int) -> None:
    from tuijin.core.models import FilingPeriod

    if not 1 <= month <= 12:
        raise ValidationError({"month": _("The month must be between 1 and 12.")})
    if FilingPeriod.objects.filter(zone=zone, year=year, month=month, locked=True).exists():
        raise ValidationError(_("%(y)s年%(m)s月 is locked; the office must reopen it first.") % {"y": year, "m": month})


@transaction.atomic
def progress_save(*, member, project: Project, year: int, month: int, invested_month: Decimal,
                  physical_progress: str = "", problems: str = "", raise_ticket: bool = False) -> ProjectProgress:
    """File a month's progress (draft). Year to date is this month plus earlier months of the year."""
    ensure_can_change(member, project)
    _check_open(project.zone, year, month)
    if invested_month is None or invested_month < 0:
        raise ValidationError({"invested_month": _("Amounts cannot be negative.")})
    earlier = sum(ProjectProgress.objects.filter(project=project, year=year, month__lt=month)
                  .values_list("invested_month", flat=True), Decimal(0))
    existing = ProjectProgress.objects.filter(project=project, year=year, month=month).first()
    if existing is not None and existing.state == ProjectProgress.State.APPROVED and not member.is_office:
        raise ValidationError(_("This filing has been approved; ask the office to return it before changing it."))
    values = dict(invested_month=invested_month, invested_ytd=earlier + invested_month,
                  physical_progress=physical_progress, problems=problems, state=ProjectProgress.State.DRAFT,
                  return_reason="", filed_on=timezone.localdate())
    if existing is None:
        progress = ProjectProgress.objects.create(zone=project.zone, project=project, year=year, month=month, **values)
    else:
        for k, v in values.items():
            setattr(existing, k, v)
        existing.save()
        progress = existing
    Project.objects.filter(pk=project.pk).update(last_progress=timezone.localdate())
    if raise_ticket and problems.strip():
        from tuijin.tickets.services import ticket_raise

        ticket_raise(member=member, zone=project.zone, title=f"{project.name}:{problems.strip()[:60]}",
                     description=problems.strip(), assignee_unit=project.unit, source="project", project=project)
    return progress


@transaction.atomic
def progress_submit(*, member, progress: ProjectProgress) -> ProjectProgress:
    ensure_can_change(member, progress)
    _check_open(progress.zone, progress.year, progress.month)
    if progress.state not in (ProjectProgress.State.DRAFT, ProjectProgress.State.RETURNED):
        raise ValidationError(_("Only a draft or returned filing can be submitted."))
    progress.state = ProjectProgress.State.SUBMITTED
    progress.save()
    return progress


@transaction.atomic
def progress_review(*, member, progress: ProjectProgress, approve: bool, reason: str = "") -> ProjectProgress:
    require_office(member)
    ensure_can_change(member, progress)
    _check_open(progress.zone, progress.year, progress.month)
    if progress.state != ProjectProgress.State.SUBMITTED:
        raise ValidationError(_("Only a submitted filing can be reviewed."))
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("Say why the filing is returned.")})
    progress.state = ProjectProgress.State.APPROVED if approve else ProjectProgress.State.RETURNED
    progress.return_reason = "" if approve else reason.strip()
    progress.save()
    return progress
