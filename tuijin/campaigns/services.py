"""Writes for the year's campaign: the campaign, its stage goals and key tasks, and key-task progress."""
from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.campaigns.models import Campaign, KeyTask, StageGoal
from tuijin.core.periods import parse_year
from tuijin.core.scope import VIEW, can, ensure_can_change, require_office
from tuijin.core.validators import check_date, clean_name, clean_text, to_int

TEXT_MAX = 2000  # a campaign's description, a key task's note
SEQ_MAX = 32767  # a key task's number (its column's maximum)


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _name(model, name: str, value) -> str:
    f = model._meta.get_field(name)
    return clean_name(value, field=name, label=_label(model, name), max_length=f.max_length, required=not f.blank)


def _unit_of(member, unit, zone, field: str):
    """A unit a key task names (lead or cooperating): of the campaign's zone and within the member's data scope."""
    if unit is None or unit.zone_id != zone.pk or not can(member, unit, VIEW):
        raise ValidationError({field: _("No such unit, or it is outside your data scope.")})
    return unit


@transaction.atomic
def campaign_create(*, member, zone, year, theme: str, headline_goal: str = "", description: str = "") -> Campaign:
    """The year's campaign (年度活动) of a zone: the office's work."""
    from tuijin.org.services import ensure_zone

    require_office(member)
    ensure_zone(member, zone)
    campaign = Campaign(zone=zone, year=parse_year(year), theme=_name(Campaign, "theme", theme),
                        headline_goal=_name(Campaign, "headline_goal", headline_goal),
                        description=clean_text(description, field="description", label=_label(Campaign, "description"),
                                               max_length=TEXT_MAX))
    campaign.save()
    return campaign


@transaction.atomic
def stage_goal_add(*, member, campaign: Campaign, kind: str, due, description: str = "",
                   indicator_codes: list[str] | None = None) -> StageGoal:
    """A stage goal (开门红, 双过半 …) of a campaign, due on a date, over some indicators (codes; none = the
    zone's main indicators)."""
    require_office(member)
    ensure_can_change(member, campaign)
    if kind not in StageGoal.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of stage goal.")})
    due = check_date(due, field="due", label=_label(StageGoal, "due"))
    if due is None:
        raise ValidationError({"due": _("Give the date the goal is due.")})
    if due.year != campaign.year:
        raise ValidationError({"due": _("The goal falls due within the campaign's year (%(year)s).") % {
            "year": campaign.year}})
    codes = [str(c).strip() for c in (indicator_codes or []) if str(c).strip()]
    if len(codes) > 100 or any(not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", c) for c in codes):
        raise ValidationError({"indicator_codes": _("Name the indicators by their codes (letters, digits, _ and -).")})
    goal = StageGoal(zone=campaign.zone, campaign=campaign, kind=kind, due=due,
                     description=_name(StageGoal, "description", description), indicator_codes=codes)
    goal.save()
    return goal


@transaction.atomic
def key_task_create(*, member, campaign: Campaign, title: str, lead_unit, units=(), deadline=None, seq=None,
                    note: str = "") -> KeyTask:
    """A key task of a campaign, led by a unit (and supported by others) of the campaign's zone."""
    require_office(member)
    ensure_can_change(member, campaign)
    zone = campaign.zone
    lead_unit = _unit_of(member, lead_unit, zone, "lead_unit")
    supporting = [_unit_of(member, u, zone, "units") for u in units or ()]
    if seq is None:
        seq = (KeyTask.objects.filter(campaign=campaign).order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    task = KeyTask(zone=zone, campaign=campaign, title=_name(KeyTask, "title", title), lead_unit=lead_unit,
                   seq=to_int(seq, field="seq", label=_label(KeyTask, "seq"), lo=1, hi=SEQ_MAX),
                   deadline=check_date(deadline, field="deadline", label=_label(KeyTask, "deadline")),
                   note=clean_text(note, field="note", label=_label(KeyTask, "note"), max_length=TEXT_MAX))
    ensure_can_change(member, task)
    task.save()
    task.units.set(supporting)
    return task


@transaction.atomic
def key_task_update(*, member, task: KeyTask, progress, status: str | None = None, note: str | None = None):
    """The lead unit reports a key task's progress; 100% is done."""
    task = KeyTask.objects.select_for_update().get(pk=task.pk)
    ensure_can_change(member, task)
    try:
        progress = to_int(progress, field="progress", label=_label(KeyTask, "progress"), lo=0, hi=100)
    except ValidationError:
        raise ValidationError({"progress": _("Progress is a percentage between 0 and 100.")}) from None
    if status not in (None, "") and status not in KeyTask.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    task.progress = progress
    task.status = status or (KeyTask.Status.DONE if progress == 100 else KeyTask.Status.IN_PROGRESS)
    if note is not None:
        task.note = clean_text(note, field="note", label=_label(KeyTask, "note"), max_length=TEXT_MAX)
    task.save()
    return task
