from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.assessment import selectors, services
from tuijin.assessment.documents import commendation_docx, commendation_xlsx
from tuijin.assessment.forms import CompareForm
from tuijin.assessment.models import Run, Scheme
from tuijin.core.downloads import wants_xlsx, xlsx_response
from tuijin.core.params import warn_invalid
from tuijin.engine.assessment import SchemeError
from tuijin.sheets.tabular import Column

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _errors(request, exc):
    msgs = exc.messages if hasattr(exc, "messages") else [str(exc)]
    for m in msgs:
        messages.error(request, m)


def index(request):
    member = request.member
    if request.method == "POST":
        try:
            scheme = Scheme.objects.restrict(member).get(pk=request.POST.get("scheme"), zone=request.zone)
            upload = request.FILES.get("data")
            rows = None
            if upload is not None:
                from tuijin.sheets.tabular import FileProblem, read_table

                try:
                    table = read_table(upload.read(), upload.name)
                except FileProblem as exc:
                    raise ValidationError(exc.message) from exc
                rows = [table.headers] + [values for _n, values in table.rows]
            run = services.run_create(member=member, scheme=scheme, rows=rows, title=request.POST.get("title") or
                                      scheme.name, year=int(request.POST.get("year") or timezone.localdate().year),
                                      month=int(request.POST.get("month") or 12),
                                      samples=int(request.POST.get("samples") or 0), seed=1)
            return redirect("assessment:run", pk=run.pk)
        except (Scheme.DoesNotExist, ValueError):
            messages.error(request, _("Choose a scheme and give a valid year and month."))
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        return redirect("assessment:index")
    return render(request, "assessment/index.html", {
        "schemes": selectors.scheme_latest(member=member, zone=request.zone),
        "runs": selectors.run_list(member=member, zone=request.zone)[:30],
        "commendations": selectors.commendation_list(member=member, zone=request.zone)})


def scheme_edit(request, pk=None):
    member = request.member
    scheme = Scheme.objects.restrict(member).filter(pk=pk, zone=request.zone).first() if pk else None
    if pk and scheme is None:
        raise Http404()
    text = request.POST.get("yaml") if request.method == "POST" else (scheme.yaml if scheme else "")
    error = ""
    if request.method == "POST":
        try:
            new = services.scheme_save(member=member, zone=request.zone, yaml_text=text,
                                       code=scheme.code if scheme else None)
            messages.success(request, _("Scheme saved as version %(v)s.") % {"v": new.version})
            return redirect("assessment:scheme", pk=new.pk)
        except ValidationError as exc:
            error = "; ".join(exc.messages)
        except PermissionDenied as exc:
            raise exc
    versions = Scheme.objects.restrict(member).filter(zone=request.zone, code=scheme.code) if scheme else []
    return render(request, "assessment/scheme.html", {"scheme": scheme, "text": text, "error": error,
                                                      "versions": versions})


def _run(request, pk) -> Run:
    run = selectors.run_list(member=request.member, zone=request.zone).filter(pk=pk).first()
    if run is None:
        raise Http404(_("No such assessment run."))
    return run


def run_detail(request, pk):
    run = _run(request, pk)
    member = request.member
    if request.method == "POST":
        try:
            if request.POST.get("action") == "publish":
                services.run_publish(member=member, run=run)
            elif request.POST.get("action") == "robustness":
                services.run_robustness(member=member, run=run, samples=int(request.POST.get("samples") or 1000),
                                        seed=int(request.POST.get("seed") or 1))
            elif request.POST.get("action") == "commend":
                awards = {}
                for line in request.POST.get("awards", "").splitlines():
                    if ":" in line or ":" in line:
                        name, units = line.replace(":", ":").split(":", 1)
                        awards[name.strip()] = [u.strip() for u in units.replace("、", ",").split(",") if u.strip()]
                c = services.commendation_from_run(member=member, run=run, title=request.POST.get("title") or
                                                   f"{run.year}年度先进集体和先进个人表彰名单",
                                                   per_group=int(request.POST.get("per_group") or 1), awards=awards)
                return redirect("assessment:commendation", pk=c.pk)
        except (ValidationError, PermissionDenied, ValueError, SchemeError) as exc:
            _errors(request, exc)
        return redirect("assessment:run", pk=pk)
    units = selectors.visible_units(member, run)
    if wants_xlsx(request):
        columns = [Column("分组", "group", width=12), Column("名次", "rank", "integer", width=8),
                   Column("单位", "unit", width=24), Column("得分", "score", "decimal", width=10),
                   Column("等次", "tier", width=12)]
        rows = [dict(u, tier=u["tier"] or ("无数据" if u["score"] is None else "")) for u in
                sorted(units, key=lambda u: (u["group"], u["rank"] or 10**9))]
        return xlsx_response(columns, rows, title=run.title, zone=request.zone)
    groups: dict = {}
    for u in sorted(units, key=lambda u: (u["group"], u["rank"] or 10**9)):
        groups.setdefault(u["group"] or "—", []).append(u)
    chosen = request.GET.get("unit") or (units[0]["unit"] if len(units) == 1 else "")
    breakdown = next((u for u in units if u["unit"] == chosen), None)
    rob = selectors.visible_robustness(member, run)
    return render(request, "assessment/run.html", {
        "run": run, "groups": groups, "breakdown": breakdown, "rob": rob,
        "other_runs": selectors.run_list(member=member, zone=request.zone).exclude(pk=run.pk)[:20]})


def run_compare(request):
    form = CompareForm(request.GET)
    if not form.is_valid():  # a run that cannot be one: back to the runs, saying which parameter
        warn_invalid(request, form)
        return redirect("assessment:index")
    a, b = _run(request, form.cleaned_data["a"]), _run(request, form.cleaned_data["b"])
    if not request.member.scope in ("zone", "all"):
        raise PermissionDenied(_("Only members who see the whole zone can compare runs."))
    return render(request, "assessment/compare.html", {"a": a, "b": b, "rows": selectors.compare_runs(a, b)})


def commendation(request, pk):
    c = selectors.commendation_list(member=request.member, zone=request.zone).filter(pk=pk).first()
    if c is None:
        raise Http404()
    if request.method == "POST":
        try:
            services.commendation_add_individual(member=request.member, commendation=c,
                                                 person=request.POST.get("person", ""),
                                                 unit_name=request.POST.get("unit_name", ""),
                                                 note=request.POST.get("note", ""))
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        return redirect("assessment:commendation", pk=pk)
    fmt = request.GET.get("format")
    if fmt in ("docx", "xlsx"):
        data = commendation_docx(c, request.zone.name, timezone.localdate()) if fmt == "docx" else commendation_xlsx(c)
        response = HttpResponse(data, content_type=DOCX if fmt == "docx" else XLSX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(c.title)}.{fmt}"
        return response
    return render(request, "assessment/commendation.html", {"c": c, "entries": c.entries.all()})
