"""The one ticket loop: 交办 (assign) → 签收 (acknowledge) → 办理 (feedback) → 办结 (resolve) → 销号 (close),
or sent back (reopen). Every step is kept as a TicketEvent."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuijin.core.context import current_actor
from tuijin.core.params import parse_id
from tuijin.core.scope import CHANGE, VIEW, can, require_writer
from tuijin.core.validators import DATE_MAX, check_date, clean_name, clean_text
from tuijin.tickets.models import Ticket, TicketEvent

DESCRIPTION_MAX = 5000  # a ticket's description and result
NOTE_MAX = 2000  # the note of a step (acknowledge, feedback, close) and the reason a ticket is sent back
ACK_HOURS = 24  # acknowledge within a working day
FEEDBACK_DAYS = 3  # first progress feedback within three days
S, A = Ticket.State, TicketEvent.Action

# Attachments of a step: office documents, PDF, images and zip archives up to 20 MB, checked by name and content.
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word/Excel/PowerPoint 97—2003, WPS
_ZIP = b"PK\x03\x04"  # .docx/.xlsx/.pptx/.odt … are zip packages too
ATTACHMENT_TYPES: dict[str, tuple[bytes, ...] | None] = {
    "doc": (_OLE,), "xls": (_OLE,), "ppt": (_OLE,), "wps": (_OLE,), "et": (_OLE,), "dps": (_OLE,),
    "docx": (_ZIP,), "xlsx": (_ZIP,), "pptx": (_ZIP,), "odt": (_ZIP,), "ods": (_ZIP,), "odp": (_ZIP,),
    "ofd": (_ZIP,), "zip": (_ZIP, b"PK\x05\x06"), "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",),
    "gif": (b"GIF87a", b"GIF89a"), "bmp": (b"BM",), "webp": (b"RIFF",), "tif": (b"II*\x00", b"MM\x00*"),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "txt": None, "csv": None,  # plain text: no binary content
}


def check_attachment(attachment) -> None:
    """Refuse an attachment that is too big or not an office document, PDF, image or zip (by name and content)."""
    if attachment is None:
        return
    name = attachment.name.replace("\\", "/").rsplit("/", 1)[-1]
    if attachment.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"attachment": _("The attachment 「%(name)s」 is too big (%(size).1f MB): at most "
                                               "20 MB.") % {"name": name, "size": attachment.size / 1024 / 1024}})
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    refused = ValidationError({"attachment": _("The attachment 「%(name)s」 is not allowed: upload office documents "
                                               "(Word, Excel, PowerPoint, WPS), PDF, images or zip archives.") % {
        "name": name}})
    if ext not in ATTACHMENT_TYPES:
        raise refused
    attachment.seek(0)
    head = attachment.read(4096)
    attachment.seek(0)
    signatures = ATTACHMENT_TYPES[ext]
    if not head:
        raise ValidationError({"attachment": _("The attachment 「%(name)s」 is empty.") % {"name": name}})
    if (signatures is None and b"\x00" in head) or (signatures is not None and not head.startswith(signatures)):
        raise refused  # the content is not what the name says (e.g. a program renamed to .pdf)


def _event(ticket: Ticket, action: str, note: str = "", attachment=None) -> TicketEvent:
    actor = current_actor()
    # The zone by its id: the ticket's zone need not be read to record a step.
    event = TicketEvent(zone_id=ticket.zone_id, ticket=ticket, action=action, by_id=actor.user_id,
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


# Each step: who takes it (the handling unit, or whoever raised the ticket) and in which state.
HANDLER, RAISER = "handler", "raiser"
STEPS: dict[str, tuple[str, frozenset, object]] = {
    A.ACKNOWLEDGE: (HANDLER, frozenset({S.ASSIGNED}), gettext_lazy("Only an assigned ticket can be acknowledged.")),
    A.FEEDBACK: (HANDLER, frozenset({S.ACKNOWLEDGED}), gettext_lazy("Acknowledge the ticket before handling it.")),
    A.RESOLVE: (HANDLER, frozenset({S.ACKNOWLEDGED}), gettext_lazy("Only an acknowledged ticket can be resolved.")),
    A.CLOSE: (RAISER, frozenset({S.RESOLVED}), gettext_lazy("Only a resolved ticket can be closed.")),
    A.REOPEN: (RAISER, frozenset({S.RESOLVED}), gettext_lazy("Only a resolved ticket can be sent back.")),
    A.RATE: (RAISER, frozenset({S.CLOSED}), gettext_lazy("The enterprise rates a request after it is closed (销号).")),
}
STEP_ORDER = [A.ACKNOWLEDGE, A.FEEDBACK, A.RESOLVE, A.CLOSE, A.REOPEN]


def _refusal(member, ticket: Ticket, action: str, roles: dict | None = None) -> Exception | None:
    """Why ``member`` may not take ``action`` on ``ticket`` now (None: they may)."""
    if action not in STEPS:
        return ValidationError(_("Unknown action."))
    if member is None or not member.can_change:
        return PermissionDenied(_("Leaders read; changes are made by the office and unit staff."))
    who, states, wrong_state = STEPS[action]
    roles = roles if roles is not None else {}
    if who not in roles:
        roles[who] = can(member, ticket, CHANGE) if who == HANDLER else _is_raiser(member, ticket)
    if not roles[who]:
        if who == HANDLER:
            return PermissionDenied(_("You may not change this record: it is outside your data scope."))
        return PermissionDenied(_("Only whoever raised the ticket (or the office) can close it or send it back."))
    if ticket.state not in states:
        return ValidationError(str(wrong_state))
    return None


def ticket_actions(member, ticket: Ticket) -> list[str]:
    """The steps ``member`` may take on ``ticket`` now, in order. The ticket page shows exactly these, and every
    step service refuses any other (both ask this one function)."""
    roles: dict = {}
    return [a for a in STEP_ORDER if _refusal(member, ticket, a, roles) is None]


def _require(member, ticket: Ticket, action: str) -> None:
    problem = _refusal(member, ticket, action)
    if problem is not None:
        raise problem


def _in_zone_and_scope(member, obj, zone, field: str, message: str) -> None:
    """A record a ticket refers to: of the ticket's zone and visible to whoever raises it."""
    if obj is None:
        return
    if obj.zone_id != zone.pk or not can(member, obj, VIEW):
        raise ValidationError({field: message})


