from __future__ import annotations

import datetime as dt

import numpy as np

from tuijin.campaigns.models import Campaign, KeyTask, Milestone, StageGoal
from tuijin.core.periods import as_of_date
from tuijin.engine import lag as lag_engine


def campaign_current(*, member, zone):
    return Campaign.objects.restrict(member).filter(zone=zone).order_by("-year").first()


def campaign_list(*, member, zone):
    return Campaign.objects.restrict(member).filter(zone=zone).order_by("-year", "-id")


def key_task_board(*, member, zone, campaign) -> dict[str, list[KeyTask]]:
    """Key tasks by status, for the board."""
    tasks = KeyTask.objects.restrict(member).filter(zone=zone, campaign=campaign).select_related("lead_unit")
    board = {s: [] for s, _l in KeyTask.Status.choices}
    for t in tasks.prefetch_related("units"):
        board[t.status].append(t)
    return board


def key_tasks(*, member, campaign):
    return (KeyTask.objects.restrict(member).filter(campaign=campaign)
            .select_related("lead_unit", "sponsor").prefetch_related("units", "milestones"))


def stage_goals(*, member, campaign):
    return StageGoal.objects.restrict(member).filter(campaign=campaign).order_by("due", "kind")


def key_task_lag(tasks, *, zone, as_of: dt.date | None = None, rule: lag_engine.LagRule | None = None) -> dict[int, dict]:
    """pk → {"light", "days_late", "reason"} for key tasks, from their milestones (due, done on) by the same rule
    and thresholds as projects (engine/lag.py): a milestone past its date without completion is red, one due
    within ``due_soon_days`` yellow; the reason in words, the most overdue first."""
    as_of = as_of or as_of_date(zone)
    rule = rule or lag_engine.LagRule()
    tasks = list(tasks)
    marks: dict[int, list[tuple[str, dt.date, dt.date | None]]] = {t.pk: [] for t in tasks}
    for task_id, name, due, done in Milestone.objects.filter(task_id__in=list(marks)).order_by(
            "task_id", "due", "seq").values_list("task_id", "name", "due", "done_on"):
        marks[task_id].append((name, due, done))
    if not tasks:
        return {}
    width = max((len(v) for v in marks.values()), default=0)
    planned = np.full((len(tasks), width), np.nan)
    actual = np.full((len(tasks), width), np.nan)
    for i, t in enumerate(tasks):
        for j, (_n, due, done) in enumerate(marks[t.pk]):
            planned[i, j], actual[i, j] = lag_engine.ordinal(due), lag_engine.ordinal(done)
    result = lag_engine.detect(planned, actual, as_of, rule=rule)
    out = {}
    for i, t in enumerate(tasks):
        light = lag_engine.LIGHTS[int(result.light[i])]
        entry = {"light": light, "days_late": int(result.days_late[i]), "reason": ""}
        if light != "green":
            ms = marks[t.pk]
            entry["reason"] = lag_engine.reason([f"完成「{n}」" for n, _d, _a in ms], [d for _n, d, _a in ms],
                                                [a for _n, _d, a in ms], as_of, rule=rule)
        out[t.pk] = entry
    return out
