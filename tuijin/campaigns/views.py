from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tuijin.campaigns import selectors, services
from tuijin.campaigns.models import KeyTask


def index(request):
    campaign = selectors.campaign_current(member=request.member, zone=request.zone)
    if request.method == "POST":
        task = KeyTask.objects.restrict(request.member, "change").filter(pk=request.POST.get("task")).first()
        if task is None:
            messages.error(request, _("You may not change this record: it is outside your data scope."))
        else:
            try:
                services.key_task_update(member=request.member, task=task, progress=int(request.POST.get("progress", 0)),
                                         note=request.POST.get("note"))
                messages.success(request, _("Key task updated."))
            except (ValueError, ValidationError) as exc:
                messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("campaigns:index")
    board = selectors.key_task_board(member=request.member, zone=request.zone, campaign=campaign) if campaign else {}
    columns = [(s, label, board.get(s, [])) for s, label in KeyTask.Status.choices]
    goals = campaign.stage_goals.all() if campaign else []
    return render(request, "campaigns/index.html", {"campaign": campaign, "columns": columns, "goals": goals})
