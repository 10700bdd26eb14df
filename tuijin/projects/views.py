from __future__ import annotations

import datetime as dt
import functools

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from tuijin.campaigns.models import Campaign
from tuijin.core.cache import Rows, fragment_key, table_version
from tuijin.core.display import choice_labels, link_for_ids
from tuijin.core.downloads import wants_xlsx, xlsx_response
from tuijin.core.forms import put_errors
from tuijin.core.params import ListParams, parse_id, read_params, warn_invalid
from tuijin.core.periods import as_of_date, period_from_params
from tuijin.core.scope import CHANGE
from tuijin.org.models import Unit
from tuijin.projects import lifecycle, selectors, services
from tuijin.projects.filters import ProjectFilter
from tuijin.projects.forms import ProgressForm, ProjectForm
from tuijin.projects.models import NodePlanTemplate, Project, ProjectNode, ProjectProgress
from tuijin.sheets.tabular import Column

FILTER_KEYS = ("unit", "stage", "category", "campaign", "sponsor", "lagging", "foreign", "inv_min", "inv_max", "q", "sort",
               "status")


def _filters(request) -> dict:
    return {k: request.GET.get(k, "") for k in FILTER_KEYS if request.GET.get(k)}


def ledger(request):
    """The project ledger: filters, sort, pagination and a totals row."""
    filters = _filters(request)
    if filters:  # a malformed filter: an empty list, and why (no filter, nothing to check: no form to build)
        warn_invalid(request, ProjectFilter(filters, zone=request.zone))
    as_of = as_of_date(request.zone)

    @functools.cache
    def rows():  # read only when the page's cached fragment is missing (its key: the ledger's data version)
        qs = selectors.project_list(member=request.member, zone=request.zone, filters=filters)
        totals = selectors.ledger_totals(qs)
        per_page = min(read_params(request, ListParams).get("per_page") or 20, 200)
        page = Paginator(qs, per_page).get_page(request.GET.get("page"))
        lag = selectors.lag_map(list(page.object_list), zone=request.zone, as_of=as_of)
        for p in page.object_list:
            p.lag = lag.get(p.pk, {"light": "green", "days_late": 0, "reason": ""})
        return page, totals

    context = {
        "page": SimpleLazyObject(lambda: rows()[0]), "totals": SimpleLazyObject(lambda: rows()[1]),
        "ledger_key": fragment_key(request, selectors.ledger_version(request.zone), as_of), "filters": filters,
        # the filters' choices, drawn only with the fragment
        "units": SimpleLazyObject(lambda: Unit.objects.restrict(request.member).filter(zone=request.zone)),
        "campaigns": SimpleLazyObject(lambda: Campaign.objects.restrict(request.member).filter(zone=request.zone)),
        "leaders": SimpleLazyObject(lambda: selectors.leaders(member=request.member, zone=request.zone)),
        "stages": Project.Stage.choices, "categories": Project.Category.choices,
        "query": request.GET.urlencode(), "as_of": as_of,
    }
    return render(request, "projects/ledger.html", context)


def project_form(request, pk=None):
    """Create (``pk`` None) or edit a project; the service holds every rule."""
    member, zone = request.member, request.zone
    project = None
    if pk is not None:
        project = Project.objects.restrict(member, CHANGE).filter(pk=pk, zone=zone).select_related("unit").first()
        if project is None:
            raise Http404(_("No such project, or it is outside your data scope."))
    elif not member.can_change:
        raise PermissionDenied(_("Leaders read; changes are made by the office and unit staff."))
    if request.method == "POST":
        form = ProjectForm(request.POST, member=member, zone=zone)
        if form.is_valid():
            stage, fields = form.service_fields()
            try:
                if project is None:
                    project = services.project_create(member=member, zone=zone, stage=stage, **fields)
                else:
                    project = services.project_update(member=member, project=project, stage=stage, **fields)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Project saved."))
                return redirect("projects:detail", pk=project.pk)
    else:
        initial = {f: getattr(project, f) for f in ProjectForm.base_fields if f != "stage"} if project else {}
        if project is not None:
            initial["unit"], initial["campaign"] = project.unit_id, project.campaign_id
            initial["sponsor_member"] = project.sponsor_member_id
        form = ProjectForm(initial=initial, member=member, zone=zone)
    dates = [(s, form[s.planned_field], form[s.actual_field]) for s in lifecycle.STAGES]
    others = [form[f] for f in form.fields if f not in lifecycle.DATE_FIELDS]
    return render(request, "projects/form.html", {"form": form, "project": project, "dates": dates,
                                                  "others": others})


