"""Demo tickets: project problems, key-task supervision and enterprise requests, in every state."""
from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from tuijin.campaigns.models import KeyTask
from tuijin.org.models import Unit
from tuijin.projects.models import Project
from tuijin.tickets.models import Ticket, TicketEvent

PROBLEMS = ["施工许可办理进度慢,需协调住建部门", "用地指标尚未落实", "电力增容接入滞后", "环评批复等待时间长",
            "周边道路未通,影响材料进场", "企业融资需求约5000万元", "员工招聘困难,需人社部门对接", "天然气管网未接通"]
REQUESTS = ["申请技改补贴政策解读", "办理出口退税遇到问题", "需要协调厂区周边交通", "申报高新技术企业辅导", "用工缺口约200人"]


def _at(day: dt.date, hour: int = 9):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def build(*, zones: dict, rng: random.Random) -> None:
    for code in ("huaian", "jimo", "jiaxing", "shifan"):
        zone = zones[code]
        projects = list(Project.objects.filter(zone=zone).select_related("unit").order_by("code"))
        office = Unit.objects.filter(zone=zone, kind=Unit.Kind.OFFICE).first()
        units = list(Unit.objects.filter(zone=zone).exclude(kind=Unit.Kind.OFFICE))
        tasks = list(KeyTask.objects.filter(zone=zone))
        n = 18 if code == "huaian" else 6
        # Huai'an's demo lives in mid-2023 (its bulletin is for 1—6月); the other zones' tickets are recent.
        year, months, last = (2023, (3, 7), dt.date(2023, 7, 14)) if code == "huaian" else (2026, (6, 11), dt.date(2026, 11, 20))
        for i in range(n):
            start = min(dt.date(year, rng.randint(*months), rng.randint(1, 20)), last - dt.timedelta(days=5))
            kind = rng.choice(["project", "project", "enterprise", "task"])
            project = rng.choice(projects) if kind == "project" and projects else None
            task = rng.choice(tasks) if kind == "task" and tasks else None
            unit = project.unit if project else (task.lead_unit if task else rng.choice(units))
            title = (f"{project.name}:{rng.choice(PROBLEMS)}" if project else
                     (f"督办:{task.title}" if task else rng.choice(REQUESTS)))
            deadline = start + dt.timedelta(days=rng.choice([10, 15, 30]))
            t = Ticket.objects.create(
                zone=zone, source=kind if kind != "task" else "task", project=project, key_task=task,
                enterprise=(project.investor if project else rng.choice(["华瑞科技有限公司", "恒信实业有限公司"]))
                if kind == "enterprise" else "", title=title[:200], raised_unit=office, assignee_unit=unit,
                sponsor=project.sponsor if project else "", assigned_at=_at(start),
                ack_due=_at(start + dt.timedelta(days=1)), feedback_due=_at(start + dt.timedelta(days=3)),
                deadline=deadline)
            steps = [(TicketEvent.Action.ASSIGN, start, f"交办{unit.name},{deadline}前办结")]
            fate = rng.random()
            if fate > 0.15:
                t.state, t.acknowledged_at = Ticket.State.ACKNOWLEDGED, _at(start, 15)
                steps.append((TicketEvent.Action.ACKNOWLEDGE, start, ""))
                if fate > 0.3:
                    t.last_feedback_at = _at(start + dt.timedelta(days=2))
                    steps.append((TicketEvent.Action.FEEDBACK, start + dt.timedelta(days=2), "已召开协调会,明确责任分工"))
                if fate > 0.5:
                    done = min(start + dt.timedelta(days=rng.randint(3, 20)), last)
                    t.state, t.resolved_at, t.resolution = Ticket.State.RESOLVED, _at(done, 16), "问题已协调解决"
                    steps.append((TicketEvent.Action.RESOLVE, done, "问题已协调解决"))
                    if fate > 0.7:
                        t.state, t.closed_at = Ticket.State.CLOSED, _at(done + dt.timedelta(days=1))
                        steps.append((TicketEvent.Action.CLOSE, done + dt.timedelta(days=1), "经核实,同意销号"))
            t.save()
            for action, day, note in steps:
                TicketEvent.objects.create(zone=zone, ticket=t, action=action, by_name="演示数据", note=note)
