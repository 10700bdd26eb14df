"""Writes for the project ledger: projects, lifecycle, node plans, monthly progress."""
from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tuijin.core.changelog import record_bulk, snapshot
from tuijin.core.periods import check_period, ensure_open
from tuijin.core.scope import CHANGE, can, ensure_can_change, require_office, require_writer
from tuijin.core.validators import check_date, clean_name, clean_text, to_amount, to_number_in
from tuijin.org.models import Unit
from tuijin.projects import lifecycle
from tuijin.projects.lifecycle import current_stage  # noqa: F401  (re-exported: callers derive stages here)
from tuijin.projects.models import NodePlanTemplate, Project, ProjectNode, ProjectProgress
from tuijin.projects.signals import problems_reported

EDITABLE = {
    "code", "name", "category", "is_foreign", "industry", "investor", "planned_investment", "year_planned_investment",
    "unit", "sponsor", "sponsor_member", "owner", "longitude", "latitude", "above_scale", "tax_contribution", "note", "campaign",
    *lifecycle.DATE_FIELDS,
}
AMOUNTS = ("planned_investment", "year_planned_investment", "tax_contribution")
# Limits of what a project stores (docs/security.md, "Limits"). 10^8 万元 (1万亿元) is ten times the largest single
# projects the zones sign, so a typing slip (元 for 万元, an extra six zeros) is refused, and a zone's ledger total
# stays far inside its columns.
PROJECT_AMOUNT_LIMIT = Decimal("1e8")
# China's bounding box (73°33′E—135°05′E, 3°51′N—53°33′N), rounded out: every zone is in China, so a point outside it
# is a typing slip — most often longitude and latitude swapped, or a point left at 0, 0.
LONGITUDE = (Decimal(73), Decimal(136))
LATITUDE = (Decimal(3), Decimal(54))
NAME_FIELDS = ("code", "name", "industry", "investor", "sponsor", "owner")  # one line each; length from the model
NOTE_MAX = 2000  # a project's note; a month's physical progress and problems


def stage_errors(values: dict, *, today: dt.date | None = None) -> dict[str, str]:
    """Order problems of the lifecycle dates in ``values`` ({"started_actual": date, …}), by field."""
    return lifecycle.order_errors(values, today=today or timezone.localdate())


class ProjectBatch:
    """Many project writes in one transaction (the ledger import): what ``project_create``/``project_update`` would
    query row by row — the stored projects (locked), which of them the member may change, the codes taken — is read
    once, and the rows are stored together by ``flush()`` with their change history (``record_bulk``).
    Every rule of the services still runs for every row."""

    def __init__(self, *, member, zone, codes):
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("a ProjectBatch lives in its caller's transaction (the import's)")
        self.member, self.zone = member, zone
        codes = list(dict.fromkeys(c for c in codes if c))
        units = {u.pk: u for u in Unit.objects.filter(zone=zone)}  # shared by the projects, not one per project
        self.existing: dict[str, Project] = {}
        for i in range(0, len(codes), 5000):
            for p in Project.objects.select_for_update().filter(zone=zone, code__in=codes[i:i + 5000]):
                Project.unit.field.set_cached_value(p, units[p.unit_id])
                self.existing[p.code] = p
        pks = [p.pk for p in self.existing.values()]
        self.changeable: set[int] = set()
        for i in range(0, len(pks), 5000):
            self.changeable |= set(Project.objects.restrict(member, CHANGE).filter(pk__in=pks[i:i + 5000])
                                   .values_list("pk", flat=True))
        self.codes = set(self.existing)  # taken in the zone (among the codes of this batch)
        self.creates: list[Project] = []
        self.updates: dict[int, tuple[Project, dict, list[str]]] = {}  # pk → (project, before, changed attnames)
        self.unit_allowed: dict[int, bool] = {}  # unit pk → may the member keep a project there
        self.valid: set[tuple] = set()  # (field, value) pairs the field has accepted
        self.leaders: dict[str, list] | None = None  # full name → the zone's leader members of that name

    def stored(self, project: Project) -> Project:
        """The locked, preloaded instance of a stored project within the member's scope."""
        found = self.existing.get(project.code)
        if found is None or found.pk != project.pk or found.pk not in self.changeable:
            raise PermissionDenied(_("You may not change this record: it is outside your data scope."))
        return found

    def code_taken(self, code: str, pk: int | None) -> bool:
        found = self.existing.get(code)
        return (code in self.codes) and (found is None or found.pk != pk)

    def changed_fields(self, project: Project) -> list[str]:
        """Fields (attnames) an update changed; [] for none."""
        return self.updates[project.pk][2] if project.pk in self.updates else []

    def flush(self) -> tuple[int, int]:
        """Store every create and changed update, with their change history; returns (created, updated)."""
        made = Project.objects.bulk_create(self.creates, batch_size=1000)
        updated = list(self.updates.values())
        if updated:
            now = timezone.now()
            fields = sorted({Project._meta.get_field(f).name for _p, _b, changed in updated for f in changed})
            for p, _b, _c in updated:
                p.updated = now
            Project.objects.bulk_update([p for p, _b, _c in updated], [*fields, "updated"], batch_size=1000)
        record_bulk([*((p, "create", None) for p in made), *((p, "update", b) for p, b, _c in updated)])
        return len(made), len(updated)


