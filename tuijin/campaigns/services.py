"""Writes for the year's campaign: the campaign, its stage goals and key tasks, and key-task progress."""
from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.campaigns.models import Campaign, KeyTask, Milestone, StageGoal
from tuijin.campaigns.signals import indicators_of
from tuijin.core.params import parse_id
from tuijin.core.periods import parse_year
from tuijin.core.scope import VIEW, can, ensure_can_change, require_office
from tuijin.core.validators import check_date, clean_name, clean_text, field_label, to_int

TEXT_MAX = 2000  # a campaign's description, a key task's note
SEQ_MAX = 32767  # a key task's number (its column's maximum)


def _name(model, name: str, value) -> str:
    f = model._meta.get_field(name)
    return clean_name(value, field=name, label=field_label(model, name), max_length=f.max_length, required=not f.blank)


def _unit_of(member, unit, zone, field: str):
    """A unit a key task names (lead or cooperating): of the campaign's zone and within the member's data scope."""
    if unit is None or unit.zone_id != zone.pk or not can(member, unit, VIEW):
        raise ValidationError({field: _("No such unit, or it is outside your data scope.")})
    return unit


def sponsor_check(member, sponsor, zone, field: str = "sponsor"):
    """A sponsor leader (包挂领导) named by a record of ``zone``: a leader member of that zone (None: no sponsor).
    The zone's leaders are its directory, readable by all its members (``leaders_of``), whatever their scope."""
    from tuijin.org.models import Member

    if sponsor in (None, ""):
        return None
    if not isinstance(sponsor, Member):
        pk = parse_id(sponsor)
        sponsor = Member.objects.filter(pk=pk).first() if pk else None
    if sponsor is None or sponsor.zone_id != zone.pk or (member.zone_id != zone.pk and not member.sees_all_zones):
        raise ValidationError({field: _("No such leader in this zone, or outside your data scope.")})
    if sponsor.role != Member.Role.LEADER:
        if not Member.objects.restrict(member).filter(pk=sponsor.pk).exists():  # its name would tell who it is
            raise ValidationError({field: _("No such leader in this zone, or outside your data scope.")})
        raise ValidationError({field: _("「%(name)s」 is not a leader: a sponsor leader is a member with the role "
                                        "leader.") % {"name": str(sponsor)}})
    return sponsor


def _year_end_check(campaign: Campaign, value, field: str, label: str, *, required: bool = False):
    """A date of the campaign (a deadline, a milestone): a date, not after the end of the campaign's year."""
    import datetime as dt

    day = check_date(value, field=field, label=label)
    if day is None:
        if required:
            raise ValidationError({field: _("%(label)s: give the date.") % {"label": label}})
        return None
    if day > dt.date(campaign.year, 12, 31):
        raise ValidationError({field: _("%(label)s %(date)s falls after the end of the campaign's year "
                                        "(%(year)s-12-31).") % {"label": label, "date": day.isoformat(),
                                                                "year": campaign.year}})
    return day


def leaders_of(zone):
    """The zone's leader members (包挂领导): the names a project or key task may give as its sponsor. A directory of
    the zone like its catalogues: every member of the zone reads it, whatever their data scope (the pages pass the
    member's own zone)."""
    from tuijin.org.models import Member

    return Member.objects.filter(zone=zone, role=Member.Role.LEADER).select_related("user").order_by("id")


@transaction.atomic
def campaign_create(*, member, zone, year, theme: str, headline_goal: str = "", description: str = "") -> Campaign:
    """The year's campaign (年度活动) of a zone: the office's work."""
    from tuijin.org.services import ensure_zone

    require_office(member)
    ensure_zone(member, zone)
    campaign = Campaign(zone=zone, year=parse_year(year), theme=_name(Campaign, "theme", theme),
                        headline_goal=_name(Campaign, "headline_goal", headline_goal),
                        description=clean_text(description, field="description", label=field_label(Campaign, "description"),
                                               max_length=TEXT_MAX))
    campaign.save()
    return campaign