def search(request):
    """Projects matching ``q`` (code or name) within the member's scope, for the searchable pickers."""
    q = (request.GET.get("q") or "").replace("\x00", "").strip()  # PostgreSQL text cannot hold NUL
    qs = Project.objects.restrict(request.member).filter(zone=request.zone)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    results = [{"value": pk, "text": f"{code} {name}"} for pk, code, name in
               qs.order_by("code").values_list("pk", "code", "name")[:20]]
    return JsonResponse({"results": results})


def detail(request, pk):
    project = selectors.project_page(member=request.member, pk=pk)
    if project is None:
        raise Http404(_("No such project, or it is outside your data scope."))
    if project.zone_id == getattr(request.zone, "pk", None):
        project.zone = request.zone  # the member's zone, read with the member: no second read
    as_of = as_of_date(project.zone)
    suggest_url = f"{reverse('tickets:suggest_unit')}?project={project.pk}"
    progress_form = None  # a posted one; else the empty form, built only when drawn (not from its kept fragment)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "progress":
                progress_form = ProgressForm(request.POST, zone=project.zone, suggest_url=suggest_url)
                if progress_form.is_valid():
                    try:
                        services.progress_save(member=request.member, project=project, **progress_form.cleaned_data)
                    except ValidationError as exc:
                        put_errors(progress_form, exc)
                    else:
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
            elif action == "apply_template":
                template = NodePlanTemplate.objects.restrict(request.member).filter(
                    pk=parse_id(request.POST.get("template")), zone=project.zone).first()
                if template is None:
                    raise ValidationError({"template": _("Choose a node plan template of this zone.")})
                nodes = services.nodes_apply_template(member=request.member, project=project, template=template,
                                                      start=request.POST.get("start", ""))
                messages.success(request, _("Node plan applied: %(n)s nodes.") % {"n": len(nodes)})
                return redirect("projects:detail", pk=pk)
            elif action == "node":
                node = ProjectNode.objects.restrict(request.member, CHANGE).filter(
                    pk=parse_id(request.POST.get("node")), project=project).first()
                if node is None:
                    raise Http404(_("No such node, or it is outside your data scope."))
                services.node_update(member=request.member, node=node,
                                     planned_date=request.POST.get("planned_date") or None,
                                     actual_date=request.POST.get("actual_date", ""))
                messages.success(request, _("Node saved."))
                return redirect("projects:detail", pk=pk)
            elif action in ("submit", "approve", "return"):
                progress = ProjectProgress.objects.restrict(request.member).get(
                    pk=parse_id(request.POST.get("progress")), project=project)
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
    can_change = project.can_change
    progress_key, progress_errors, page_key = None, (), None
    if progress_form is not None:
        progress_errors = progress_form.non_field_errors()
    else:
        progress_form = SimpleLazyObject(lambda: ProgressForm(
            initial={"year": as_of.year, "month": as_of.month}, zone=project.zone, suggest_url=suggest_url))
        # The page below the title is the same until the project, its nodes, progress, tickets or history, or the
        # zone's units, campaigns, members (names in the history), node plan templates or lag rule change, or the
        # as-of day passes: kept per member and language (fragment_key), forms and all (core.templatetags.layout).
        page_key = fragment_key(request, str(project.updated), as_of, project_version(project))
        if can_change:
            # The empty progress form (its unit picker above all) is the same until the zone's units change: kept
            # per member, address (the project), language, units and month; worked out when the page is drawn.
            progress_key = SimpleLazyObject(lambda: fragment_key(
                request, table_version(Rows(Unit, zone=project.zone_id)), as_of))

    @functools.cache
    def content():
        # The nodes read once, for the lag and the table; dates as the page shows them (|date:"Y-m-d"), worked out
        # here rather than per row in the template. One project's rows: ordered by their own columns (the default
        # order starts with the project's and its zone's, two joins for nothing).
        nodes = list(project.nodes.order_by("seq").values("pk", "seq", "name", "planned_start", "planned_date",
                                                          "actual_date"))
        lag = selectors.lag_map([project], as_of=as_of, zone=project.zone, nodes={
            project.pk: [(n["name"], n["planned_date"], n["actual_date"]) for n in nodes]})[project.pk]
        for n in nodes:
            n["late"] = not n["actual_date"] and bool(n["planned_date"]) and n["planned_date"] < as_of
            n["planned_start_text"], n["planned_text"], n["actual_text"] = (
                _ymd(n["planned_start"]), _ymd(n["planned_date"]), _ymd(n["actual_date"]))
        timeline = [{"code": c, "name": n, "planned": _ymd(p) or "—", "actual": _ymd(a) or "—",
                     "late": bool(p and ((a and a > p) or (not a and p < as_of)))}
                    for c, n, p, a in project.stage_dates()]
        states = choice_labels(project.tickets.model._meta.get_field("state").flatchoices)
        link = link_for_ids("tickets:detail")
        # A project's tickets are of its zone (tickets.services): the default order's zone is the same for all.
        rows = project.tickets.order_by("-assigned_at").values_list("pk", "title", "state")[:20]
        tickets = [{"url": link(pk), "title": title, "state": states.get(state, state)} for pk, title, state in rows]
        return {"lag": lag, "timeline": timeline, "nodes": nodes, "tickets": tickets,
                "progress": _progress_rows(project, can_change),
                # read only when the member may change the project
                "templates": list(NodePlanTemplate.objects.restrict(request.member).filter(zone=project.zone)
                                  .values("pk", "name", "category"))}

    context = {
        "project": project, "progress_form": progress_form, "progress_key": progress_key,
        "progress_errors": progress_errors, "page_key": page_key,
        "stage_choices": list(lifecycle.STAGE_NAMES.items()), "can_change": can_change,
        "statuses": Project.Status.choices, "as_of": as_of, "new_ticket_url": reverse("tickets:new"),
        **{k: SimpleLazyObject(lambda k=k: content()[k]) for k in ("lag", "timeline", "nodes", "tickets", "progress",
                                                                    "templates")},
    }
    return render(request, "projects/detail.html", context)