@transaction.atomic
def ticket_raise(*, member, zone, title: str, assignee_unit, deadline: dt.date | None = None, description: str = "",
                 source: str = Ticket.Source.MANUAL, project=None, key_task=None, enterprise: str = "",
                 sponsor: str = "", enterprise_record=None) -> Ticket:
    """Raise a problem and assign it (交办) to a unit of the zone with a deadline. The project, key task and
    enterprise of the register it concerns must be of the zone and within the data scope of whoever raises it; the
    ticket's enterprise name is then the register's."""
    require_writer(member)
    from tuijin.org.services import ensure_zone

    ensure_zone(member, zone)
    if not str(title or "").strip():
        raise ValidationError({"title": _("Give the ticket a title.")})
    title = clean_name(title, field="title", label=_label("title"), max_length=200)
    description = clean_text(description, field="description", label=_label("description"),
                             max_length=DESCRIPTION_MAX)
    enterprise = clean_name(enterprise, field="enterprise", label=_label("enterprise"), max_length=200, required=False)
    sponsor = clean_name(sponsor, field="sponsor", label=_label("sponsor"), max_length=50, required=False)
    if assignee_unit is None or assignee_unit.zone_id != zone.pk:
        raise ValidationError({"assignee_unit": _("Assign the ticket to a unit of this zone.")})
    if source not in Ticket.Source.values:
        raise ValidationError({"source": _("Unknown source.")})
    _in_zone_and_scope(member, project, zone, "project", _("No such project, or it is outside your data scope."))
    _in_zone_and_scope(member, key_task, zone, "key_task", _("No such key task, or it is outside your data scope."))
    _in_zone_and_scope(member, enterprise_record, zone, "enterprise_record",
                       _("No such enterprise, or it is outside your data scope."))
    if enterprise_record is not None:
        enterprise = enterprise_record.name
    now = timezone.now()
    today = timezone.localdate()
    deadline = check_date(deadline, field="deadline", label=_label("deadline"), lo=dt.date.min, hi=dt.date.max) \
        or (today + dt.timedelta(days=15))
    if deadline < today:
        raise ValidationError({"deadline": _("The deadline is in the past.")})
    check_date(deadline, field="deadline", label=_label("deadline"), lo=today, hi=DATE_MAX)
    if project is not None and not sponsor:
        sponsor = project.sponsor
    if key_task is not None and not sponsor and key_task.sponsor_id:
        sponsor = str(key_task.sponsor)[:50]
    ticket = Ticket.objects.create(
        zone=zone, source=source, project=project, key_task=key_task, enterprise=enterprise,
        enterprise_record=enterprise_record, title=title,
        description=description, raised_by_id=current_actor().user_id,
        raised_unit=member.unit, assignee_unit=assignee_unit,
        sponsor=sponsor, assigned_at=now, ack_due=now + dt.timedelta(hours=ACK_HOURS),
        feedback_due=now + dt.timedelta(days=FEEDBACK_DAYS), deadline=deadline)
    _event(ticket, A.ASSIGN, _("Assigned to %(unit)s, resolve by %(d)s") % {"unit": assignee_unit.name, "d": deadline})
    return ticket