@transaction.atomic
def campaign_update(*, member, campaign: Campaign, theme: str, headline_goal: str = "", description: str = "",
                    year=None) -> Campaign:
    """The office edits the campaign's theme, headline goal and description (and its year while nothing dated
    hangs on it)."""
    require_office(member)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    ensure_can_change(member, campaign)
    if year not in (None, "") and parse_year(year) != campaign.year:
        if campaign.stage_goals.exists() or Milestone.objects.filter(task__campaign=campaign).exists():
            raise ValidationError({"year": _("The campaign's stage goals and milestones are dated in %(year)s: "
                                             "change them before the year.") % {"year": campaign.year}})
        campaign.year = parse_year(year)
    campaign.theme = _name(Campaign, "theme", theme)
    campaign.headline_goal = _name(Campaign, "headline_goal", headline_goal)
    campaign.description = clean_text(description, field="description", label=field_label(Campaign, "description"),
                                      max_length=TEXT_MAX)
    campaign.save()
    return campaign


@transaction.atomic
def stage_goal_add(*, member, campaign: Campaign, kind: str, due, description: str = "",
                   indicator_codes: list[str] | None = None) -> StageGoal:
    """A stage goal (开门红, 双过半 …) of a campaign, due on a date, over some indicators (codes; none = the
    zone's main indicators)."""
    goal = StageGoal(zone=campaign.zone, campaign=campaign)
    _stage_goal_fill(member, goal, kind=kind, due=due, description=description, indicator_codes=indicator_codes)
    goal.save()
    return goal


@transaction.atomic
def stage_goal_update(*, member, goal: StageGoal, kind: str, due, description: str = "",
                      indicator_codes: list[str] | None = None) -> StageGoal:
    goal = StageGoal.objects.select_for_update().select_related("campaign").get(pk=goal.pk)
    _stage_goal_fill(member, goal, kind=kind, due=due, description=description, indicator_codes=indicator_codes)
    goal.save()
    return goal


@transaction.atomic
def stage_goal_delete(*, member, goal: StageGoal) -> None:
    require_office(member)
    ensure_can_change(member, goal)
    goal.delete()


