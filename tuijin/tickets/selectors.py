from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

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
    """The zone's tickets in the member's scope, filtered as ``tickets.filters.TicketFilter`` reads ``filters`` (an
    address's parameters); a malformed one matches nothing."""
    from tuijin.tickets.filters import TicketFilter

    qs = Ticket.objects.restrict(member).filter(zone=zone).select_related("assignee_unit", "project", "key_task")
    return TicketFilter(filters or {}, queryset=qs).qs_or_none() if filters else qs


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
    # Only the columns counted (plain rows, not Ticket objects with their project and task): the inbox reads this on
    # every view.
    fields = ("assignee_unit_id", "assignee_unit__name", "assigned_at", "resolved_at", "state", "ack_due",
              "last_feedback_at", "feedback_due", "deadline")
    for row in ticket_list(member=member, zone=zone).select_related(None).values(*fields):
        t = SimpleNamespace(**row)
        if as_of is not None and timezone.localtime(t.assigned_at).date() > as_of:
            continue
        s = stats.setdefault(t.assignee_unit_id, {"unit": t.assignee_unit__name, "unit_id": t.assignee_unit_id,
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
