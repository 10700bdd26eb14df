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


def followed_ticket(member, pk, *related: str) -> Ticket | None:
    """Ticket ``pk`` when ``member`` may open it (one of ``followed_tickets``), with the ``related`` records, else
    None. The ticket in scope is looked for first, then one the member's unit raised: two plain queries cost less to
    build than the union of the two sets (the ticket page reads this on every view)."""
    qs = Ticket.objects.select_related(*related) if related else Ticket.objects.all()
    ticket = qs.restrict(member).filter(pk=pk).first()
    if ticket is None and member is not None and member.unit_id is not None and member.is_active:
        ticket = qs.filter(zone_id=member.zone_id, raised_unit_id=member.unit_id, pk=pk).first()
    return ticket


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


# What a row of the inbox shows and the overdue check reads: plain values, not Ticket objects with their project and
# key task (the inbox reads a page of them on every view).
ROW_FIELDS = ("pk", "title", "source", "state", "deadline", "assignee_unit__name", "ack_due", "feedback_due",
              "last_feedback_at")


def inbox_rows(rows, now: dt.datetime | None = None) -> list[SimpleNamespace]:
    """``ROW_FIELDS`` rows (``ticket_list(...).values(*ROW_FIELDS)``, or a page of them) as the inbox shows them,
    each with ``overdue`` (``services.overdue_kinds``)."""
    now = now or timezone.now()
    out = []
    for row in rows:
        t = SimpleNamespace(**row)
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


def enterprise_service_stats_by_unit(zone, year: int, member=None) -> list[dict]:
    """工业服务年, per handling unit: the enterprises' requests (tickets of source 企业诉求) assigned in ``year``.

    Each row: ``unit_id``, ``unit``, ``received``, ``resolved`` (办结 or 销号), ``on_time`` (resolved by the
    deadline), ``rated``, ``satisfied`` (满意), ``fairly`` (基本满意), ``dissatisfied`` (不满意, the request sent back
    for review), and the rates ``resolution_rate`` = resolved ÷ received, ``on_time_rate`` = on time ÷ received,
    ``satisfaction_rate`` = (满意 + 基本满意) ÷ rated (None where the denominator is 0). Units without requests are
    left out. ``member`` narrows to a member's data scope; by default the whole zone (the assessment reads it as
    the system). Rows are ordered by requests received, then unit order.
    """
    from tuijin.core.scope import SYSTEM

    qs = Ticket.objects.restrict(member if member is not None else SYSTEM).filter(
        zone=zone, source=Ticket.Source.ENTERPRISE, assigned_at__year=year)
    rows: dict[int, dict] = {}
    fields = ("assignee_unit_id", "assignee_unit__name", "assignee_unit__sort_order", "resolved_at", "deadline",
              "satisfaction")
    for t in qs.values(*fields):
        s = rows.setdefault(t["assignee_unit_id"], {
            "unit_id": t["assignee_unit_id"], "unit": t["assignee_unit__name"],
            "order": t["assignee_unit__sort_order"], "received": 0, "resolved": 0, "on_time": 0, "rated": 0,
            "satisfied": 0, "fairly": 0, "dissatisfied": 0})
        s["received"] += 1
        if t["resolved_at"] is not None:
            s["resolved"] += 1
            if timezone.localtime(t["resolved_at"]).date() <= t["deadline"]:
                s["on_time"] += 1
        if t["satisfaction"]:
            s["rated"] += 1
            s[t["satisfaction"]] += 1  # satisfied, fairly or dissatisfied
    out = []
    for s in sorted(rows.values(), key=lambda x: (-x["received"], x["order"], x["unit"])):
        del s["order"]
        n = s["received"]
        s["resolution_rate"] = s["resolved"] / n if n else None
        s["on_time_rate"] = s["on_time"] / n if n else None
        s["satisfaction_rate"] = (s["satisfied"] + s["fairly"]) / s["rated"] if s["rated"] else None
        out.append(s)
    return out
