"""The one ticket loop: 交办 (assign) → 签收 (acknowledge) → 办理 (feedback) → 办结 (resolve) → 销号 (close),
or sent back (reopen). Every step is kept as a TicketEvent."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.core.context import current_actor
from tuijin.core.scope import ensure_can_change, require_writer
from tuijin.tickets.models import Ticket, TicketEvent

ACK_HOURS = 24  # acknowledge within a working day
FEEDBACK_DAYS = 3  # first progress feedback within three days
S, A = Ticket.State, TicketEvent.Action


def _event(ticket: Ticket, action: str, note: str = "", attachment=None) -> TicketEvent:
    actor = current_actor()
    event = TicketEvent(zone=ticket.zone, ticket=ticket, action=action, by_id=actor.user_id,
                        by_name=actor.username, note=note)
    if attachment is not None:
        event.attachment = attachment
    event.save()
    return event


def _is_raiser(member, ticket: Ticket) -> bool:
    if member.is_office:
        return True
    return ticket.raised_by_id is not None and ticket.raised_by_id == getattr(member.user, "pk", None) \
        or (ticket.raised_unit_id is not None and ticket.raised_unit_id == member.unit_id)


def _can_handle(member, ticket: Ticket) -> None:
    ensure_can_change(member, ticket)


@transaction.atomic
def ticket_raise(*, member, zone, title: str, assignee_unit, deadline: dt.date | None = None, description: str = "",
                 source: str = Ticket.Source.MANUAL, project=None, key_task=None, enterprise: str = "",
                 sponsor: str = "") -> Ticket:
    """Raise a problem and assign it (交办) to a unit with a deadline."""
    if not title.strip():
        raise ValidationError({"title": _("Give the ticket a title.")})
    if assignee_unit is None or assignee_unit.zone_id != zone.pk:
        raise ValidationError({"assignee_unit": _("Assign the ticket to a unit of this zone.")})
    require_writer(member)
    now = timezone.now()
    deadline = deadline or (timezone.localdate() + dt.timedelta(days=15))
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline is in the past.")})
    if project is not None and not sponsor:
        sponsor = project.sponsor
    ticket = Ticket.objects.create(
        zone=zone, source=source, project=project, key_task=key_task, enterprise=enterprise, title=title.strip(),
        description=description, raised_by_id=current_actor().user_id,
        raised_unit=member.unit, assignee_unit=assignee_unit,
        sponsor=sponsor, assigned_at=now, ack_due=now + dt.timedelta(hours=ACK_HOURS),
        feedback_due=now + dt.timedelta(days=FEEDBACK_DAYS), deadline=deadline)
    _event(ticket, A.ASSIGN, _("Assigned to %(unit)s, resolve by %(d)s") % {"unit": assignee_unit.name, "d": deadline})
    return ticket


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


@transaction.atomic
def ticket_acknowledge(*, member, ticket: Ticket) -> Ticket:
    ticket = _lock(ticket)
    _can_handle(member, ticket)
    if ticket.state != S.ASSIGNED:
        raise ValidationError(_("Only an assigned ticket can be acknowledged."))
    ticket.state, ticket.acknowledged_at = S.ACKNOWLEDGED, timezone.now()
    ticket.save()
    _event(ticket, A.ACKNOWLEDGE)
    return ticket


@transaction.atomic
def ticket_feedback(*, member, ticket: Ticket, note: str, attachment=None) -> Ticket:
    """A progress note (with an optional attachment) while handling."""
    ticket = _lock(ticket)
    _can_handle(member, ticket)
    if ticket.state != S.ACKNOWLEDGED:
        raise ValidationError(_("Acknowledge the ticket before handling it."))
    if not note.strip():
        raise ValidationError({"note": _("Write what was done.")})
    ticket.last_feedback_at = timezone.now()
    ticket.save()
    _event(ticket, A.FEEDBACK, note.strip(), attachment)
    return ticket


@transaction.atomic
def ticket_resolve(*, member, ticket: Ticket, resolution: str) -> Ticket:
    ticket = _lock(ticket)
    _can_handle(member, ticket)
    if ticket.state != S.ACKNOWLEDGED:
        raise ValidationError(_("Only an acknowledged ticket can be resolved."))
    if not resolution.strip():
        raise ValidationError({"resolution": _("Write the result.")})
    ticket.state, ticket.resolution, ticket.resolved_at = S.RESOLVED, resolution.strip(), timezone.now()
    ticket.save()
    _event(ticket, A.RESOLVE, resolution.strip())
    return ticket


@transaction.atomic
def ticket_close(*, member, ticket: Ticket, note: str = "") -> Ticket:
    """Whoever raised it checks the result and closes it (销号)."""
    ticket = _lock(ticket)
    if not _is_raiser(member, ticket):
        raise PermissionDenied(_("Only whoever raised the ticket (or the office) can close it."))
    if ticket.state != S.RESOLVED:
        raise ValidationError(_("Only a resolved ticket can be closed."))
    ticket.state, ticket.closed_at = S.CLOSED, timezone.now()
    ticket.save()
    _event(ticket, A.CLOSE, note)
    return ticket


@transaction.atomic
def ticket_reopen(*, member, ticket: Ticket, reason: str) -> Ticket:
    """Send a resolved ticket back to the unit (not satisfied with the result)."""
    ticket = _lock(ticket)
    if not _is_raiser(member, ticket):
        raise PermissionDenied(_("Only whoever raised the ticket (or the office) can send it back."))
    if ticket.state != S.RESOLVED:
        raise ValidationError(_("Only a resolved ticket can be sent back."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the ticket is sent back.")})
    ticket.state, ticket.resolved_at = S.ACKNOWLEDGED, None
    ticket.reopen_count += 1
    ticket.save()
    _event(ticket, A.REOPEN, reason.strip())
    return ticket


def overdue_kinds(ticket: Ticket, now: dt.datetime) -> list[str]:
    """Which promises are broken: acknowledge, first feedback, resolve."""
    kinds = []
    if ticket.state == S.ASSIGNED and now > ticket.ack_due:
        kinds.append("ack")
    if ticket.state == S.ACKNOWLEDGED and ticket.last_feedback_at is None and now > ticket.feedback_due:
        kinds.append("feedback")
    if ticket.state in (S.ASSIGNED, S.ACKNOWLEDGED) and timezone.localtime(now).date() > ticket.deadline:
        kinds.append("resolve")
    return kinds


@transaction.atomic
def tickets_escalate(*, zone, now: dt.datetime | None = None) -> int:
    """Escalate every overdue, not yet escalated ticket to its sponsor leader (包挂领导)."""
    now = now or timezone.now()
    n = 0
    for t in Ticket.objects.select_for_update().filter(zone=zone, state__in=[S.ASSIGNED, S.ACKNOWLEDGED],
                                                       escalated_at__isnull=True):
        kinds = overdue_kinds(t, now)
        if kinds:
            t.escalated_at = now
            t.save()
            words = {"ack": "逾期未签收", "feedback": "逾期未反馈", "resolve": "逾期未办结"}
            _event(t, A.ESCALATE, f"{'、'.join(words[k] for k in kinds)},已提请{t.sponsor or '分管领导'}督办")
            n += 1
    return n