def project_version(project) -> str:
    """What a project's page shows besides the project's own row: see ``detail``."""
    from tuijin.core.models import ChangeLog
    from tuijin.org.models import Member
    from tuijin.projects.models import LagRuleSetting

    ct = ContentType.objects.get_for_model(Project)
    z = project.zone_id
    return table_version(
        Rows(ProjectNode, project=project.pk), Rows(ProjectProgress, project=project.pk),
        Rows(project.tickets.model, project=project.pk),  # tickets sit above projects (core/tests/test_layers.py)
        Rows(ChangeLog, stamp_column="id", content_type=ct.pk, object_id=project.pk),
        Rows(Unit, zone=z), Rows(Campaign, zone=z), Rows(Member, zone=z), Rows(NodePlanTemplate, zone=z),
        Rows(LagRuleSetting, zone=z))


def _progress_rows(project, can_change: bool) -> list[dict]:
    """The last 24 months of progress as the page lists them: the month, the amounts and the state in words worked
    out here (with the template's own filters) rather than per row in the template."""
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.template.defaultfilters import floatformat

    states = choice_labels(ProjectProgress.State.choices)
    rows = list(project.progress.order_by("-year", "-month").values(  # one project's: no join for the default order
        "pk", "year", "month", "invested_month", "invested_ytd", "physical_progress", "problems", "state",
        "return_reason")[:24])
    for g in rows:
        g["month_label"] = f"{g['year']}-{g['month']:02d}"  # as {{ year }}-{{ month|stringformat:"02d" }}
        g["invested_month_text"] = intcomma(floatformat(g["invested_month"], "0"))
        g["invested_ytd_text"] = intcomma(floatformat(g["invested_ytd"], "0"))
        g["state_label"] = states.get(g["state"], g["state"])
        g["submittable"] = can_change and g["state"] in (ProjectProgress.State.DRAFT, ProjectProgress.State.RETURNED)
    return rows