VALUE_FIELDS = [f for f in EDITABLE if f not in ("unit", "campaign", "sponsor_member")]
DECIMALS = [(f.attname, Decimal(1).scaleb(-f.decimal_places)) for f in Project._meta.concrete_fields
            if isinstance(f, models.DecimalField)]
NOT_CLEANED = frozenset({"zone", "unit", "campaign", "sponsor_member", "stage", "status", "last_progress"})  # set here, or checked below
CLEANED = [f for f in Project._meta.concrete_fields if f.name in EDITABLE and f.name not in NOT_CLEANED]


_INPUTS = (*NAME_FIELDS, "note", *AMOUNTS, "longitude", "latitude")


def _label(name: str) -> str:
    return _label_in(name, get_language())


@functools.lru_cache(maxsize=256)
def _label_in(name: str, language: str | None) -> str:
    # A field's label in a language: asked for every field of every row of an import (260,000 times for 10,000
    # projects), where translating it each time took a tenth of the import.
    return str(Project._meta.get_field(name).verbose_name)


def _input(name: str, raw):
    """One typed value of a project, checked and normalised (trimmed names, Decimal amounts and coordinates)."""
    label = _label(name)
    if name in NAME_FIELDS:
        f = Project._meta.get_field(name)
        return clean_name(raw, field=name, label=label, max_length=f.max_length, required=not f.blank)
    if name == "note":
        return clean_text(raw, field=name, label=label, max_length=NOTE_MAX)
    if raw is None or raw == "":
        return None if name in ("longitude", "latitude") else raw  # an empty amount: the field says it is required
    if name in AMOUNTS:
        return to_amount(raw, field=name, label=label, allow_negative=False, limit=PROJECT_AMOUNT_LIMIT, unit="万元")
    lo, hi = LONGITUDE if name == "longitude" else LATITUDE
    return to_number_in(raw, field=name, label=label, lo=lo, hi=hi, unit="°")


def _values(project: Project) -> dict:
    return {f: getattr(project, f) for f in VALUE_FIELDS}


def _unit_allowed(member, project: Project, batch: ProjectBatch | None) -> bool:
    """May the member keep a project at its (new) unit? Asked of an unsaved project of that zone and unit."""
    def ask():
        return can(member, project if project.pk is None else Project(zone_id=project.zone_id, unit=project.unit),
                   CHANGE)

    if batch is None:
        return ask()
    if project.unit_id not in batch.unit_allowed:  # the same answer for every project of the unit
        batch.unit_allowed[project.unit_id] = ask()
    return batch.unit_allowed[project.unit_id]


