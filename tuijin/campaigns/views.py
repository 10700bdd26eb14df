"""Pages of the year's campaign: the key-task board, and setting up the year (campaign, stage goals, key tasks
with their leaders and milestones)."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tuijin.campaigns import selectors, services
from tuijin.campaigns.forms import CampaignForm, KeyTaskForm, MilestoneForm, StageGoalForm
from tuijin.campaigns.models import Campaign, KeyTask, Milestone, StageGoal
from tuijin.core.forms import put_errors
from tuijin.core.params import parse_id
from tuijin.core.periods import as_of_date
from tuijin.core.scope import CHANGE, require_office


def index(request):
    campaign = selectors.campaign_current(member=request.member, zone=request.zone)
    if request.method == "POST":
        task = KeyTask.objects.restrict(request.member, "change").filter(pk=parse_id(request.POST.get("task"))).first()
        if task is None:
            messages.error(request, _("You may not change this record: it is outside your data scope."))
        else:
            try:
                services.key_task_update(member=request.member, task=task, progress=request.POST.get("progress", 0),
                                         note=request.POST.get("note"))  # the service checks the percentage
                messages.success(request, _("Key task updated."))
            except ValidationError as exc:
                messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("campaigns:index")
    board = selectors.key_task_board(member=request.member, zone=request.zone, campaign=campaign) if campaign else {}
    columns = [(s, label, board.get(s, [])) for s, label in KeyTask.Status.choices]
    goals = campaign.stage_goals.all() if campaign else []
    lag = selectors.key_task_lag([t for _s, _l, ts in columns for t in ts], zone=request.zone) if campaign else {}
    for _s, _l, tasks in columns:
        for t in tasks:
            t.lag = lag.get(t.pk)
    return render(request, "campaigns/index.html", {"campaign": campaign, "columns": columns, "goals": goals})


def _campaign_or_404(request, pk) -> Campaign:
    campaign = Campaign.objects.restrict(request.member).filter(pk=pk, zone=request.zone).first()
    if campaign is None:
        raise Http404(_("No such campaign, or it is outside your data scope."))
    return campaign


def _errors(request, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


def setup(request):
    """The office's list of the zone's campaigns and a new one (usually the coming year's)."""
    member, zone = request.member, request.zone
    form = CampaignForm(initial={"year": as_of_date(zone).year})
    if request.method == "POST":
        require_office(member)
        form = CampaignForm(request.POST)
        if form.is_valid():
            try:
                campaign = services.campaign_create(member=member, zone=zone, **form.cleaned_data)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Campaign saved."))
                return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/setup.html", {
        "campaigns": selectors.campaign_list(member=member, zone=zone), "form": form})


def detail(request, pk):
    """One campaign: its theme and goal (edited by the office), stage goals and key tasks with their lag."""
    member, zone = request.member, request.zone
    campaign = _campaign_or_404(request, pk)
    form = CampaignForm(initial={"year": campaign.year, "theme": campaign.theme,
                                 "headline_goal": campaign.headline_goal, "description": campaign.description})
    goal_form = StageGoalForm(zone=zone)
    if request.method == "POST":
        require_office(member)
        action = request.POST.get("action")
        if action == "campaign":
            form = CampaignForm(request.POST)
            if form.is_valid():
                try:
                    services.campaign_update(member=member, campaign=campaign, **form.cleaned_data)
                except ValidationError as exc:
                    put_errors(form, exc)
                else:
                    messages.success(request, _("Campaign saved."))
                    return redirect("campaigns:detail", pk=pk)
        elif action == "goal":
            goal_form = StageGoalForm(request.POST, zone=zone)
            if goal_form.is_valid():
                try:
                    services.stage_goal_add(member=member, campaign=campaign, **goal_form.cleaned_data)
                except ValidationError as exc:
                    put_errors(goal_form, exc)
                else:
                    messages.success(request, _("Stage goal saved."))
                    return redirect("campaigns:detail", pk=pk)
    tasks = list(selectors.key_tasks(member=member, campaign=campaign))
    lag = selectors.key_task_lag(tasks, zone=zone)
    for t in tasks:
        t.lag = lag.get(t.pk)
    names = dict(goal_form.fields["indicator_codes"].choices)
    goals = [(g, [names.get(c, c) for c in g.indicator_codes]) for g in selectors.stage_goals(member=member,
                                                                                            campaign=campaign)]
    return render(request, "campaigns/detail.html", {
        "campaign": campaign, "form": form, "goal_form": goal_form, "goals": goals, "tasks": tasks,
        "as_of": as_of_date(zone)})