def _stage_goal_fill(member, goal: StageGoal, *, kind, due, description, indicator_codes) -> None:
    campaign = goal.campaign
    require_office(member)
    ensure_can_change(member, campaign)
    if kind not in StageGoal.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of stage goal.")})
    due = check_date(due, field="due", label=field_label(StageGoal, "due"))
    if due is None:
        raise ValidationError({"due": _("Give the date the goal is due.")})
    if due.year != campaign.year:
        raise ValidationError({"due": _("The goal falls due within the campaign's year (%(year)s).") % {
            "year": campaign.year}})
    codes = [str(c).strip() for c in (indicator_codes or []) if str(c).strip()]
    if len(codes) > 100 or any(not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", c) for c in codes):
        raise ValidationError({"indicator_codes": _("Name the indicators by their codes (letters, digits, _ and -).")})
    known = indicators_of(campaign.zone)
    unknown = [c for c in codes if known is not None and c not in {k for k, _n in known}]
    if unknown:
        raise ValidationError({"indicator_codes": _("No such indicator in this zone: %(codes)s.") % {
            "codes": "、".join(unknown)}})
    goal.kind, goal.due, goal.indicator_codes = kind, due, list(dict.fromkeys(codes))
    goal.description = _name(StageGoal, "description", description)


@transaction.atomic
def key_task_create(*, member, campaign: Campaign, title: str, lead_unit, units=(), deadline=None, seq=None,
                    note: str = "", sponsor=None, owner: str = "", milestones=()) -> KeyTask:
    """A key task of a campaign, led by a unit (and supported by others) of the campaign's zone, with its
    responsible leader (a member), responsible person and dated milestones ((name, due) pairs)."""
    require_office(member)
    ensure_can_change(member, campaign)
    if seq is None:
        seq = (KeyTask.objects.filter(campaign=campaign).order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    task = KeyTask(zone=campaign.zone, campaign=campaign)
    supporting = _key_task_fill(member, task, title=title, lead_unit=lead_unit, units=units, deadline=deadline,
                                seq=seq, note=note, sponsor=sponsor, owner=owner)
    planned = [(_name(Milestone, "name", n), _year_end_check(campaign, d, "milestones", field_label(Milestone, "due"),
                                                              required=True)) for n, d in milestones or ()]
    task.save()
    task.units.set(supporting)
    for i, (name, due) in enumerate(planned, start=1):
        Milestone.objects.create(zone=task.zone, task=task, seq=i, name=name, due=due)
    return task


@transaction.atomic
def key_task_edit(*, member, task: KeyTask, title: str, lead_unit, units=(), deadline=None, seq=None,
                  note: str = "", sponsor=None, owner: str = "") -> KeyTask:
    """The office edits a key task (its title, units, leader and person, deadline)."""
    require_office(member)
    task = KeyTask.objects.select_for_update().select_related("campaign").get(pk=task.pk)
    ensure_can_change(member, task)
    supporting = _key_task_fill(member, task, title=title, lead_unit=lead_unit, units=units, deadline=deadline,
                                seq=task.seq if seq in (None, "") else seq, note=note, sponsor=sponsor, owner=owner)
    task.save()
    task.units.set(supporting)
    return task


def _key_task_fill(member, task: KeyTask, *, title, lead_unit, units, deadline, seq, note, sponsor, owner) -> list:
    campaign, zone = task.campaign, task.campaign.zone
    task.lead_unit = _unit_of(member, lead_unit, zone, "lead_unit")
    supporting = [_unit_of(member, u, zone, "units") for u in units or ()]
    task.title = _name(KeyTask, "title", title)
    task.seq = to_int(seq, field="seq", label=field_label(KeyTask, "seq"), lo=1, hi=SEQ_MAX)
    task.deadline = _year_end_check(campaign, deadline, "deadline", field_label(KeyTask, "deadline"))
    task.note = clean_text(note, field="note", label=field_label(KeyTask, "note"), max_length=TEXT_MAX)
    task.sponsor = sponsor_check(member, sponsor, zone)
    task.owner = _name(KeyTask, "owner", owner)
    ensure_can_change(member, task)
    return supporting


@transaction.atomic
def milestone_add(*, member, task: KeyTask, name: str, due) -> Milestone:
    """A dated milestone of a key task; no later than the end of the campaign's year."""
    require_office(member)
    task = KeyTask.objects.select_related("campaign").get(pk=task.pk)
    ensure_can_change(member, task)
    seq = (task.milestones.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    milestone = Milestone(zone=task.zone, task=task, seq=seq, name=_name(Milestone, "name", name),
                          due=_year_end_check(task.campaign, due, "due", field_label(Milestone, "due"), required=True))
    milestone.save()
    return milestone


@transaction.atomic
def milestone_update(*, member, milestone: Milestone, due=None, done_on=None) -> Milestone:
    """The lead unit records a milestone done (``done_on``, not after today; empty: not done); the office may move
    its date (``due``)."""
    from tuijin.core.periods import as_of_date

    milestone = Milestone.objects.select_for_update().select_related("task__campaign", "zone").get(pk=milestone.pk)
    ensure_can_change(member, milestone)
    if due not in (None, ""):
        require_office(member)
        milestone.due = _year_end_check(milestone.task.campaign, due, "due", field_label(Milestone, "due"), required=True)
    done = check_date(done_on, field="done_on", label=field_label(Milestone, "done_on"))
    if done is not None and done > as_of_date(milestone.zone):
        raise ValidationError({"done_on": _("%(label)s %(date)s is in the future.") % {
            "label": field_label(Milestone, "done_on"), "date": done.isoformat()}})
    milestone.done_on = done
    milestone.save()
    return milestone


@transaction.atomic
def key_task_update(*, member, task: KeyTask, progress, status: str | None = None, note: str | None = None):
    """The lead unit reports a key task's progress; 100% is done."""
    task = KeyTask.objects.select_for_update().get(pk=task.pk)
    ensure_can_change(member, task)
    try:
        progress = to_int(progress, field="progress", label=field_label(KeyTask, "progress"), lo=0, hi=100)
    except ValidationError:
        raise ValidationError({"progress": _("Progress is a percentage between 0 and 100.")}) from None
    if status not in (None, "") and status not in KeyTask.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    task.progress = progress
    task.status = status or (KeyTask.Status.DONE if progress == 100 else KeyTask.Status.IN_PROGRESS)
    if note is not None:
        task.note = clean_text(note, field="note", label=field_label(KeyTask, "note"), max_length=TEXT_MAX)
    task.save()
    return task
