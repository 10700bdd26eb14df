"""Stage goals judged from the figures: 开门红, 双过半, 季季红, 全年红 — met, not met, or pending.

A goal is judged on the zone's total of each indicator it covers, at the end of the month it is about:

- 开门红 (strong start): at March, completion at least the time progress (序时进度, 25% without a monthly plan);
- 双过半 (double half): at June, completion at least 50% ("时间过半、任务过半");
- 季季红 (every quarter): at every quarter end so far, completion at least the time progress; not met as soon as
  one quarter fell short;
- 半年红 (half year): at June, completion at least the time progress;
- 全年红 (full year): at December, the annual target reached (completion ≥ 100%).

``met`` is None (pending) until the month has come and while the zone's total is incomplete (a unit expected to
file has not): a goal is never declared missed on half the figures. Goals without indicators of their own cover the
zone's main indicators that have a target.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from tuijin.campaigns.models import Campaign, StageGoal
from tuijin.core.scope import SYSTEM
from tuijin.engine.numbers import format_fixed
from tuijin.indicators.dispatch import dispatch_table

KIND = StageGoal.Kind
MONTHS = {KIND.STRONG_START: (3,), KIND.DOUBLE_HALF: (6,), KIND.EVERY_QUARTER: (3, 6, 9, 12), KIND.FULL_YEAR: (12,),
          KIND.HALF_YEAR: (6,)}
NAMES = {KIND.STRONG_START: "开门红", KIND.DOUBLE_HALF: "双过半", KIND.EVERY_QUARTER: "季季红", KIND.FULL_YEAR: "全年红",
         KIND.HALF_YEAR: "半年红"}
EPS = 1e-9


@dataclass
class GoalStatus:
    goal: str  # 开门红 …
    kind: str
    indicator: str
    indicator_code: str
    month: int  # the month judged (the last quarter end so far for 季季红)
    met: bool | None
    completion: float | None  # at that month, a fraction
    required: float  # the completion the goal asks for, a fraction

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def shortfall_pp(self) -> float | None:
        """Percentage points short of the requirement (positive), None when met or unknown."""
        if self.met is not False or self.completion is None:
            return None
        return (self.required - self.completion) * 100


def _required(kind: str, row) -> float:
    if kind == KIND.DOUBLE_HALF:
        return 0.5
    if kind == KIND.FULL_YEAR:
        return 1.0
    return row.time_progress


def stage_goal_status(zone, year: int, month: int) -> list[GoalStatus]:
    """The zone's stage goals of ``year`` whose month has come by ``month``, judged indicator by indicator."""
    campaign = Campaign.objects.filter(zone=zone, year=year).first()
    if campaign is None:
        return []
    tables: dict[int, dict] = {}

    def zone_rows(m: int) -> dict:
        if m not in tables:
            tables[m] = {r.indicator_code: r for r in dispatch_table(member=SYSTEM, zone=zone, year=year, month=m)
                         if r.is_zone}
        return tables[m]

    out = []
    for goal in StageGoal.objects.filter(campaign=campaign).order_by("due", "pk"):
        months = [m for m in MONTHS[goal.kind] if m <= month and m <= goal.due.month]
        if not months:
            continue
        final = zone_rows(months[-1])
        codes = goal.indicator_codes or [c for c, r in final.items() if r.main and r.target is not None]
        for code in codes:
            judged = [(m, zone_rows(m).get(code)) for m in months]
            m, row = judged[-1]
            if row is None:
                continue
            verdicts = []
            for jm, jr in judged:
                if jr is None or jr.completion is None or not jr.complete:
                    verdicts.append(None)
                else:
                    verdicts.append(jr.completion >= _required(goal.kind, jr) - EPS)
            if False in verdicts:
                met = False
                m, row = next((jm, jr) for (jm, jr), v in zip(judged, verdicts) if v is False)
            else:
                met = None if None in verdicts else True
            out.append(GoalStatus(goal=NAMES[goal.kind], kind=goal.kind, indicator=row.indicator,
                                  indicator_code=code, month=m, met=met, completion=row.completion,
                                  required=_required(goal.kind, row)))
    return out


def goal_summary(statuses: list[GoalStatus]) -> list[dict]:
    """One line per goal for the cockpit: how many of its indicators met it, and each one's state in words."""
    out: dict[str, dict] = {}
    for s in statuses:
        g = out.setdefault(s.kind, {"goal": s.goal, "total": 0, "met": 0, "missed": 0, "pending": 0, "parts": []})
        g["total"] += 1
        key = "met" if s.met else ("missed" if s.met is False else "pending")
        g[key] += 1
        word = {"met": "已实现", "missed": "未实现", "pending": "待判定"}[key]
        done = "" if s.completion is None else f"完成{format_fixed(s.completion * 100, 1)}%,"
        g["parts"].append(f"{s.indicator}:{done}{word}")
    for g in out.values():
        g["detail"] = ";".join(g.pop("parts"))
    return list(out.values())


def goal_sentence(statuses: list[GoalStatus], kind: str) -> str:
    """The bulletin's sentence on one goal, in the seeds' register: 实现“双过半” / 未实现“双过半”,…差X个百分点."""
    mine = [s for s in statuses if s.kind == kind]
    if not mine:
        return ""
    name = NAMES[kind]
    if any(s.met is None for s in mine):
        waiting = "、".join(s.indicator for s in mine if s.met is None)
        return f"“{name}”待数据报齐后判定({waiting})。"
    missed = [s for s in mine if s.met is False]
    if not missed:
        return f"{'、'.join(s.indicator for s in mine)}均实现“{name}”。"
    reached = [s for s in mine if s.met]
    parts = [f"{s.indicator}完成{format_fixed(s.completion * 100, 1)}%,差{format_fixed(s.shortfall_pp, 1)}个百分点"
             for s in missed]
    lead = f"{'、'.join(s.indicator for s in reached)}实现“{name}”;" if reached else ""
    return f"{lead}{'、'.join(s.indicator for s in missed)}未实现“{name}”,其中" + ";".join(parts) + "。"
