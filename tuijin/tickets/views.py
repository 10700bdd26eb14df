from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from tuijin.campaigns.models import KeyTask
from tuijin.core.cache import Rows, fragment_key, table_version
from tuijin.core.display import choice_labels, link_for_ids
from tuijin.core.downloads import wants_xlsx, xlsx_response
from tuijin.core.params import parse_id, warn_invalid
from tuijin.org.models import Unit
from tuijin.projects.models import Project, ProjectProgress
from tuijin.sheets.tabular import Column
from tuijin.tickets import routing, selectors, services
from tuijin.tickets.filters import TicketFilter
from tuijin.tickets.forms import RateForm, TicketForm
from tuijin.tickets.models import Ticket, TicketEvent


def _form(request, *args, **kwargs) -> TicketForm:
    return TicketForm(*args, member=request.member, zone=request.zone, search_url=reverse("projects:search"),
                      enterprise_search_url=reverse("enterprises:search"), **kwargs)


def inbox(request):
    """The tickets of the member's units, with what is overdue; 签收 or 销号 of the ones ticked."""
    if request.method == "POST":
        try:
            done, refused = services.tickets_step(member=request.member, zone=request.zone,
                                                  ids=request.POST.getlist("ids"), action=request.POST.get("action"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if done:
                messages.success(request, _("%(n)s tickets done.") % {"n": len(done)})
            for reason in refused.values():
                messages.error(request, reason)
        back = request.POST.get("next", "")
        return redirect(reverse("tickets:inbox") + (f"?{back}" if back and "\n" not in back else ""))
    filters = {k: request.GET.get(k, "") for k in ("state", "unit", "source", "open", "task", "project", "q", "overdue")
               if request.GET.get(k)}
    if filters:  # a malformed filter: an empty list, and why (no filter: nothing to check)
        warn_invalid(request, TicketFilter(filters))
    if wants_xlsx(request):
        return _inbox_xlsx(request, selectors.ticket_list(member=request.member, zone=request.zone, filters=filters))
    if filters:
        qs = selectors.ticket_list(member=request.member, zone=request.zone, filters=filters)
        stats = selectors.ticket_stats_by_unit(member=request.member, zone=request.zone)
        paginator = Paginator(qs.select_related(None).values(*selectors.ROW_FIELDS), 30)
    else:  # the page's rows are the first of those the figures by unit count: read once
        rows, stats = selectors.inbox_tickets(member=request.member, zone=request.zone)
        paginator = Paginator(rows, 30)
    page = paginator.get_page(request.GET.get("page"))
    if filters:
        page.object_list = selectors.inbox_rows(page.object_list)
    # The list and the figures are kept rendered by what they show (the rows' values, the page, the figures): a
    # write that changes none of it (a progress note) or a new view keeps them, any change of them draws them anew.
    shown = [(t.pk, t.title, t.source, t.state, t.deadline, t.assignee_unit__name, t.overdue)
             for t in page.object_list]
    list_key = fragment_key(request, shown, page.number, paginator.num_pages, stats)
    # The filters' units, read only when their fragment is drawn: kept by the version of the zone's units.
    filters_key = fragment_key(request, table_version(Rows(Unit, zone=request.zone.pk)))
    chosen = filters.get("unit", "")
    return render(request, "tickets/inbox.html", {
        "page": SimpleLazyObject(lambda: _inbox_page(page)), "stats": stats, "filters": filters,
        "states": Ticket.State.choices, "query": request.GET.urlencode(), "totals": selectors.ticket_totals(stats),
        "units": SimpleLazyObject(lambda: [
            (pk, name, str(pk) == chosen) for pk, name in Unit.objects.restrict(request.member)
            .filter(zone=request.zone).order_by("sort_order", "id").values_list("pk", "name")]),
        "list_key": list_key, "filters_key": filters_key})


def _inbox_page(page):
    """What each row shows, worked out once per page (labels, addresses, words) rather than per row in the template;
    only when the list is drawn."""
    sources, states = choice_labels(Ticket.Source.choices), choice_labels(Ticket.State.choices)
    words = _overdue_words()
    link = link_for_ids("tickets:detail")
    for t in page.object_list:
        t.url, t.source_label, t.state_label = link(t.pk), sources.get(t.source, t.source), states.get(t.state, t.state)
        t.overdue_text = "".join(words.get(k, words["resolve"]) + " " for k in t.overdue)
        t.deadline_text = t.deadline.isoformat()  # as |date:"Y-m-d"
    return page


def _overdue_words() -> dict[str, str]:
    return {"ack": _("not acknowledged"), "feedback": _("no feedback"), "resolve": _("not resolved")}


def _inbox_xlsx(request, qs):
    """The tickets as filtered on the page, every one (not only the page shown)."""
    columns = [Column("督办事项", "title", width=40), Column("来源", "source", width=10),
               Column("承办单位", "unit", width=18), Column("状态", "state", width=10),
               Column("办结期限", "deadline", "date", width=12), Column("逾期", "overdue", width=18),
               Column("关联项目", "project", width=30), Column("企业", "enterprise", width=24)]
    words = {"ack": "逾期未签收", "feedback": "逾期未反馈", "resolve": "逾期未办结"}
    rows = ({"title": t.title, "source": t.get_source_display(), "unit": t.assignee_unit.name,
             "state": t.get_state_display(), "deadline": t.deadline,
             "overdue": "、".join(words.get(k, k) for k in t.overdue),
             "project": t.project.name if t.project_id else "", "enterprise": t.enterprise}
            for t in selectors.with_overdue(qs.order_by("-pk")[:20000]))
    return xlsx_response(columns, rows, title="督办事项", zone=request.zone)


def _scoped(model, request, key: str):
    """The record named by ``?key=<id>``, only when it is of this zone and within the member's data scope."""
    pk = parse_id(request.GET.get(key))
    return model.objects.restrict(request.member).filter(pk=pk, zone=request.zone).first() if pk else None


def _initial(request) -> dict:
    """What the form starts with when opened from a project, a progress report's problems or a key task."""
    from tuijin.projects.selectors import lag_map

    today = timezone.localdate()
    initial = {"deadline": today + dt.timedelta(days=15), "source": Ticket.Source.MANUAL}
    project = _scoped(Project, request, "project")
    progress = _scoped(ProjectProgress, request, "progress")
    task = _scoped(KeyTask, request, "task")
    enterprise = _scoped(Ticket._meta.get_field("enterprise_record").related_model, request, "enterprise")
    if enterprise is not None:  # a request (诉求) of an enterprise, from its page
        initial.update(enterprise_record=enterprise.pk, source=Ticket.Source.ENTERPRISE,
                       assignee_unit=enterprise.unit_id)
    if progress is not None and (project is None or progress.project_id == project.pk):
        project = progress.project
    if project is not None:
        text = progress.problems.strip() if progress is not None else ""
        if not text:
            lag = lag_map([project], zone=request.zone).get(project.pk, {})
            text = lag.get("reason", "") if lag.get("lagging") else ""
        initial.update(project=project.pk, source=Ticket.Source.PROJECT, description=text,
                       title=f"{project.name}:{text[:60]}" if progress is not None and text else
                       _("Supervise: %(name)s") % {"name": project.name},
                       assignee_unit=routing.default_assignee(request.zone, text, project=project).pk)
    elif task is not None:
        initial.update(key_task=task.pk, source=Ticket.Source.TASK, assignee_unit=task.lead_unit_id,
                       title=_("Supervise: %(name)s") % {"name": task.title})
    return initial


def new(request):
    """Raise a ticket (交办): the form, filled in from ``?project=``, ``?progress=`` or ``?task=``."""
    if not request.member.can_change:
        raise PermissionDenied(_("Leaders read; changes are made by the office and unit staff."))
    if request.method == "POST":
        form = _form(request, request.POST)
        if form.is_valid():
            try:
                ticket = services.ticket_raise(member=request.member, zone=request.zone, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Ticket assigned."))
                return redirect("tickets:detail", pk=ticket.pk)
    else:
        form = _form(request, initial=_initial(request))
    return render(request, "tickets/new.html", {"form": form})


def suggest_unit(request):
    """The unit a problem text names (住建部门 → 建设局), else the project's own unit: {"value", "text"} or {}."""
    project = _scoped(Project, request, "project")
    unit = routing.default_assignee(request.zone, request.GET.get("text", "")[:2000], project=project)
    return JsonResponse({"value": unit.pk, "text": unit.name} if unit is not None else {})


def _ticket_or_404(request, pk, *related: str) -> Ticket:
    t = selectors.followed_ticket(request.member, pk, *related)
    if t is None:
        raise Http404(_("No such ticket, or it is outside your data scope."))
    return t


def detail(request, pk):
    if request.method == "POST":
        # A step reads the ticket anew in its service, under lock: here only whether the member may open it.
        if not selectors.follows(request.member, pk):
            raise Http404(_("No such ticket, or it is outside your data scope."))
        try:
            if request.POST.get("action") == "rate":
                services.ticket_rate(member=request.member, ticket=pk,
                                     satisfaction=request.POST.get("satisfaction", ""),
                                     comment=request.POST.get("comment", ""))
            else:
                services.ticket_step(member=request.member, ticket=pk, action=request.POST.get("action", ""),
                                     note=request.POST.get("note", ""), attachment=request.FILES.get("attachment"))
            messages.success(request, _("Saved."))
        except (ValidationError, PermissionDenied) as exc:
            for msg in getattr(exc, "messages", [str(exc)]):
                messages.error(request, msg)
        return redirect("tickets:detail", pk=pk)
    # The page shows the unit (the project and key task, read when there are any, cost more to join than to read
    # alone).
    ticket = _ticket_or_404(request, pk, "assignee_unit")
    ticket.overdue = services.overdue_kinds(ticket, timezone.now())
    actions = services.ticket_actions(request.member, ticket)
    rate_form = RateForm() if services.can_rate(request.member, ticket) else None
    # The ticket's card is kept rendered by what it shows: a progress note (the step taken most) leaves it as it was.
    card_key = fragment_key(request, _card(ticket))
    # The steps (a ticket gathers many) are kept rendered until one is added or changed: read only on a miss.
    events_key = fragment_key(request, table_version(Rows(TicketEvent, ticket=ticket.pk)))
    return render(request, "tickets/detail.html", {"ticket": ticket, "actions": actions, "rate_form": rate_form,
                                                   "events": SimpleLazyObject(lambda: _events(ticket)),
                                                   "card_key": card_key, "events_key": events_key})


def _card(ticket) -> tuple:
    """Every value the ticket's card (title, state, overdue, source, unit, dates, texts, rating) shows."""
    t = ticket
    return (t.pk, t.title, t.state, t.escalated_at is not None, t.overdue, t.source,
            (t.project_id, t.project.code) if t.project_id else None,
            (t.key_task_id, str(t.key_task)) if t.key_task_id else None, t.enterprise_record_id, t.enterprise,
            t.assignee_unit.name, t.sponsor, t.deadline, t.description, t.resolution, t.satisfaction,
            t.satisfaction_comment)


def _events(ticket) -> list[dict]:
    """Every step of the ticket as its page lists them: plain values, labels, local times and attachment addresses
    worked out here rather than per row in the template (a ticket gathers many steps)."""
    actions, link = choice_labels(TicketEvent.Action.choices), link_for_ids("tickets:attachment")
    # In the default order of one ticket's steps (which sorts by ticket first, through the ticket and zone tables).
    events = list(ticket.events.order_by("created", "id").values("pk", "action", "by_name", "created", "note",
                                                                 "attachment"))
    for e in events:
        e["action_label"] = actions.get(e["action"], e["action"])
        # Who and when, one text after the action (escaped by the template as a whole, as each part was).
        time = timezone.localtime(e["created"]).strftime("%Y-%m-%d %H:%M")  # as |date:"Y-m-d H:i"
        e["by_and_time"] = f" · {e['by_name'] or '—'} · {time}"
        if e["attachment"]:
            e["attachment_url"], e["attachment_name"] = link(e["pk"]), e["attachment"].rsplit("/", 1)[-1]
    return events


def attachment(request, pk):
    """An attachment of a ticket step, served only to those who may see the ticket."""
    from django.http import FileResponse

    event = TicketEvent.objects.filter(pk=pk).select_related("ticket").first()
    if event is None or not event.attachment:
        raise Http404()
    _ticket_or_404(request, event.ticket_id)
    return FileResponse(event.attachment.open("rb"), as_attachment=True,
                        filename=event.attachment.name.rsplit("/", 1)[-1])