def _ymd(day) -> str:
    """A date as ``|date:"Y-m-d"`` shows it ("" for none)."""
    return day.isoformat() if day else ""


def sponsored(request):
    """我包挂的项目: a leader's sponsored projects with their lag and open tickets; the office (and anyone who sees
    the leaders) may open another leader's list with ``?leader=<id>``."""
    from tuijin.org.models import Member

    leaders = selectors.leaders(member=request.member, zone=request.zone)
    raw = request.GET.get("leader", "")
    if raw:
        leader = leaders.filter(pk=parse_id(raw)).first()
        if leader is None:
            raise Http404(_("No such leader, or outside your data scope."))
    else:
        leader = request.member if getattr(request.member, "role", None) == Member.Role.LEADER else None
    rows = selectors.sponsored_projects(member=request.member, zone=request.zone, leader=leader) if leader else []
    tasks = list(leader.sponsored_key_tasks.filter(zone=request.zone).restrict(request.member)
                 .select_related("lead_unit", "campaign")) if leader else []
    return render(request, "projects/sponsored.html", {
        "leader": leader, "leaders": leaders, "rows": rows, "tasks": tasks,
        "open_tickets": sum(r["open_tickets"] for r in rows), "lagging": sum(1 for r in rows if r["light"] == "red"),
        "as_of": as_of_date(request.zone)})


def battle_map(request):
    data = selectors.battle_map(member=request.member, zone=request.zone)
    chart = {"points": data["points"], "names": dict(Project.Stage.choices), "colors": data["colors"],
             "axes": [str(Project._meta.get_field(f).verbose_name) for f in ("longitude", "latitude")]}
    return render(request, "projects/battle_map.html", {"data": data, "chart": chart})


def performance_view(request):
    # The page opens on the zone's current period (the month its figures are at); a malformed one in the address
    # opens that too, never an error page.
    year, month = period_from_params(request.GET, request.zone)
    category = request.GET.get("category") or None
    perf = selectors.project_performance(member=request.member, zone=request.zone, year=year, month=month,
                                         category=category)
    return render(request, "projects/performance.html", {"perf": perf, "year": year, "month": month,
                                                         "category": category,
                                                         "categories": Project.Category.choices})


def lagging(request):
    as_of = as_of_date(request.zone)
    if not wants_xlsx(request):  # the page: its list is read only when its cached fragment is missing
        rows = SimpleLazyObject(lambda: selectors.lagging_projects(member=request.member, zone=request.zone,
                                                                   as_of=as_of))
        # projects_version: the list shows projects, their lag and unit, no campaign or member (a sponsor is text)
        return render(request, "projects/lagging.html", {"rows": rows, "as_of": as_of, "lagging_key": fragment_key(
            request, selectors.projects_version(request.zone), as_of)})
    rows = selectors.lagging_projects(member=request.member, zone=request.zone, as_of=as_of)
    columns = [Column("项目编号", "code", width=14), Column("项目名称", "name", width=36),
               Column("责任单位", "unit", width=18), Column("包挂领导", "sponsor", width=12),
               Column("逾期天数", "days_late", "integer", width=10), Column("滞后原因", "reason", width=60)]
    return xlsx_response(columns, rows, title="滞后项目", zone=request.zone)
