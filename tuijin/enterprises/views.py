"""Pages of the enterprise register (一企一档). Thin: parse, call a selector or a service, render."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tuijin.core.forms import put_errors
from tuijin.core.params import parse_id
from tuijin.core.periods import YEAR_MAX, YEAR_MIN
from tuijin.core.scope import CHANGE
from tuijin.enterprises import selectors, services
from tuijin.enterprises.forms import EnterpriseForm, EnterpriseYearForm, KeptForm, LiaisonForm, VisitForm
from tuijin.enterprises.models import Enterprise, EnterpriseYear, KeptEnterprise
from tuijin.org.models import Unit

FILTER_KEYS = ("q", "unit", "industry", "above_scale", "big", "rev_min", "rev_max", "year", "sort")


def _filters(request) -> dict:
    return {k: request.GET.get(k, "")[:200] for k in FILTER_KEYS if request.GET.get(k)}


def enterprise_list(request):
    """The register: filters, search, the chosen year's figures, sort, pagination, totals and the Excel export."""
    filters = _filters(request)
    qs, year = selectors.enterprise_list(member=request.member, zone=request.zone, filters=filters)
    totals = selectors.list_totals(qs)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    export_query = request.GET.copy()
    export_query.pop("page", None)
    export_query["year"] = year
    return render(request, "enterprises/list.html", {
        "page": page, "totals": totals, "filters": filters, "year": year,
        "years": selectors.year_choices(request.zone, year),
        "units": Unit.objects.restrict(request.member).filter(zone=request.zone),
        "industries": selectors.industries(member=request.member, zone=request.zone),
        "export_query": export_query.urlencode(), "big_revenue": selectors.BIG_REVENUE,
    })


def _enterprise_or_404(request, pk, action: str = "view") -> Enterprise:
    found = Enterprise.objects.restrict(request.member, action).filter(pk=pk, zone=request.zone) \
        .select_related("unit").first()
    if found is None:
        raise Http404(_("No such enterprise, or it is outside your data scope."))
    return found


def detail(request, pk):
    """One enterprise: its register data, yearly figures with a chart, its tickets and 培大育强 targets."""
    enterprise = _enterprise_or_404(request, pk)
    years = selectors.enterprise_years(enterprise)
    can_change = Enterprise.objects.restrict(request.member, CHANGE).filter(pk=enterprise.pk).exists()
    member = request.member
    return render(request, "enterprises/detail.html", {
        "enterprise": enterprise, "years": list(reversed(years)), "chart": selectors.chart_data(years),
        "tickets": selectors.enterprise_tickets(member=member, enterprise=enterprise)[:30],
        "projects": selectors.enterprise_projects(member=member, enterprise=enterprise)[:30],
        "visits": selectors.enterprise_visits(member=member, enterprise=enterprise)[:30],
        "leads": selectors.enterprise_leads(member=member, enterprise=enterprise)[:30],
        "liaison_form": LiaisonForm(initial={"liaison": enterprise.liaison_id}, zone=request.zone)
        if member.is_office and member.can_change else None,
        "kept": enterprise.kept.order_by("-year"), "can_change": can_change,
        "next_year": selectors.this_year(request.zone), "big_revenue": selectors.BIG_REVENUE,
    })


def enterprise_form(request, pk=None):
    """Add an enterprise (the office) or edit one (within the member's scope); the service holds every rule."""
    member, zone = request.member, request.zone
    if not member.can_change:
        raise PermissionDenied(_("Leaders read; changes are made by the office and unit staff."))
    enterprise = None
    if pk is not None:
        enterprise = _enterprise_or_404(request, pk, CHANGE)
    elif not member.is_office:
        raise PermissionDenied(_("Only the office adds enterprises to the register."))
    if request.method == "POST":
        form = EnterpriseForm(request.POST, member=member, zone=zone)
        if form.is_valid():
            try:
                enterprise = services.enterprise_save(member=member, zone=zone, enterprise=enterprise,
                                                      **form.service_fields())
            except ValidationError as exc:
                put_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Enterprise saved."))
                return redirect("enterprises:detail", pk=enterprise.pk)
    else:
        initial = {}
        if enterprise is not None:
            initial = {f: getattr(enterprise, f) for f in services.ENTERPRISE_FIELDS if f != "unit"}
            initial["unit"] = enterprise.unit_id
        form = EnterpriseForm(initial=initial, member=member, zone=zone)
    return render(request, "enterprises/form.html", {"form": form, "enterprise": enterprise})