def _label(name: str) -> str:
    return str(Ticket._meta.get_field(name).verbose_name)


def _note(text, field: str = "note", max_length: int = NOTE_MAX) -> str:
    label = _label("resolution") if field == "resolution" else _("reason") if field == "reason" else _("note")
    return clean_text(text, field=field, label=label, max_length=max_length)


def _lock(ticket: Ticket | int) -> Ticket:
    """The ticket (or the ticket of that id) as stored, held until the step commits. With its handling unit, which
    the scope check of a change reads (``core.scope.can``): in the same query, rather than one more."""
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    return Ticket.objects.select_for_update(of=("self",)).select_related("assignee_unit").get(pk=pk)


@transaction.atomic
def ticket_acknowledge(*, member, ticket: Ticket | int, note: str = "", attachment=None) -> Ticket:
    """The unit signs for the ticket (签收), with an optional note and attachment."""
    ticket = _lock(ticket)
    _require(member, ticket, A.ACKNOWLEDGE)
    note = _note(note)
    check_attachment(attachment)
    ticket.state, ticket.acknowledged_at = S.ACKNOWLEDGED, timezone.now()
    ticket.save()
    _event(ticket, A.ACKNOWLEDGE, note, attachment)
    return ticket


@transaction.atomic
def ticket_feedback(*, member, ticket: Ticket | int, note: str, attachment=None) -> Ticket:
    """A progress note (with an optional attachment) while handling."""
    ticket = _lock(ticket)
    _require(member, ticket, A.FEEDBACK)
    note = _note(note)
    if not note:
        raise ValidationError({"note": _("Write what was done.")})
    check_attachment(attachment)
    ticket.last_feedback_at = timezone.now()
    # The one column the step changes (and the time of the change): the others are as just read under lock.
    ticket.save(update_fields=["last_feedback_at", "updated"])
    _event(ticket, A.FEEDBACK, note, attachment)
    return ticket


@transaction.atomic
def ticket_resolve(*, member, ticket: Ticket | int, resolution: str, attachment=None) -> Ticket:
    """The unit reports the result (办结), with an optional attachment (the reply, a licence …)."""
    ticket = _lock(ticket)
    _require(member, ticket, A.RESOLVE)
    resolution = _note(resolution, "resolution", DESCRIPTION_MAX)
    if not resolution:
        raise ValidationError({"resolution": _("Write the result.")})
    check_attachment(attachment)
    ticket.state, ticket.resolution, ticket.resolved_at = S.RESOLVED, resolution, timezone.now()
    ticket.save()
    _event(ticket, A.RESOLVE, resolution, attachment)
    return ticket


