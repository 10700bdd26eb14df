"""The project lifecycle (签约 → 注册 → 供地 → 开工 → 竣工 → 投产 → 达产), defined once.

Everything that knows about stages reads it here: the model's stage choices and date fields, the order rules of
``projects.services``, the ledger's import/export columns, lag detection, the funnel and battle map, the performance
facts, the API and the pages. Adding a stage here adds it everywhere (the model then needs a migration).

Each stage has a planned and an actual date field (``<code>_planned``, ``<code>_actual``). A project's current stage
is the last stage with an actual date; before any, it is 谋划 (``PLANNED``). Stages marked ``skippable`` need not
happen (a government-funded road is never signed; 注册 and 供地 are often skipped), but no stage happens before an
earlier one that did happen, and a non-skippable stage needs every earlier non-skippable stage done first.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Stage:
    code: str
    name: str  # as the zones write it: 签约
    skippable: bool
    ledger_planned: bool  # the Excel ledger carries the planned date (the actual date it always carries)
    planned_label: object  # the model fields' verbose names (translated)
    actual_label: object
    typical_days: int  # a typical schedule: days after signing (the demo plans its projects with it)
    color: str  # battle map and charts
    actual_header_text: str = ""  # the ledger's header of the actual date, when not 实际{name}日期

    @property
    def planned_field(self) -> str:
        return f"{self.code}_planned"

    @property
    def actual_field(self) -> str:
        return f"{self.code}_actual"

    @property
    def planned_header(self) -> str:
        return f"计划{self.name}日期"

    @property
    def actual_header(self) -> str:
        return self.actual_header_text or f"实际{self.name}日期"


STAGES: tuple[Stage, ...] = (
    Stage("signed", "签约", True, False, _("planned signing"), _("signed"), 0, "#42a5f5", "签约日期"),
    Stage("registered", "注册", True, False, _("planned registration"), _("registered"), 20, "#26c6da"),
    Stage("land", "供地", True, False, _("planned land supply"), _("land supplied"), 60, "#26a69a"),
    Stage("started", "开工", False, True, _("planned start"), _("started"), 110, "#ffa726"),
    Stage("completed", "竣工", False, True, _("planned completion"), _("completed"), 520, "#ab47bc"),
    Stage("production", "投产", False, True, _("planned production"), _("in production"), 600, "#66bb6a"),
    Stage("capacity", "达产", False, False, _("planned full capacity"), _("at capacity"), 900, "#2e7d32"),
)
PLANNED = "planned"  # before the first stage: 谋划
PLANNED_NAME = "谋划"
PLANNED_COLOR = "#9e9e9e"

STAGE_CODES: list[str] = [s.code for s in STAGES]
STAGE_NAMES: dict[str, str] = {s.code: s.name for s in STAGES}
BY_CODE: dict[str, Stage] = {s.code: s for s in STAGES}
# The current-stage choices: 谋划 and every stage, in order.
CHOICES: list[tuple[str, str]] = [(PLANNED, PLANNED_NAME)] + [(s.code, s.name) for s in STAGES]
ORDER: dict[str, int] = {code: i for i, (code, _n) in enumerate(CHOICES)}
COLORS: dict[str, str] = {PLANNED: PLANNED_COLOR, **{s.code: s.color for s in STAGES}}
PLANNED_FIELDS: list[str] = [s.planned_field for s in STAGES]
ACTUAL_FIELDS: list[str] = [s.actual_field for s in STAGES]
DATE_FIELDS: list[str] = [f for s in STAGES for f in (s.planned_field, s.actual_field)]


def stage_name(code: str) -> str:
    return PLANNED_NAME if code == PLANNED else STAGE_NAMES[code]


def current_stage(values: Mapping) -> str:
    """The last stage with an actual date in ``values`` ({"started_actual": date, …}); 谋划 before any."""
    stage = PLANNED
    for s in STAGES:
        if values.get(s.actual_field):
            stage = s.code
    return stage


_ORDERED = [(kind, word, [f"{s.code}_{kind}" for s in STAGES]) for kind, word in (("actual", "实际"), ("planned", "计划"))]
_CHAIN = [i for i, s in enumerate(STAGES) if not s.skippable]


def order_errors(values: Mapping, *, today: dt.date) -> dict[str, str]:
    """Order problems of the dates in ``values``, by field (the later stage's field carries the problem):
    a date earlier than an earlier stage's (planned with planned, actual with actual); a non-skippable stage done
    before an earlier non-skippable one; an actual date after ``today``."""
    errors: dict[str, str] = {}
    for kind, word, fields in _ORDERED:
        dates = [values.get(f) for f in fields]
        for i, a in enumerate(dates):
            if a is None:
                continue
            for j in range(i + 1, len(dates)):
                b = dates[j]
                if b is not None and b < a and fields[j] not in errors:
                    errors[fields[j]] = (f"{word}{STAGES[j].name}日期{b:%Y-%m-%d}早于{word}{STAGES[i].name}日期"
                                         f"{a:%Y-%m-%d}")
    actual = [values.get(f) for f in ACTUAL_FIELDS]
    for n, late in enumerate(_CHAIN):
        if actual[late] is not None:
            missing = next((i for i in _CHAIN[:n] if actual[i] is None), None)
            if missing is not None:
                errors.setdefault(ACTUAL_FIELDS[late], f"尚未{STAGES[missing].name},不能先{STAGES[late].name}")
    limit = today + dt.timedelta(days=1)
    for i, d in enumerate(actual):
        if d is not None and d > limit:
            errors.setdefault(ACTUAL_FIELDS[i], f"实际{STAGES[i].name}日期{d:%Y-%m-%d}晚于今天")
    return errors


def stated_stage_error(stage: str, values: Mapping) -> str | None:
    """Why a stated current stage cannot be, given the actual dates in ``values`` (None when it agrees).

    A stage needs its own actual date; a stage earlier than the dates show is refused too."""
    if stage != PLANNED and stage not in BY_CODE:
        return f"未知的阶段「{stage}」"
    if stage != PLANNED and not values.get(BY_CODE[stage].actual_field):
        s = BY_CODE[stage]
        return f"当前阶段为「{s.name}」,须填写{s.actual_header}"
    shown = current_stage(values)
    if ORDER[shown] > ORDER[stage]:
        return f"当前阶段填的是「{stage_name(stage)}」,但日期显示已{stage_name(shown)}"
    return None


def passed_dates(actuals: list[dt.date | None]) -> list[dt.date | None]:
    """The date each stage counts as passed (for lag): its actual date, or — for a skippable stage skipped — the
    earliest actual date of any later stage (a skipped stage is not late once the project has moved past it)."""
    out = list(actuals)
    later: dt.date | None = None
    for i in range(len(STAGES) - 1, -1, -1):
        if out[i] is None and STAGES[i].skippable and later is not None:
            out[i] = later
        if actuals[i] is not None:
            later = actuals[i] if later is None else min(later, actuals[i])
    return out
