"""Lag detection (滞后预警) for projects: stages and nodes against their plan, and stale progress.

Vectorised over many projects at once: dates are day numbers (``date.toordinal()``), missing ones NaN.

**Days late** (逾期天数), the one definition every page, the bulletin and the cockpit use: a project's days late at
date D is the largest D − planned date over its checkpoints (lifecycle stages and nodes) that are planned before D
and not done by D (no actual date, or an actual date after D); 0 when there is none. A checkpoint done late is
history, not a lag: once every overdue checkpoint is done the project is 0 days late again.

For every checkpoint of every project:

    red     planned before D and not done by D (逾期未完成)
    yellow  planned within ``due_soon_days`` from D and not done yet (临期)
    green   otherwise (done, even if late; or not due soon)

A project is as bad as its worst checkpoint; no progress filed for ``stale_days`` days is red too.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

GREEN, YELLOW, RED = 0, 1, 2
LIGHTS = {GREEN: "green", YELLOW: "yellow", RED: "red"}


@dataclass(frozen=True)
class LagRule:
    due_soon_days: int = 15
    stale_days: int = 45


@dataclass
class LagResult:
    light: np.ndarray  # per project: 0 green, 1 yellow, 2 red
    days_late: np.ndarray  # per project: the most days any checkpoint is late (0 if none)
    worst: np.ndarray  # per project: index of the checkpoint that decides the light (-1 if none)
    stale_days: np.ndarray  # per project: days since the last progress filing (NaN if never)


def ordinal(d: dt.date | None) -> float:
    return np.nan if d is None else float(d.toordinal())


def detect(planned: np.ndarray, actual: np.ndarray, as_of: dt.date, *, last_progress: np.ndarray | None = None,
           rule: LagRule = LagRule()) -> LagResult:
    """``planned``/``actual``: (projects × checkpoints) day numbers; ``last_progress``: per project."""
    today = float(as_of.toordinal())
    planned = np.asarray(planned, dtype=float)
    actual = np.asarray(actual, dtype=float)
    has_plan = ~np.isnan(planned)
    done = ~np.isnan(actual) & (actual <= today)  # looking back at a past date, later actuals did not exist yet
    overdue = has_plan & ~done & (planned < today)
    due_soon = has_plan & ~done & (planned >= today) & (planned - today <= rule.due_soon_days)
    level = np.where(overdue, RED, np.where(due_soon, YELLOW, GREEN))
    late_days = np.where(overdue, today - planned, 0.0)
    light = level.max(axis=1) if level.size else np.zeros(len(planned), dtype=int)
    # The deciding checkpoint: the most overdue red one, else the first yellow one.
    score = level * 1e6 + late_days
    worst = np.where(light > GREEN, score.argmax(axis=1) if level.size else -1, -1)
    days_late = late_days.max(axis=1) if level.size else np.zeros(len(planned))
    stale = np.full(len(planned), np.nan)
    if last_progress is not None:
        lp = np.asarray(last_progress, dtype=float)
        stale = np.where(np.isnan(lp), np.nan, today - lp)
        light = np.where(~np.isnan(stale) & (stale > rule.stale_days), RED, light)
    return LagResult(light=light.astype(int), days_late=days_late, worst=worst, stale_days=stale)


def days_late(planned: Sequence[dt.date | None], actual: Sequence[dt.date | None], as_of: dt.date) -> int:
    """Days late of one project (see the module's definition), for one set of checkpoints."""
    late = [(as_of - p).days for p, a in zip(planned, actual)
            if p is not None and p < as_of and (a is None or a > as_of)]
    return max(late, default=0)


def reason(names: Sequence[str], planned: Sequence[dt.date | None], actual: Sequence[dt.date | None],
           as_of: dt.date, *, stale_days: float | None = None, rule: LagRule = LagRule()) -> str:
    """One project's lag in words, the most overdue first: "计划开工日期2023-03-01已过,逾期32天未开工;……"."""
    overdue, soon = [], []
    for name, p, a in zip(names, planned, actual):
        if p is None:
            continue
        if a is not None and a > as_of:
            a = None
        if a is None and p < as_of:
            overdue.append(((as_of - p).days, f"计划{name}日期{p:%Y-%m-%d}已过,逾期{(as_of - p).days}天未{name}"))
        elif a is None and (p - as_of).days <= rule.due_soon_days:
            soon.append(f"计划{p:%Y-%m-%d}{name},还有{(p - as_of).days}天")
    parts = [text for _d, text in sorted(overdue, key=lambda x: -x[0])] + soon
    if stale_days is not None and not np.isnan(stale_days) and stale_days > rule.stale_days:
        parts.append(f"已{int(stale_days)}天未填报进度")
    return ";".join(parts) if parts else "按计划推进"