def year_form(request, pk, year):
    """One year's figures of an enterprise (the member may change the enterprise)."""
    if not request.member.can_change:
        raise PermissionDenied(_("Leaders read; changes are made by the office and unit staff."))
    enterprise = _enterprise_or_404(request, pk, CHANGE)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Http404(_("No such year."))
    row = EnterpriseYear.objects.filter(enterprise=enterprise, year=year).first()
    if request.method == "POST":
        form = EnterpriseYearForm(request.POST)
        if form.is_valid():
            try:
                services.enterprise_year_save(member=request.member, enterprise=enterprise, year=year,
                                              **form.cleaned_data)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Figures of %(y)s saved.") % {"y": year})
                return redirect("enterprises:detail", pk=enterprise.pk)
    else:
        initial = {f: getattr(row, f) for f in services.FIGURE_FIELDS} if row is not None else {}
        form = EnterpriseYearForm(initial=initial)
    return render(request, "enterprises/year_form.html", {"form": form, "enterprise": enterprise, "year": year,
                                                          "row": row, "this_year": selectors.this_year(request.zone)})


def _ranking(request, kind: str, rows_for, title: str, rule: str):
    year = selectors.year_from(request.GET.get("year"), request.zone)
    rows = rows_for(member=request.member, zone=request.zone, year=year)
    totals = selectors.ranking_totals(rows)
    return render(request, "enterprises/ranking.html", {
        "kind": kind, "title": title, "rule": rule, "year": year, "rows": rows, "totals": totals,
        "years": selectors.year_choices(request.zone, year)})


def big(request):
    return _ranking(request, "big", selectors.big_enterprises, _("Enterprises with revenue of 1亿元 or more"),
                    _("Operating revenue in the year of at least 10000万元 (1亿元)."))


def above_scale(request):
    return _ranking(request, "above_scale", selectors.above_scale_enterprises, _("Above-scale enterprises"),
                    _("Enterprises above scale (规上) in the year."))


def candidates(request):
    return _ranking(request, "candidates", selectors.upgrade_candidates, _("Candidates to become above scale"),
                    _("Not above scale in the year, with operating revenue of at least %(n)s万元 (75%% of the "
                      "2000万元 threshold of above-scale industry).") % {"n": selectors.CANDIDATE_REVENUE})


def kept(request):
    """培大育强: the enterprises the office keeps for a year with a target each; the office adds and removes."""
    member, zone = request.member, request.zone
    year = selectors.year_from(request.GET.get("year") or request.POST.get("year"), zone)
    search_url = reverse("enterprises:search")
    form = KeptForm(member=member, zone=zone, search_url=search_url)
    if request.method == "POST":
        if not member.is_office:
            raise PermissionDenied(_("Only the office keeps the 培大育强 list."))
        if request.POST.get("action") == "remove":
            entry = KeptEnterprise.objects.restrict(member, CHANGE).filter(
                pk=parse_id(request.POST.get("kept")), zone=zone).first()
            if entry is None:
                raise Http404()
            services.kept_remove(member=member, kept=entry)
            messages.success(request, _("Taken off the list."))
            return redirect(f"{reverse('enterprises:kept')}?year={year}")
        form = KeptForm(request.POST, member=member, zone=zone, search_url=search_url)
        if form.is_valid():
            try:
                services.kept_save(member=member, enterprise=form.cleaned_data["enterprise"], year=year,
                                   target_revenue=form.cleaned_data["target_revenue"],
                                   note=form.cleaned_data["note"])
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(f"{reverse('enterprises:kept')}?year={year}")
    rows = selectors.kept_list(member=member, zone=zone, year=year)
    years = sorted(set(selectors.kept_years(zone)) | {year, selectors.this_year(zone)}, reverse=True)
    return render(request, "enterprises/kept.html", {"rows": rows, "year": year, "years": years, "form": form})


