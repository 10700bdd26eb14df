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
    if _follows_raised(member):
        qs = qs | Ticket.objects.filter(zone_id=member.zone_id, raised_unit_id=member.unit_id)
    return qs


def followed_ticket(member, pk, *related: str) -> Ticket | None:
    """Ticket ``pk`` when ``member`` may open it (one of ``followed_tickets``), with the ``related`` records, else
    None. The ticket in scope is looked for first, then one the member's unit raised: two plain queries cost less to
    build than the union of the two sets (the ticket page reads this on every view)."""
    # One row by its id: no order (the default order, by zone first, would join the zone table to sort one row).
    qs = (Ticket.objects.select_related(*related) if related else Ticket.objects.all()).order_by()
    ticket = next(iter(qs.restrict(member).filter(pk=pk)[:1]), None)
    if ticket is None and _follows_raised(member):
        ticket = next(iter(qs.filter(zone_id=member.zone_id, raised_unit_id=member.unit_id, pk=pk)[:1]), None)
    return ticket


def follows(member, pk) -> bool:
    """Whether ``member`` may open ticket ``pk`` (``followed_ticket`` is not None), without reading the ticket: a
    step reads it anew in its service, under lock."""
    if Ticket.objects.restrict(member).filter(pk=pk).exists():
        return True
    return _follows_raised(member) and Ticket.objects.filter(zone_id=member.zone_id, raised_unit_id=member.unit_id,
                                                             pk=pk).exists()


def _follows_raised(member) -> bool:
    """Whether the tickets ``member``'s unit raised are theirs to follow (``followed_tickets``)."""
    return member is not None and member.unit_id is not None and member.is_active


def ticket_list(*, member, zone, filters: dict | None = None):
    """The zone's tickets in the member's scope, filtered as ``tickets.filters.TicketFilter`` reads ``filters`` (an
    address's parameters); a malformed one matches nothing."""
    from tuijin.tickets.filters import TicketFilter

    # Newest first, as the default order sorts one zone's tickets (it sorts by zone first, through a join).
    qs = Ticket.objects.restrict(member).filter(zone=zone).select_related("assignee_unit", "project", "key_task") \
        .order_by("-assigned_at")
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
# What the figures by unit count (``ticket_stats_by_unit``) and the overdue check reads.
STAT_FIELDS = ("assignee_unit_id", "assignee_unit__name", "assigned_at", "resolved_at", "state", "ack_due",
               "last_feedback_at", "feedback_due", "deadline")


def inbox_rows(rows, now: dt.datetime | None = None) -> list[SimpleNamespace]:
    """Plain rows (``ticket_list(...).values(*ROW_FIELDS)``, a page of them, or any values with the fields
    ``services.overdue_kinds`` reads) as the inbox shows them, each with ``overdue``."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    out = []
    for row in rows:
        t = SimpleNamespace(**row)
        t.overdue = overdue_kinds(t, now, today)
        out.append(t)
    return out


def inbox_tickets(*, member, zone, now: dt.datetime | None = None) -> tuple[list[SimpleNamespace], list[dict]]:
    """The unfiltered inbox: every ticket of ``ticket_list`` in its order (``inbox_rows``) and the figures by unit
    (``ticket_stats_by_unit``), counted from the same rows. One read for both: the figures read every ticket in scope
    anyway, and the page shows the first of them."""
    now = now or timezone.now()
    fields = dict.fromkeys(ROW_FIELDS + STAT_FIELDS)
    rows = inbox_rows(ticket_list(member=member, zone=zone).select_related(None).values(*fields), now)
    return rows, _stats_by_unit(rows)


def ticket_stats_by_unit(*, member, zone, as_of: dt.date | None = None) -> list[dict]:
    """Per unit: received, resolved (办结 or 销号), resolution rate, overdue now, average days to resolve."""
    now = timezone.now() if as_of is None else timezone.make_aware(dt.datetime.combine(as_of, dt.time(23, 59)))
    # Only the columns counted (plain rows, not Ticket objects with their project and task).
    rows = inbox_rows(ticket_list(member=member, zone=zone).select_related(None).values(*STAT_FIELDS), now)
    return _stats_by_unit(rows, as_of)


def _stats_by_unit(rows: list[SimpleNamespace], as_of: dt.date | None = None) -> list[dict]:
    """``ticket_stats_by_unit`` of ``STAT_FIELDS`` rows as ``inbox_rows`` gives them (overdue at the time counted)."""
    stats: dict[int, dict] = {}
    for t in rows:
        if as_of is not None and timezone.localtime(t.assigned_at).date() > as_of:
            continue
        s = stats.get(t.assignee_unit_id)
        if s is None:
            s = stats[t.assignee_unit_id] = {"unit": t.assignee_unit__name, "unit_id": t.assignee_unit_id,
                                             "received": 0, "resolved": 0, "overdue": 0, "days": []}
        s["received"] += 1
        done = t.resolved_at is not None and (as_of is None or timezone.localtime(t.resolved_at).date() <= as_of)
        if done:
            s["resolved"] += 1
            s["days"].append((t.resolved_at - t.assigned_at).total_seconds() / 86400)
        elif t.overdue:
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