@transaction.atomic
def ticket_close(*, member, ticket: Ticket | int, note: str = "", attachment=None) -> Ticket:
    """Whoever raised it checks the result and closes it (销号)."""
    ticket = _lock(ticket)
    _require(member, ticket, A.CLOSE)
    note = _note(note)
    check_attachment(attachment)
    ticket.state, ticket.closed_at = S.CLOSED, timezone.now()
    ticket.save()
    _event(ticket, A.CLOSE, note, attachment)
    return ticket


@transaction.atomic
def ticket_reopen(*, member, ticket: Ticket | int, reason: str, attachment=None) -> Ticket:
    """Send a resolved ticket back to the unit (not satisfied with the result)."""
    ticket = _lock(ticket)
    _require(member, ticket, A.REOPEN)
    reason = _note(reason, "reason")
    if not reason:
        raise ValidationError({"reason": _("Say why the ticket is sent back.")})
    check_attachment(attachment)
    ticket.state, ticket.resolved_at = S.ACKNOWLEDGED, None
    ticket.reopen_count += 1
    ticket.save()
    _event(ticket, A.REOPEN, reason, attachment)
    return ticket


RATINGS = frozenset(Ticket.Satisfaction.values)


def can_rate(member, ticket: Ticket) -> bool:
    """Whether ``member`` may record the enterprise's rating of ``ticket`` now (the page shows the form only then)."""
    return bool(ticket.enterprise or ticket.enterprise_record_id) and _refusal(member, ticket, A.RATE) is None \
        and ticket.rated_at is None


@transaction.atomic
def ticket_rate(*, member, ticket: Ticket | int, satisfaction: str, comment: str = "") -> Ticket:
    """Record the enterprise's rating of its closed request (满意/基本满意/不满意, with a comment), taken by whoever
    raised the request (or the office). 不满意 sends the ticket back to the handling unit for review through the
    loop's own reopening: it is handled again, resolved, closed and rated anew."""
    ticket = _lock(ticket)
    if not (ticket.enterprise or ticket.enterprise_record_id):
        raise ValidationError({"satisfaction": _("Only a request of an enterprise is rated.")})
    _require(member, ticket, A.RATE)
    if ticket.rated_at is not None:
        raise ValidationError({"satisfaction": _("The enterprise has already rated this request.")})
    if satisfaction not in RATINGS:
        raise ValidationError({"satisfaction": _("Choose 满意, 基本满意 or 不满意.")})
    comment = clean_text(comment, field="comment", label=_("comment"), max_length=NOTE_MAX)
    if satisfaction == Ticket.Satisfaction.DISSATISFIED and not comment:
        raise ValidationError({"comment": _("Say what the enterprise is not satisfied with.")})
    now = timezone.now()
    ticket.satisfaction, ticket.satisfaction_comment, ticket.rated_at = satisfaction, comment, now
    label = Ticket.Satisfaction(satisfaction).label
    _event(ticket, A.RATE, f"{label}{':' + comment if comment else ''}")
    if satisfaction == Ticket.Satisfaction.DISSATISFIED:
        ticket.state, ticket.resolved_at, ticket.closed_at = S.ACKNOWLEDGED, None, None
        ticket.reopen_count += 1
        ticket.rated_at = None  # rated again once handled again
        _event(ticket, A.REOPEN, _("The enterprise is not satisfied: sent back for review. %(c)s") % {"c": comment})
    ticket.save()
    return ticket


def ticket_step(*, member, ticket: Ticket | int, action: str, note: str = "", attachment=None) -> Ticket:
    """One step by its name (the page and the API): acknowledge, feedback, resolve, close or reopen. Each step takes
    the ticket or its id, and reads it anew under lock."""
    if action == A.ACKNOWLEDGE:
        return ticket_acknowledge(member=member, ticket=ticket, note=note, attachment=attachment)
    if action == A.FEEDBACK:
        return ticket_feedback(member=member, ticket=ticket, note=note, attachment=attachment)
    if action == A.RESOLVE:
        return ticket_resolve(member=member, ticket=ticket, resolution=note, attachment=attachment)
    if action == A.CLOSE:
        return ticket_close(member=member, ticket=ticket, note=note, attachment=attachment)
    if action == A.REOPEN:
        return ticket_reopen(member=member, ticket=ticket, reason=note, attachment=attachment)
    raise ValidationError({"action": _("Unknown action.")})