def _check(member, project: Project, *, stage: str | None, batch: ProjectBatch | None,
           clean: set[str] | None = None) -> dict:
    """Every rule of a project about to be stored, all problems at once, by field; returns its values.

    ``clean``: the fields whose type and length to check (default: every field; an update checks those it
    changes — the stored ones were checked when stored)."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(str(message))

    # What a member types (names, amounts, coordinates) first, each with a message naming its field.
    for name in _INPUTS if clean is None else [n for n in _INPUTS if n in clean]:
        try:
            setattr(project, name, _input(name, getattr(project, name)))
        except ValidationError as exc:
            for m in exc.messages:
                add(name, m)
    # Field types and lengths (Model.clean_fields, field by field): the rules below read the values.
    for f in CLEANED if clean is None else [f for f in CLEANED if f.name in clean]:
        if f.name in errors:
            continue
        raw = getattr(project, f.attname)
        if f.blank and raw in f.empty_values:
            continue
        # A value a field has accepted in this batch is accepted again (decimals by their digits, which count).
        key = (f.name, str(raw) if isinstance(raw, Decimal) else raw) if batch is not None else None
        try:
            if key is not None and key in batch.valid:
                continue
        except TypeError:  # a value that cannot be remembered is simply checked
            key = None
        try:
            setattr(project, f.attname, f.clean(raw, project))
        except ValidationError as exc:
            for m in exc.messages:
                add(f.name, m)
        else:
            if key is not None:
                batch.valid.add(key)
    for name in lifecycle.DATE_FIELDS if clean is None else [n for n in lifecycle.DATE_FIELDS if n in clean]:
        if name not in errors:
            try:
                check_date(getattr(project, name), field=name, label=_label(name))
            except ValidationError as exc:
                add(name, exc.messages[0])
    if (clean is None or {"longitude", "latitude"} & clean) and not {"longitude", "latitude"} & set(errors) \
            and (project.longitude is None) != (project.latitude is None):
        missing = "latitude" if project.latitude is None else "longitude"
        add(missing, _("Give both longitude and latitude (or neither): %(field)s is missing.") % {
            "field": _label(missing)})
    values = _values(project)
    for field, message in stage_errors(values if not errors else
                                       {k: v for k, v in values.items() if k not in errors}).items():
        add(field, message)
    if project.unit_id is None:
        add("unit", _("Choose the responsible unit."))
    elif project.unit.zone_id != project.zone_id:
        add("unit", _("The unit belongs to another zone."))
    elif not _unit_allowed(member, project, batch):
        add("unit", _("「%(unit)s」 is outside your data scope.") % {"unit": project.unit.name})
    if project.campaign_id is not None and (clean is None or "campaign" in clean) \
            and project.campaign.zone_id != project.zone_id:
        add("campaign", _("The campaign belongs to another zone."))
    _sponsor(member, project, clean=clean, batch=batch, add=add)
    if stage not in (None, "") and not any(f.endswith("_actual") for f in errors):
        problem = lifecycle.stated_stage_error(stage, values)
        if problem:
            add("stage", problem)
    if project.code and "code" not in errors:
        taken = batch.code_taken(project.code, project.pk) if batch is not None else \
            Project.objects.filter(zone_id=project.zone_id, code=project.code).exclude(pk=project.pk).exists()
        if taken:
            add("code", _("The project code 「%(code)s」 is already used in this zone.") % {"code": project.code})
    if errors:
        raise ValidationError(errors)
    for attname, places in DECIMALS:  # stored as the database holds it, so a re-import changes nothing
        value = getattr(project, attname)
        if isinstance(value, Decimal):
            setattr(project, attname, value.quantize(places))
    return values


def _leaders_by_name(zone_id: int, batch: ProjectBatch | None) -> dict[str, list]:
    from tuijin.org.models import Member

    if batch is not None and batch.leaders is not None:
        return batch.leaders
    leaders: dict[str, list] = {}
    for m in Member.objects.filter(zone_id=zone_id, role=Member.Role.LEADER).exclude(full_name=""):
        leaders.setdefault(m.full_name.strip(), []).append(m)
    if batch is not None:
        batch.leaders = leaders
    return leaders


def _sponsor(member, project: Project, *, clean, batch, add) -> None:
    """The sponsor leader (包挂领导) is a member: a member given is checked (a leader of the project's zone) and its
    name kept in ``sponsor``; a name given alone (the Excel ledger) links the zone's one leader of that name, and
    stays as text where none matches."""
    from tuijin.campaigns.services import sponsor_check

    touched_member = clean is None or "sponsor_member" in clean
    touched_text = clean is None or "sponsor" in clean
    if touched_member and project.sponsor_member_id is not None:
        try:
            leader = sponsor_check(member, project.sponsor_member, project.zone, "sponsor_member")
        except ValidationError as exc:
            for m in exc.messages:
                add("sponsor_member", m)
        else:
            project.sponsor = (leader.full_name or leader.user.get_username())[:50]
    elif touched_text and project.sponsor:
        match = _leaders_by_name(project.zone_id, batch).get(project.sponsor.strip(), [])
        project.sponsor_member = match[0] if len(match) == 1 else None
    elif touched_member:
        project.sponsor = ""


def _unknown(fields) -> None:
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValueError(f"unknown project fields {unknown}")


def project_create(*, member, zone, stage: str | None = None, batch: ProjectBatch | None = None,
                   **fields) -> Project:
    """A new project of the ledger. ``stage``, when stated, must agree with the actual dates (it is derived from
    them either way). With a ``batch`` (an import) the project is stored by ``batch.flush()``."""
    if batch is None:
        with transaction.atomic():
            return _create(member=member, zone=zone, stage=stage, batch=None, **fields)
    return _create(member=member, zone=zone, stage=stage, batch=batch, **fields)  # writes nothing: no savepoint


def _create(*, member, zone, stage, batch, **fields) -> Project:
    require_writer(member)
    _unknown(fields)
    project = Project(zone=zone, **fields)
    values = _check(member, project, stage=stage, batch=batch)
    project.stage = current_stage(values)
    if batch is None:
        ensure_can_change(member, project)
        project.save()
    else:
        if not _unit_allowed(member, project, batch):  # the same check as ensure_can_change, asked once per unit
            raise PermissionDenied(_("You may not change this record: it is outside your data scope."))
        batch.creates.append(project)
        batch.codes.add(project.code)
    return project


def project_update(*, member, project: Project, stage: str | None = None, batch: ProjectBatch | None = None,
                   **changes) -> Project:
    """Change a project; the same rules as ``project_create``. The stage follows the actual dates."""
    if batch is None:
        with transaction.atomic():
            return _update(member=member, project=project, stage=stage, batch=None, **changes)
    return _update(member=member, project=project, stage=stage, batch=batch, **changes)


def _differs(project: Project, field: str, value) -> bool:
    if field in ("unit", "campaign", "sponsor_member"):
        return getattr(project, f"{field}_id") != (value.pk if value is not None else None)
    return getattr(project, field) != value


def _update(*, member, project: Project, stage, batch, **changes) -> Project:
    require_writer(member)
    _unknown(changes)
    if batch is None:
        project = Project.objects.select_for_update(of=("self",)).select_related("unit", "campaign").get(pk=project.pk)
        ensure_can_change(member, project)
    else:
        project = batch.stored(project)
    changed = [k for k, v in changes.items() if _differs(project, k, v)]
    before = snapshot(project) if batch is not None and changed and project.pk not in batch.updates else None
    for k in changed:
        setattr(project, k, changes[k])
    linked = (project.sponsor_member_id, project.sponsor)
    values = _check(member, project, stage=stage, batch=batch, clean=set(changed))
    for field, was in zip(("sponsor_member", "sponsor"), linked):  # the sponsor's name and member follow each other
        if getattr(project, Project._meta.get_field(field).attname) != was and field not in changed:
            changed.append(field)  # only alongside a change of the other, so ``before`` is already taken
    derived = current_stage(values)
    if derived != project.stage:
        if batch is not None and before is None and project.pk not in batch.updates:
            before = snapshot(project)  # nothing else changed: this is the project as stored
        project.stage = derived
        changed.append("stage")
    if batch is None:
        ensure_can_change(member, project)  # moved to another unit: still within scope?
        project.save()
    elif changed:  # its new place was checked by _check (the unit's scope), as ensure_can_change would
        if project.pk in batch.updates:
            before = batch.updates[project.pk][1]
            changed = list(dict.fromkeys(batch.updates[project.pk][2] + changed))
        batch.updates[project.pk] = (project, before, [Project._meta.get_field(f).attname for f in changed])
    return project


@transaction.atomic
def project_transition(*, member, project: Project, stage: str, on: dt.date) -> Project:
    """Record that a project reached a lifecycle stage on a date (order enforced)."""
    if stage not in lifecycle.BY_CODE:
        raise ValidationError({"stage": _("Unknown stage 「%(s)s」.") % {"s": stage}})
    return project_update(member=member, project=project, **{lifecycle.BY_CODE[stage].actual_field: on})


@transaction.atomic
def project_set_status(*, member, project: Project, status: str, reason: str = "") -> Project:
    """Suspend, withdraw or resume a project; suspending and withdrawing need a reason."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    ensure_can_change(member, project)
    if status not in Project.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    reason = clean_name(reason, field="status_reason", label=_label("status_reason"), max_length=200, required=False)
    if status != Project.Status.ACTIVE and not reason:
        raise ValidationError({"status_reason": _("Say why the project is suspended or withdrawn.")})
    project.status, project.status_reason = status, reason
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
        raise ValidationError({"template": _("The template belongs to another zone.")})
    start = check_date(start, field="start", label=_("start date"))
    if start is None:
        raise ValidationError({"start": _("Give the start date.")})
    project.nodes.all().delete()
    made = [ProjectNode.objects.create(zone=project.zone, project=project, seq=seq, name=name, planned_start=b,
                                       planned_date=e)
            for seq, name, b, e in plan_nodes(list(template.nodes.all()), start)]
    return made


@transaction.atomic
def node_update(*, member, node: ProjectNode, planned_date=None, actual_date=None) -> ProjectNode:
    """Move a node's planned finish (``planned_date``, kept when None) and record it done (``actual_date``, not after
    the zone's today; empty: not done). The lag engine reads both."""
    from tuijin.core.periods import as_of_date

    require_writer(member)
    node = ProjectNode.objects.select_for_update().select_related("zone").get(pk=node.pk)
    ensure_can_change(member, node)
    planned_date = check_date(planned_date, field="planned_date", label=str(ProjectNode._meta.get_field(
        "planned_date").verbose_name))
    actual_date = check_date(actual_date, field="actual_date", label=str(ProjectNode._meta.get_field(
        "actual_date").verbose_name))
    if actual_date is not None and actual_date > as_of_date(node.zone):
        raise ValidationError({"actual_date": _("%(label)s %(date)s is in the future.") % {
            "label": str(ProjectNode._meta.get_field("actual_date").verbose_name), "date": actual_date.isoformat()}})
    if planned_date is not None:
        if node.planned_start is not None and planned_date < node.planned_start:
            raise ValidationError({"planned_date": _("The planned finish %(date)s is before the node's planned start "
                                                     "%(start)s.") % {"date": planned_date.isoformat(),
                                                                      "start": node.planned_start.isoformat()}})
        node.planned_date = planned_date
    node.actual_date = actual_date
    node.save()
    return node


def _check_open(zone, year: int, month: int) -> None:
    check_period(year, month)
    ensure_open(zone, year, month)


@transaction.atomic
def progress_save(*, member, project: Project, year: int, month: int, invested_month: Decimal,
                  physical_progress: str = "", problems: str = "", raise_ticket: bool = False,
                  assignee_unit=None) -> ProjectProgress:
    """File a month's progress (draft). Year to date is this month plus earlier months of the year.

    ``raise_ticket`` raises a ticket for the problems, assigned to ``assignee_unit`` — by default the coordinating
    department the problems name (住建部门 → 建设局, see tickets/routing.py), else the project's own unit."""
    ensure_can_change(member, project)
    _check_open(project.zone, year, month)
    if invested_month is None or invested_month == "":
        raise ValidationError({"invested_month": _("Give the amount invested this month.")})
    label = str(ProjectProgress._meta.get_field("invested_month").verbose_name)
    invested_month = to_amount(invested_month, field="invested_month", label=label, allow_negative=False,
                               limit=PROJECT_AMOUNT_LIMIT, unit="万元").quantize(Decimal("0.01"))
    physical_progress = clean_text(physical_progress, field="physical_progress", max_length=NOTE_MAX,
                                   label=str(ProjectProgress._meta.get_field("physical_progress").verbose_name))
    problems = clean_text(problems, field="problems", max_length=NOTE_MAX,
                          label=str(ProjectProgress._meta.get_field("problems").verbose_name))
    if assignee_unit is not None and assignee_unit.zone_id != project.zone_id:
        raise ValidationError({"assignee_unit": _("Assign the ticket to a unit of this zone.")})
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
    if raise_ticket:
        if not problems.strip():
            raise ValidationError({"problems": _("Describe the problems to raise a ticket for them.")})
        receivers = problems_reported.send(sender=ProjectProgress, member=member, progress=progress,
                                           assignee_unit=assignee_unit)
        if not receivers:  # nobody raises tickets on this site: say so rather than drop the request
            raise ValidationError({"problems": _("Tickets cannot be raised here.")})
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
    reason = clean_name(reason, field="reason", label=_("reason"), max_length=200, required=False)
    if not approve and not reason:
        raise ValidationError({"reason": _("Say why the filing is returned.")})
    progress.state = ProjectProgress.State.APPROVED if approve else ProjectProgress.State.RETURNED
    progress.return_reason = "" if approve else reason
    progress.save()
    return progress
