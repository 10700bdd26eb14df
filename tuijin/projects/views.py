from __future__ import annotations

import datetime as dt
import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from tuijin.campaigns.models import Campaign
from tuijin.core.forms import StyledFormMixin
from tuijin.org.models import Unit
from tuijin.projects import selectors, services
from tuijin.projects.models import STAGE_NAMES, Project, ProjectProgress

FILTER_KEYS = ("unit", "stage", "category", "campaign", "lagging", "foreign", "inv_min", "inv_max", "q", "sort",
               "status")


def _filters(request) -> dict:
    return {k: request.GET.get(k, "") for k in FILTER_KEYS if request.GET.get(k)}


def ledger(request):
    """The project ledger: filters, sort, pagination and a totals row."""
    filters = _filters(request)
    qs = selectors.project_list(member=request.member, zone=request.zone, filters=filters)
    totals = selectors.ledger_totals(qs)
    page = Paginator(qs, int(request.GET.get("per_page") or 20)).get_page(request.GET.get("page"))
    lag = selectors.lag_map(list(page.object_list), as_of=timezone.localdate(), zone=request.zone)
    for p in page.object_list:
        p.lag = lag.get(p.pk, {"light": "green", "reason": ""})
    context = {
        "page": page, "totals": totals, "filters": filters,
        "units": Unit.objects.restrict(request.member).filter(zone=request.zone),
        "campaigns": Campaign.objects.restrict(request.member).filter(zone=request.zone),
        "stages": Project.Stage.choices, "categories": Project.Category.choices,
        "query": request.GET.urlencode(),
    }
    return render(request, "projects/ledger.html", context)


class ProgressForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_l("year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_l("month"), min_value=1, max_value=12)
    invested_month = forms.DecimalField(label=_l("invested this month (万元)"), min_value=0, decimal_places=2)
    physical_progress = forms.CharField(label=_l("physical progress"), widget=forms.Textarea(attrs={"rows": 2}),
                                        required=False)
    problems = forms.CharField(label=_l("problems"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    raise_ticket = forms.BooleanField(label=_l("raise a ticket for the problems"), required=False)


def _project_or_404(request, pk) -> Project:
    project = Project.objects.restrict(request.member).filter(pk=pk).select_related("unit", "campaign").first()
    if project is None:
        raise Http404(_("No such project, or it is outside your data scope."))
    return project


def detail(request, pk):
    project = _project_or_404(request, pk)
    today = timezone.localdate()
    progress_form = ProgressForm(initial={"year": today.year, "month": today.month})
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "progress":
                progress_form = ProgressForm(request.POST)
                if progress_form.is_valid():
                    services.progress_save(member=request.member, project=project, **progress_form.cleaned_data)
                    messages.success(request, _("Progress saved."))
                    return redirect("projects:detail", pk=pk)
            elif action == "transition":
                on = dt.date.fromisoformat(request.POST.get("on", ""))
                services.project_transition(member=request.member, project=project, stage=request.POST.get("stage"),
                                            on=on)
                messages.success(request, _("Stage recorded."))
                return redirect("projects:detail", pk=pk)
            elif action == "status":
                services.project_set_status(member=request.member, project=project,
                                            status=request.POST.get("status"), reason=request.POST.get("reason", ""))
                messages.success(request, _("Status changed."))
                return redirect("projects:detail", pk=pk)
            elif action in ("submit", "approve", "return"):
                progress = ProjectProgress.objects.restrict(request.member).get(pk=request.POST.get("progress"),
                                                                                project=project)
                if action == "submit":
                    services.progress_submit(member=request.member, progress=progress)
                else:
                    services.progress_review(member=request.member, progress=progress, approve=action == "approve",
                                             reason=request.POST.get("reason", ""))
                messages.success(request, _("Saved."))
                return redirect("projects:detail", pk=pk)
        except ValueError:
            messages.error(request, _("Give a valid date, like 2023-03-01."))
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        except ProjectProgress.DoesNotExist as exc:
            raise Http404() from exc
    lag = selectors.lag_map([project], as_of=today, zone=project.zone)[project.pk]
    timeline = [{"code": c, "name": n, "planned": p, "actual": a,
                 "late": bool(p and ((a and a > p) or (not a and p < today)))} for c, n, p, a in project.stage_dates()]
    context = {
        "project": project, "lag": lag, "timeline": timeline, "nodes": project.nodes.all(),
        "progress": project.progress.all()[:24], "progress_form": progress_form,
        "tickets": project.tickets.all()[:20], "stage_choices": list(STAGE_NAMES.items()),
        "can_change": Project.objects.restrict(request.member, "change").filter(pk=project.pk).exists(),
        "statuses": Project.Status.choices,
    }
    return render(request, "projects/detail.html", context)


def battle_map(request):
    data = selectors.battle_map(member=request.member, zone=request.zone)
    return render(request, "projects/battle_map.html", {
        "data": data, "points_json": json.dumps(data["points"], ensure_ascii=False),
        "stage_names": json.dumps(dict(Project.Stage.choices), ensure_ascii=False)})


def performance_view(request):
    year = int(request.GET.get("year") or timezone.localdate().year)
    month = int(request.GET.get("month") or 12)
    if not 1 <= month <= 12:
        month = 12
    category = request.GET.get("category") or None
    perf = selectors.project_performance(member=request.member, zone=request.zone, year=year, month=month,
                                         category=category)
    return render(request, "projects/performance.html", {"perf": perf, "year": year, "month": month,
                                                         "category": category,
                                                         "categories": Project.Category.choices})


def lagging(request):
    rows = selectors.lagging_projects(member=request.member, zone=request.zone)
    return render(request, "projects/lagging.html", {"rows": rows})
