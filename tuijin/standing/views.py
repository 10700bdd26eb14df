"""Standing pages: thin — parse, call a service or selector, render."""
from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.core.forms import put_errors
from tuijin.core.params import parse_id
from tuijin.core.scope import require_office
from tuijin.org.models import Unit
from tuijin.standing import selectors, services
from tuijin.standing.exports import results_workbook
from tuijin.standing.forms import GoalForm, ListingForm, ResultForm, ShortfallForm
from tuijin.standing.models import Goal, Level, Result

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def index(request):
    """The zone's standing: results over the years, the chart, the peers, the goal, the exit rule watched."""
    zone = request.zone
    data = selectors.standing_page(member=request.member, zone=zone)
    leads = [lead for lead in data["leads"] if lead.unit.is_active]
    data.update(shortfall_form=ShortfallForm(leads=leads) if leads else None, can_edit=request.member.is_office,
                national=zone.level == zone.Level.NATIONAL)  # only national zones are in the ministry's lists
    data["push"] = selectors.push_rows(member=request.member, zone=zone, unit=request.GET.get("push_unit"),
                                       leads=leads)
    return render(request, "standing/index.html", data)


def lists(request):
    """The published lists of an edition (``?assessment=<id>``), the zone's own place marked."""
    data = selectors.list_page(member=request.member, zone=request.zone, assessment_id=parse_id(
        request.GET.get("assessment")))
    return render(request, "standing/lists.html", data)


def record(request):
    """Record a published result by hand (the office)."""
    require_office(request.member)
    zone = request.zone
    if request.method == "POST":
        form = ResultForm(request.POST, member=request.member)
        if form.is_valid():
            try:
                services.result_record(member=request.member, zone=zone, **form.service_arguments())
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Result recorded."))
                return redirect("standing:index")
    else:
        form = ResultForm(member=request.member, initial={"subject_name": selectors.zone_list_name(zone),
                                                           "province": zone.province})
    return render(request, "standing/record.html", {"form": form})


@require_POST
def result_delete(request):
    require_office(request.member)
    result = Result.objects.restrict(request.member, "change").filter(pk=parse_id(request.POST.get("result"))).first()
    if result is None:
        messages.error(request, _("No such result of this zone."))
    else:
        services.result_delete(member=request.member, zone=request.zone, result=result)
        messages.success(request, _("Result removed."))
    return redirect("standing:index")


def goal(request):
    """The zone's goal per level and its name on published lists (the office)."""
    require_office(request.member)
    zone = request.zone
    level = request.POST.get("level") or request.GET.get("level") or Level.NATIONAL
    level = level if level in Level.values else Level.NATIONAL
    current = Goal.objects.restrict(request.member).filter(zone=zone, level=level).first()
    goal_form = GoalForm(initial={"level": level, "kind": current.kind, "label": current.label,
                                  "target_rank": current.target_rank or "",
                                  "target_score": current.target_score if current.target_score is not None else ""}
                         if current else {"level": level})
    listing_form = ListingForm(initial={"list_name": selectors.zone_list_name(zone)})
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "listing":
            listing_form = ListingForm(request.POST)
            if listing_form.is_valid():
                try:
                    services.listing_set(member=request.member, zone=zone, **listing_form.cleaned_data)
                except ValidationError as exc:
                    put_errors(listing_form, exc)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("standing:index")
        else:
            goal_form = GoalForm(request.POST)
            if goal_form.is_valid():
                try:
                    services.goal_set(member=request.member, zone=zone, **goal_form.cleaned_data)
                except ValidationError as exc:
                    put_errors(goal_form, exc)
                else:
                    messages.success(request, _("Goal saved."))
                    return redirect("standing:index")
    goals = list(Goal.objects.restrict(request.member).filter(zone=zone))
    return render(request, "standing/goal.html", {"goal_form": goal_form, "listing_form": listing_form,
                                                  "goals": goals})


def leads(request):
    """The lead unit (数据责任单位) of each indicator, edited as a whole (the office)."""
    require_office(request.member)
    zone = request.zone
    rows = selectors.leads_rows(member=request.member, zone=zone)
    units = list(Unit.objects.filter(zone=zone, is_active=True).order_by("sort_order", "id"))
    errors: list[str] = []
    if request.method == "POST":
        by_id = {u.pk: u for u in units}
        wanted = {}
        for row in rows:
            value = request.POST.get(f"lead_{row['code']}", "")
            unit_id = parse_id(value)
            if value and unit_id not in by_id:
                errors.append(_("「%(n)s」: choose a unit of this zone.") % {"n": row["name"]})
                continue
            wanted[row["code"]] = (row["name"], by_id.get(unit_id))
        if not errors:
            try:
                n = services.leads_save(member=request.member, zone=zone, leads=wanted)
            except ValidationError as exc:
                errors = [str(m) for m in exc.messages]
            else:
                messages.success(request, _("Indicator leads saved (%(n)s changed).") % {"n": n})
                return redirect("standing:leads")
        for row in rows:  # show what was sent back with the errors
            row["chosen"] = parse_id(request.POST.get(f"lead_{row['code']}", ""))
    else:
        for row in rows:
            row["chosen"] = row["lead"].unit_id if row["lead"] else None
    return render(request, "standing/leads.html", {"rows": rows, "units": units, "errors": errors})


@require_POST
def assign(request):
    """The 补齐短板 button: a ticket on the chosen indicator to its lead unit."""
    require_office(request.member)
    zone = request.zone
    leads_ = selectors.leads_in_order(member=request.member, zone=zone)
    form = ShortfallForm(request.POST, leads=leads_)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for e in field_errors:
                messages.error(request, e)
        return redirect("standing:index")
    try:
        shortfall = services.shortfall_assign(member=request.member, zone=zone, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        for msg in getattr(exc, "messages", [str(exc)]):
            messages.error(request, msg)
        return redirect("standing:index")
    messages.success(request, _("Assigned to %(unit)s.") % {"unit": shortfall.ticket.assignee_unit.name})
    return redirect("tickets:detail", pk=shortfall.ticket_id)


def export(request):
    """The zone's results as Excel."""
    zone = request.zone
    rows = selectors.zone_results(member=request.member, zone=zone)
    title = _("Standing") + "-" + zone.display_name
    response = HttpResponse(results_workbook(rows, title=title), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(title + '.xlsx')}"
    return response