def search(request):
    """Enterprises matching ``q`` within the member's scope, for the searchable pickers."""
    return JsonResponse({"results": selectors.search(member=request.member, zone=request.zone,
                                                     q=request.GET.get("q", ""))})


def liaison(request, pk):
    """Name or clear the enterprise's service liaison (the office)."""
    if request.method != "POST":
        return redirect("enterprises:detail", pk=pk)
    enterprise = _enterprise_or_404(request, pk)
    form = LiaisonForm(request.POST, zone=request.zone)
    if not form.is_valid():
        messages.error(request, _("Choose a member of this zone."))
    else:
        try:
            services.liaison_set(member=request.member, enterprise=enterprise, liaison=form.cleaned_data["liaison"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
    return redirect("enterprises:detail", pk=pk)


def visit_new(request, pk):
    """Log a service visit, with the enterprise's request (诉求) raised as a ticket if it made one."""
    if not request.member.can_change:
        raise PermissionDenied(_("Leaders read; changes are made by the office and unit staff."))
    enterprise = _enterprise_or_404(request, pk, CHANGE)
    if request.method == "POST":
        form = VisitForm(request.POST, zone=request.zone)
        if form.is_valid():
            try:
                services.visit_log(member=request.member, enterprise=enterprise, **form.cleaned_data)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Visit logged."))
                return redirect("enterprises:detail", pk=enterprise.pk)
    else:
        form = VisitForm(initial={"request_unit": enterprise.unit_id}, zone=request.zone)
    return render(request, "enterprises/visit_form.html", {"form": form, "enterprise": enterprise})


def service(request):
    """工业服务年: per handling unit, the enterprises' requests of a year (received, resolved, on time, satisfaction)."""
    from tuijin.tickets.selectors import enterprise_service_stats_by_unit

    year = selectors.year_from(request.GET.get("year"), request.zone)
    rows = enterprise_service_stats_by_unit(request.zone, year, member=request.member)
    totals = {k: sum(r[k] for r in rows) for k in ("received", "resolved", "on_time", "rated", "satisfied",
                                                   "fairly", "dissatisfied")}
    totals["satisfaction_rate"] = (totals["satisfied"] + totals["fairly"]) / totals["rated"] \
        if totals["rated"] else None
    return render(request, "enterprises/service.html", {
        "rows": rows, "totals": totals, "year": year, "years": selectors.year_choices(request.zone, year),
        "visits": selectors.visit_counts(member=request.member, zone=request.zone, year=year),
        "liaisons": selectors.liaison_list(member=request.member, zone=request.zone)})


def mujun(request):
    """亩均效益 evaluation of a year: scores, classes A/B/C/D and their consequences, the change from last year,
    each enterprise's breakdown, the enterprises excluded and why; Excel with ``?format=xlsx``."""
    from tuijin.core.downloads import wants_xlsx, xlsx_response
    from tuijin.enterprises import mujun as evaluation

    year = selectors.year_from(request.GET.get("year"), request.zone)
    ev = evaluation.evaluate(member=request.member, zone=request.zone, year=year)
    if wants_xlsx(request):
        columns, rows = evaluation.sheet(ev)
        return xlsx_response(columns, rows, title=_("亩均效益 evaluation %(y)s") % {"y": year}, zone=request.zone)
    export_query = request.GET.copy()
    export_query["format"] = "xlsx"
    export_query["year"] = year
    return render(request, "enterprises/mujun.html", {
        "ev": ev, "year": year, "years": selectors.year_choices(request.zone, year),
        "export_query": export_query.urlencode()})
