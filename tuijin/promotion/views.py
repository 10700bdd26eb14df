"""Pages of 招商引资. Thin: parse, call a selector or a service, render."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tuijin.core.downloads import Column, xlsx_response
from tuijin.core.forms import put_errors
from tuijin.core.params import read_params, warn_invalid
from tuijin.core.periods import as_of_date
from tuijin.core.scope import CHANGE
from tuijin.projects.models import Project
from tuijin.promotion import selectors, services
from tuijin.promotion.filters import LeadFilter, YearParams
from tuijin.promotion.forms import AdvanceForm, CapitalForm, DropForm, LeadForm, VisitForm
from tuijin.promotion.models import STAGES, Lead


def _year(request) -> int:
    return read_params(request, YearParams).get("year") or as_of_date(request.zone).year


def funnel(request):
    """The funnel per bringing unit and per source, with conversion and time in each stage, and the credit."""
    year = _year(request)
    data = selectors.funnel(member=request.member, zone=request.zone, year=year)
    return render(request, "promotion/funnel.html", {
        "year": year, "funnel": data, "stages": STAGES,
        "credit": selectors.credit(member=request.member, zone=request.zone, year=year),
        "overdue": len(selectors.overdue(member=request.member, zone=request.zone)),
        "years": range(as_of_date(request.zone).year, as_of_date(request.zone).year - 4, -1)})


def _leads(request):
    qs = Lead.objects.restrict(request.member).filter(zone=request.zone) \
        .select_related("unit", "serving_unit", "project")
    f = LeadFilter(request.GET, queryset=qs)
    warn_invalid(request, f)
    return f.qs_or_none().order_by("-lead_on", "-id"), f


EXPORT = [Column("线索名称", "name", width=30), Column("来源", "source", width=10), Column("引荐单位", "unit", width=14),
          Column("引荐人", "brought_by", width=10), Column("服务单位", "serving_unit", width=14),
          Column("投资方", "investor", width=24), Column("产业", "industry", width=14),
          Column("意向投资(万元)", "intended_investment", "decimal", width=14), Column("阶段", "stage", width=8),
          Column("收到线索日期", "lead_on", "date", width=12), Column("首次研判期限", "assess_by", "date", width=12),
          Column("签约日期", "signed_on", "date", width=12), Column("项目编号", "project", width=14),
          Column("放弃原因", "drop_reason", width=24)]


def lead_list(request):
    qs, f = _leads(request)
    if request.GET.get("format") == "xlsx":
        rows = ({"name": x.name, "source": x.get_source_display(), "unit": x.unit.name, "brought_by": x.brought_by,
                 "serving_unit": x.serving_unit.name, "investor": x.investor, "industry": x.industry,
                 "intended_investment": x.intended_investment, "stage": x.get_stage_display(), "lead_on": x.lead_on,
                 "assess_by": x.assess_by, "signed_on": x.signed_on, "project": x.project.code if x.project else "",
                 "drop_reason": x.drop_reason} for x in qs)
        return xlsx_response(EXPORT, rows, title=_("Investment leads"), zone=request.zone)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))  # anything but a page number opens the first
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "xlsx"
    return render(request, "promotion/leads.html", {"page": page, "filter": f, "export_query": query.urlencode(),
                                                    "stages": Lead.Stage.choices, "sources": Lead.Source.choices})


def overdue(request):
    return render(request, "promotion/overdue.html", {
        "leads": selectors.overdue(member=request.member, zone=request.zone), "today": as_of_date(request.zone)})


def _lead_or_404(request, pk, action="view") -> Lead:
    found = Lead.objects.restrict(request.member, action).filter(pk=pk, zone=request.zone) \
        .select_related("unit", "serving_unit", "project", "project__unit").first()
    if found is None:
        raise Http404(_("No such lead, or it is outside your data scope."))
    return found


def lead_form(request, pk=None):
    member, zone = request.member, request.zone
    if not member.can_change:
        raise PermissionDenied(_("Leaders read; changes are made by the office and unit staff."))
    lead = _lead_or_404(request, pk, CHANGE) if pk is not None else None
    if request.method == "POST":
        form = LeadForm(request.POST, member=member, zone=zone)
        if form.is_valid():
            try:
                if lead is None:
                    lead = services.lead_create(member=member, zone=zone, **form.cleaned_data)
                else:
                    lead = services.lead_update(member=member, lead=lead, **form.cleaned_data)
            except ValidationError as exc:
                put_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Lead saved."))
                return redirect("promotion:lead", pk=lead.pk)
    else:
        initial = {"currency": "CNY", "lead_on": as_of_date(zone).isoformat()}
        if lead is not None:
            initial = {f: getattr(lead, f) for f in services.LEAD_FIELDS}
        form = LeadForm(initial=initial, member=member, zone=zone)
    return render(request, "promotion/lead_form.html", {"form": form, "lead": lead})


ACTIONS = {"advance": AdvanceForm, "drop": DropForm, "visit": VisitForm, "capital": CapitalForm}


def lead_detail(request, pk):
    """A lead: its stages with dates, visits, the project it became and the project's capital; the forms to move
    it on, drop it, log a visit and record capital."""
    member, zone = request.member, request.zone
    lead = _lead_or_404(request, pk)
    can_change = member.can_change and Lead.objects.restrict(member, CHANGE).filter(pk=lead.pk).exists()
    forms = {"advance": AdvanceForm(member=member, zone=zone, initial={"stage": _next(lead)}),
             "drop": DropForm(), "visit": VisitForm(), "capital": CapitalForm()}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS or not can_change:
            raise PermissionDenied(_("You may not change this lead."))
        form = ACTIONS[action](request.POST, **({"member": member, "zone": zone} if action == "advance" else {}))
        forms[action] = form
        if form.is_valid():
            try:
                done = _act(request, lead, action, form.cleaned_data)
            except ValidationError as exc:
                put_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, done)
                return redirect("promotion:lead", pk=lead.pk)
    info = selectors.lead_detail(lead)
    totals = services.capital_totals(lead.project) if lead.project_id else None
    return render(request, "promotion/lead.html", {
        "lead": lead, **info, "forms": forms, "can_change": can_change, "next_stage": _next(lead),
        "totals": totals, "warnings": services.capital_warnings(lead.project) if lead.project_id else []})


def _next(lead: Lead) -> str:
    from tuijin.promotion.models import ORDER, STAGE_CODES

    if lead.dropped or ORDER[lead.stage] + 1 >= len(STAGE_CODES):
        return ""
    return STAGE_CODES[ORDER[lead.stage] + 1]


def _act(request, lead: Lead, action: str, data: dict) -> str:
    member = request.member
    if action == "advance":
        project = None
        if data.get("project"):
            project = Project.objects.restrict(member).filter(pk=data["project"], zone=request.zone).first()
            if project is None:
                raise ValidationError({"project": _("No such project, or it is outside your data scope.")})
        lead = services.lead_advance(member=member, lead=lead, stage=data.get("stage") or "", on=data.get("on"),
                                     project=project, code=data.get("code") or "")
        return _("The lead is at 「%(s)s」.") % {"s": lead.get_stage_display()}
    if action == "drop":
        services.lead_drop(member=member, lead=lead, on=data.get("on"), reason=data.get("reason"))
        return _("The lead was dropped.")
    if action == "visit":
        services.visit_log(member=member, lead=lead, **data)
        return _("Visit logged.")
    if lead.project_id is None:
        raise ValidationError(_("Capital is recorded for the project a lead became: sign the lead first."))
    _record, warnings = services.capital_record(member=member, project=lead.project, **data)
    for w in warnings:
        messages.warning(request, w)
    return _("Capital recorded.")
