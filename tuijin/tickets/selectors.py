from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tuijin.tickets.models import Ticket
from tuijin.tickets.services import overdue_kinds


def followed_tickets(member):
    """The tickets a member may open: those in their data scope, and those their unit raised (whoever raises a
    ticket follows it to the end, even when it sits with another unit)."""
    qs = Ticket.objects.restrict(member)
    if member is not None and member.unit_id is not None and member.is_active:
        qs = qs | Ticket.objects.filter(zone_id=member.zone_id, raised_unit_id=member.unit_id)
    return qs


def ticket_list(*, member, zone, filters: dict | None = None):
    qs = Ticket.objects.restrict(member).filter(zone=zone).select_related("assignee_unit", "project", "key_task")
    f = filters or {}
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("unit"):
        if not str(f["unit"]).isdigit():  # an id from the address that cannot be one
            return qs.none()
        qs = qs.filter(assignee_unit_id=f["unit"])
    if f.get("source"):
        qs = qs.filter(source=f["source"])
    if f.get("open") == "1":
        qs = qs.exclude(state__in=[Ticket.State.RESOLVED, Ticket.State.CLOSED])
    return qs


def with_overdue(tickets, now: dt.datetime | None = None):
    now = now or timezone.now()
    out = []
    for t in tickets:
        t.overdue = overdue_kinds(t, now)
        out.append(t)
    return out


def ticket_stats_by_unit(*, member, zone, as_of: dt.date | None = None) -> list[dict]:
    """Per unit: received, resolved (办结 or 销号), resolution rate, overdue now, average days to resolve."""
    now = timezone.now() if as_of is None else timezone.make_aware(dt.datetime.combine(as_of, dt.time(23, 59)))
    stats: dict[int, dict] = {}
    for t in ticket_list(member=member, zone=zone):
        if as_of is not None and timezone.localtime(t.assigned_at).date() > as_of:
            continue
        s = stats.setdefault(t.assignee_unit_id, {"unit": t.assignee_unit.name, "unit_id": t.assignee_unit_id,
                                                  "received": 0, "resolved": 0, "overdue": 0, "days": []})
        s["received"] += 1
        done = t.resolved_at is not None and (as_of is None or timezone.localtime(t.resolved_at).date() <= as_of)
        if done:
            s["resolved"] += 1
            s["days"].append((t.resolved_at - t.assigned_at).total_seconds() / 86400)
        elif overdue_kinds(t, now):
            s["overdue"] += 1
    out = []
    for s in sorted(stats.values(), key=lambda x: -x["received"]):
        days = s.pop("days")
        s["resolution_rate"] = s["resolved"] / s["received"] if s["received"] else None
        s["avg_days"] = sum(days) / len(days) if days else None
        out.append(s)
    return out


def ticket_totals(stats: list[dict]) -> dict:
    received = sum(s["received"] for s in stats)
    resolved = sum(s["resolved"] for s in stats)
    return {"received": received, "resolved": resolved, "overdue": sum(s["overdue"] for s in stats),
            "resolution_rate": resolved / received if received else None}