def goal_edit(request, pk):
    member = request.member
    require_office(member)
    goal = StageGoal.objects.restrict(member, CHANGE).filter(pk=pk, zone=request.zone).select_related(
        "campaign").first()
    if goal is None:
        raise Http404(_("No such stage goal, or it is outside your data scope."))
    form = StageGoalForm(initial={"kind": goal.kind, "due": goal.due.isoformat(), "description": goal.description,
                                  "indicator_codes": goal.indicator_codes}, zone=request.zone)
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            services.stage_goal_delete(member=member, goal=goal)
            messages.success(request, _("Stage goal removed."))
            return redirect("campaigns:detail", pk=goal.campaign_id)
        form = StageGoalForm(request.POST, zone=request.zone)
        if form.is_valid():
            try:
                services.stage_goal_update(member=member, goal=goal, **form.cleaned_data)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Stage goal saved."))
                return redirect("campaigns:detail", pk=goal.campaign_id)
    return render(request, "campaigns/goal_form.html", {"goal": goal, "campaign": goal.campaign, "form": form})


def task_form(request, pk=None, campaign_pk=None):
    """A new key task of a campaign (``campaign_pk``) or the office's edit of one (``pk``)."""
    member, zone = request.member, request.zone
    require_office(member)
    task = None
    if pk is not None:
        task = KeyTask.objects.restrict(member, CHANGE).filter(pk=pk, zone=zone).select_related("campaign").first()
        if task is None:
            raise Http404(_("No such key task, or it is outside your data scope."))
        campaign = task.campaign
    else:
        campaign = _campaign_or_404(request, campaign_pk)
    milestone_rows = 4
    if request.method == "POST":
        form = KeyTaskForm(request.POST, member=member, zone=zone)
        milestones = [(n, d) for n, d in zip(request.POST.getlist("milestone_name")[:50],
                                             request.POST.getlist("milestone_due")[:50]) if n.strip() or d.strip()]
        if form.is_valid():
            try:
                if task is None:
                    task = services.key_task_create(member=member, campaign=campaign, milestones=milestones,
                                                    **form.service_fields())
                else:
                    services.key_task_edit(member=member, task=task, **form.service_fields())
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Key task saved."))
                return redirect("campaigns:task", pk=task.pk)
    else:
        initial = {}
        if task is not None:
            initial = {"seq": task.seq, "title": task.title, "lead_unit": str(task.lead_unit_id),
                       "units": [str(u.pk) for u in task.units.all()], "sponsor": str(task.sponsor_id or ""),
                       "owner": task.owner, "deadline": task.deadline.isoformat() if task.deadline else "",
                       "note": task.note}
        form = KeyTaskForm(initial=initial, member=member, zone=zone)
    return render(request, "campaigns/task_form.html", {
        "form": form, "task": task, "campaign": campaign,
        "milestone_rows": range(milestone_rows) if task is None else ()})


def task_detail(request, pk):
    """A key task: its units and people, its milestones (the lead unit records them done) and its lag."""
    member, zone = request.member, request.zone
    task = KeyTask.objects.restrict(member).filter(pk=pk, zone=zone).select_related(
        "campaign", "lead_unit", "sponsor").prefetch_related("units").first()
    if task is None:
        raise Http404(_("No such key task, or it is outside your data scope."))
    milestone_form = MilestoneForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "milestone":
                require_office(member)
                milestone_form = MilestoneForm(request.POST)
                if milestone_form.is_valid():
                    try:
                        services.milestone_add(member=member, task=task, **milestone_form.cleaned_data)
                    except ValidationError as exc:
                        put_errors(milestone_form, exc)
                    else:
                        messages.success(request, _("Milestone saved."))
                        return redirect("campaigns:task", pk=pk)
            elif action == "done":
                milestone = Milestone.objects.restrict(member, CHANGE).filter(
                    pk=parse_id(request.POST.get("milestone")), task=task).first()
                if milestone is None:
                    raise Http404(_("No such milestone, or it is outside your data scope."))
                services.milestone_update(member=member, milestone=milestone, due=request.POST.get("due") or None,
                                          done_on=request.POST.get("done_on", ""))
                messages.success(request, _("Milestone saved."))
                return redirect("campaigns:task", pk=pk)
        except ValidationError as exc:
            _errors(request, exc)
    lag = selectors.key_task_lag([task], zone=zone)[task.pk]
    can_change = KeyTask.objects.restrict(member, CHANGE).filter(pk=task.pk).exists()
    return render(request, "campaigns/task.html", {
        "task": task, "campaign": task.campaign, "lag": lag, "milestones": task.milestones.all(),
        "milestone_form": milestone_form, "can_change": can_change, "as_of": as_of_date(zone)})