BULK_ACTIONS = (A.ACKNOWLEDGE, A.CLOSE)  # the steps people take on many tickets at once (签收, 销号)
BULK_MAX = 200


def tickets_step(*, member, zone, ids, action: str, note: str = "") -> tuple[list[Ticket], dict[int, str]]:
    """The same step on several tickets (签收 or 销号 of a list): each one through ``ticket_step``, in a transaction
    of its own, so a ticket the member may not take the step on is refused by name and the others go through.
    Returns the tickets stepped and, for the others, why not (ids outside the zone or scope: "not found")."""
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": _("Only acknowledging and closing can be done for several tickets.")})
    parsed = [parse_id(i) for i in ids]
    if None in parsed:  # not a ticket id at all (text, "²", a 25-digit number that no column holds)
        raise ValidationError({"ids": _("Choose tickets from the list.")})
    ids = sorted(set(parsed))
    if not ids or len(ids) > BULK_MAX:
        raise ValidationError({"ids": _("Choose between 1 and %(n)s tickets.") % {"n": BULK_MAX}})
    found = {t.pk: t for t in Ticket.objects.restrict(member).filter(zone=zone, pk__in=ids)}
    done, refused = [], {}
    for pk in ids:
        ticket = found.get(pk)
        if ticket is None:
            refused[pk] = _("No such ticket, or it is outside your data scope.")
            continue
        try:
            done.append(ticket_step(member=member, ticket=ticket, action=action, note=note))
        except (ValidationError, PermissionDenied) as exc:
            refused[pk] = f"{ticket.title}:{' '.join(getattr(exc, 'messages', [str(exc)]))}"
    return done, refused


def overdue_kinds(ticket: Ticket, now: dt.datetime, today: dt.date | None = None) -> list[str]:
    """Which promises are broken: acknowledge, first feedback, resolve. ``today``: ``now``'s local date, when the
    caller checks many tickets at the same time."""
    kinds = []
    if ticket.state == S.ASSIGNED and now > ticket.ack_due:
        kinds.append("ack")
    if ticket.state == S.ACKNOWLEDGED and ticket.last_feedback_at is None and now > ticket.feedback_due:
        kinds.append("feedback")
    if ticket.state in (S.ASSIGNED, S.ACKNOWLEDGED) and (today or timezone.localtime(now).date()) > ticket.deadline:
        kinds.append("resolve")
    return kinds


@transaction.atomic
def escalation_leader(ticket: Ticket):
    """The member an overdue ticket goes to: the sponsor leader (包挂领导) of its project, else the responsible leader
    of its key task; None when neither names a member (the ticket's sponsor text, or 分管领导, is then named)."""
    if ticket.project_id and ticket.project.sponsor_member_id:
        return ticket.project.sponsor_member
    if ticket.key_task_id and ticket.key_task.sponsor_id:
        return ticket.key_task.sponsor
    return None


def tickets_escalate(*, zone, now: dt.datetime | None = None) -> int:
    """Escalate every overdue, not yet escalated ticket to its sponsor leader (包挂领导): the member the project (or key
    task) names, whose 我包挂的项目 then counts it (``escalation_leader``)."""
    now = now or timezone.now()
    n = 0
    for t in Ticket.objects.select_for_update(of=("self",)).filter(
            zone=zone, state__in=[S.ASSIGNED, S.ACKNOWLEDGED], escalated_at__isnull=True).select_related(
            "project__sponsor_member", "key_task__sponsor"):
        kinds = overdue_kinds(t, now)
        if kinds:
            t.escalated_at = now
            leader = escalation_leader(t)
            if leader is not None:
                t.sponsor = str(leader)[:50]
            t.save()
            words = {"ack": "逾期未签收", "feedback": "逾期未反馈", "resolve": "逾期未办结"}
            _event(t, A.ESCALATE, f"{'、'.join(words[k] for k in kinds)},已提请{t.sponsor or '分管领导'}督办")
            n += 1
    return n
