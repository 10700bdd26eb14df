from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from tuijin.core.forms import StyledFormMixin
from tuijin.org.models import Unit
from tuijin.projects.models import Project
from tuijin.tickets import selectors, services
from tuijin.tickets.models import Ticket


class TicketForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_l("title"), max_length=200)
    description = forms.CharField(label=_l("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    assignee_unit = forms.ModelChoiceField(label=_l("assigned to"), queryset=Unit.objects.none())
    deadline = forms.DateField(label=_l("resolve by"), widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.ChoiceField(label=_l("source"), choices=Ticket.Source.choices)
    enterprise = forms.CharField(label=_l("enterprise"), max_length=200, required=False)
    project = forms.ModelChoiceField(label=_l("project"), queryset=Project.objects.none(), required=False)

    def __init__(self, *args, member=None, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A ticket may be assigned to any unit of the zone; the list shows the zone's units.
        self.fields["assignee_unit"].queryset = Unit.objects.filter(zone=zone, is_active=True)
        self.fields["project"].queryset = Project.objects.restrict(member).filter(zone=zone)


def inbox(request):
    """The tickets of the member's units, with what is overdue."""
    filters = {k: request.GET.get(k, "") for k in ("state", "unit", "source", "open")}
    qs = selectors.ticket_list(member=request.member, zone=request.zone, filters=filters)
    if request.GET.get("task"):
        qs = qs.filter(key_task_id=request.GET["task"])
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    selectors.with_overdue(page.object_list)
    stats = selectors.ticket_stats_by_unit(member=request.member, zone=request.zone)
    form = TicketForm(member=request.member, zone=request.zone) if request.member.can_change else None
    return render(request, "tickets/inbox.html", {"page": page, "stats": stats, "form": form, "filters": filters,
                                                  "states": Ticket.State.choices,
                                                  "totals": selectors.ticket_totals(stats)})


def new(request):
    if request.method != "POST":
        return redirect("tickets:inbox")
    form = TicketForm(request.POST, member=request.member, zone=request.zone)
    if form.is_valid():
        try:
            ticket = services.ticket_raise(member=request.member, zone=request.zone, **form.cleaned_data)
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, _("Ticket assigned."))
            return redirect("tickets:detail", pk=ticket.pk)
    else:
        for field, errs in form.errors.items():
            for e in errs:
                messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {e}")
    return redirect("tickets:inbox")


def _ticket_or_404(request, pk) -> Ticket:
    # Whoever raised a ticket follows it too, even when it sits with another unit.
    member = request.member
    t = Ticket.objects.restrict(member).filter(pk=pk).first()
    if t is None:
        t = Ticket.objects.filter(pk=pk, zone=request.zone, raised_unit_id=member.unit_id).first()
    if t is None:
        raise Http404(_("No such ticket, or it is outside your data scope."))
    return t


def detail(request, pk):
    ticket = _ticket_or_404(request, pk)
    if request.method == "POST":
        action, m = request.POST.get("action"), request.member
        try:
            if action == "acknowledge":
                services.ticket_acknowledge(member=m, ticket=ticket)
            elif action == "feedback":
                services.ticket_feedback(member=m, ticket=ticket, note=request.POST.get("note", ""),
                                         attachment=request.FILES.get("attachment"))
            elif action == "resolve":
                services.ticket_resolve(member=m, ticket=ticket, resolution=request.POST.get("note", ""))
            elif action == "close":
                services.ticket_close(member=m, ticket=ticket, note=request.POST.get("note", ""))
            elif action == "reopen":
                services.ticket_reopen(member=m, ticket=ticket, reason=request.POST.get("note", ""))
            else:
                raise ValidationError(_("Unknown action."))
            messages.success(request, _("Saved."))
        except (ValidationError, PermissionDenied) as exc:
            for msg in getattr(exc, "messages", [str(exc)]):
                messages.error(request, msg)
        return redirect("tickets:detail", pk=pk)
    ticket.overdue = services.overdue_kinds(ticket, dt.datetime.now(dt.UTC))
    return render(request, "tickets/detail.html", {"ticket": ticket, "events": ticket.events.all()})


def attachment(request, pk):
    """An attachment of a ticket step, served only to those who may see the ticket."""
    from django.http import FileResponse

    from tuijin.tickets.models import TicketEvent

    event = TicketEvent.objects.filter(pk=pk).select_related("ticket").first()
    if event is None or not event.attachment:
        raise Http404()
    _ticket_or_404(request, event.ticket_id)
    return FileResponse(event.attachment.open("rb"), as_attachment=True,
                        filename=event.attachment.name.rsplit("/", 1)[-1])
