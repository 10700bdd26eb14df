from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tuijin.core.forms import put_errors
from tuijin.core.periods import period_code, period_from_params, period_label
from tuijin.core.scope import require_office
from tuijin.notifications import selectors, services
from tuijin.notifications.forms import ChannelsForm, ReminderForm


def todo(request):
    """待办: what waits for the member, overdue first."""
    items = selectors.todo_items(member=request.member, zone=request.zone)
    return render(request, "notifications/todo.html", {"items": items,
                                                       "overdue": sum(1 for i in items if i.overdue)})


def inbox(request):
    """The member's messages; mark one or all read."""
    if request.method == "POST":
        ids = None if request.POST.get("all") else request.POST.getlist("ids")
        try:
            n = services.notifications_read(member=request.member, ids=ids)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(n)s messages marked read.") % {"n": n})
        return redirect("notifications:inbox")
    unread = request.GET.get("unread") == "1"
    qs = selectors.notification_list(member=request.member, unread_only=unread).filter(zone=request.zone)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "unread": unread})


def reminders(request):
    """催报 and 催办 (the office): who has not filed the month, which tickets are overdue, one click each; the
    reminders sent and how every delivery went."""
    member, zone = request.member, request.zone
    require_office(member)
    year, month = period_from_params(request.POST if request.method == "POST" else request.GET, zone)
    form = ReminderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        try:
            if action == "filing":
                r = services.filing_reminder_send(member=member, zone=zone, year=year, month=month,
                                                  note=form.cleaned_data["note"])
                messages.success(request, _("Filing reminder sent to %(n)s units.") % {"n": r.units.count()})
            elif action == "tickets":
                r = services.ticket_reminder_send(member=member, zone=zone, note=form.cleaned_data["note"])
                messages.success(request, _("Ticket reminder sent for %(n)s tickets.") % {"n": r.tickets.count()})
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            return redirect(f"{reverse('notifications:reminders')}?period={period_code(year, month)}")
    return render(request, "notifications/reminders.html", {
        "form": form, "period": period_code(year, month), "label": period_label(year, month),
        "deadline": selectors.filing_deadline(zone, year, month),
        "pending": selectors.units_to_remind(member=member, zone=zone, year=year, month=month),
        "late": selectors.overdue_tickets(member=member, zone=zone),
        "history": selectors.reminder_list(member=member, zone=zone)[:30],
        "deliveries": selectors.delivery_list(member=member, zone=zone)[:50],
    })


def channels(request):
    """The zone's robots, e-mail and schedule (the office). Addresses and the secret are never shown back."""
    member, zone = request.member, request.zone
    require_office(member)
    row = selectors.channels_of(zone)
    initial = {f: getattr(row, f) for f in ("email_enabled", "filing_day", "reminder_enabled", "reminder_days",
                                            "escalate_enabled", "run_hour")}
    form = ChannelsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "test":
                services.channels_test(member=member, zone=zone)
                messages.success(request, _("A test message was sent; see the delivery log."))
                return redirect("notifications:channels")
            if form.is_valid():
                services.channels_save(member=member, zone=zone, **form.cleaned_data)
                messages.success(request, _("Saved."))
                return redirect("notifications:channels")
        except ValidationError as exc:
            if request.POST.get("action") == "test":
                messages.error(request, " ".join(exc.messages))
                return redirect("notifications:channels")
            put_errors(form, exc)
    return render(request, "notifications/channels.html", {"form": form, "row": row,
                                                           "dingtalk_host": selectors.robot_host(row.dingtalk_url),
                                                           "wecom_host": selectors.robot_host(row.wecom_url),
                                                           "runs": selectors.schedule_runs(member=member, zone=zone)})
