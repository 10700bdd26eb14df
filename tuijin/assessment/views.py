from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.assessment import builder, selectors, services
from tuijin.assessment.documents import commendation_docx, commendation_xlsx
from tuijin.assessment.forms import ClaimForm, CompareForm, IncidentForm, YearParams
from tuijin.assessment.models import Claim, Run, Scheme
from tuijin.core.forms import put_errors
from tuijin.core.periods import YEAR_MAX, YEAR_MIN, as_of_date
from tuijin.core import jobs
from tuijin.core.downloads import wants_xlsx, xlsx_response
from tuijin.core.params import parse_id, parse_int, warn_invalid
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
            scheme = Scheme.objects.restrict(member).filter(pk=parse_id(request.POST.get("scheme")),
                                                            zone=request.zone).first()
            year = parse_int(request.POST.get("year") or timezone.localdate().year, YEAR_MIN, YEAR_MAX)
            month = parse_int(request.POST.get("month") or 12, 1, 12)
            if scheme is None or year is None or month is None:
                raise ValidationError(_("Choose a scheme and give a valid year and month."))
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
                                      scheme.name, year=year, month=month,
                                      samples=request.POST.get("samples") or 0, seed=1)  # the service checks it
            return redirect("assessment:run", pk=run.pk)
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        return redirect("assessment:index")
    return render(request, "assessment/index.html", {
        "schemes": selectors.scheme_latest(member=member, zone=request.zone),
        "runs": selectors.run_list(member=member, zone=request.zone)[:30],
        "runs_from_above": selectors.runs_from_above(member=member, zone=request.zone)[:30],
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


def _run(request, pk, *, from_above: bool = False) -> Run:
    run = selectors.run_list(member=request.member, zone=request.zone).filter(pk=pk).first()
    if run is None and from_above:  # a run published down by the city above the zone: read only
        run = selectors.runs_from_above(member=request.member, zone=request.zone).filter(pk=pk).first()
    if run is None:
        raise Http404(_("No such assessment run."))
    return run


def run_detail(request, pk):
    run = _run(request, pk, from_above=True)
    member = request.member
    if request.method == "POST":
        try:
            if request.POST.get("action") == "publish":
                services.run_publish(member=member, run=run)
            elif request.POST.get("action") == "robustness":
                services.run_robustness_start(member=member, run=run,
                                              samples=request.POST.get("samples") or 1000,
                                              seed=request.POST.get("seed") or 1)  # the service checks both
            elif request.POST.get("action") == "commend":
                awards = {}
                for line in request.POST.get("awards", "").splitlines():
                    if ":" in line or ":" in line:
                        name, units = line.replace(":", ":").split(":", 1)
                        awards[name.strip()] = [u.strip() for u in units.replace("、", ",").split(",") if u.strip()]
                c = services.commendation_from_run(member=member, run=run, title=request.POST.get("title") or
                                                   f"{run.year}年度先进集体和先进个人表彰名单",
                                                   per_group=request.POST.get("per_group") or 1, awards=awards)
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
    from_above = selectors.is_from_above(member, run)
    own = [u["unit"] for u in units if not u.get("withheld")]
    chosen = request.GET.get("unit") or (own[0] if len(own) == 1 else "")
    breakdown = next((u for u in units if u["unit"] == chosen and not u.get("withheld")), None)
    rob = selectors.visible_robustness(member, run)
    return render(request, "assessment/run.html", {
        "run": run, "groups": groups, "breakdown": breakdown, "rob": rob, "from_above": from_above,
        "job": None if from_above else jobs.latest_for(run),
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


def _unit(pk):
    from tuijin.org.models import Unit

    return Unit.objects.filter(pk=pk).first()


def claims(request):
    """Bonus claims (加分项申报): a unit claims with evidence, the office verifies or rejects with a reason."""
    member, zone = request.member, request.zone
    form = ClaimForm(member=member, zone=zone, initial={"year": as_of_date(zone).year})
    if request.method == "POST":
        if request.POST.get("action") in ("verify", "reject"):
            claim = Claim.objects.restrict(member).filter(zone=zone, pk=parse_id(request.POST.get("claim"))).first()
            if claim is None:
                messages.error(request, _("No such claim."))
            else:
                try:
                    services.claim_decide(member=member, claim=claim, verify=request.POST["action"] == "verify",
                                          granted=request.POST.get("granted") or None,
                                          reason=request.POST.get("reason", ""))
                    messages.success(request, _("Claim decided."))
                except (ValidationError, PermissionDenied) as exc:
                    _errors(request, exc)
            return redirect("assessment:claims")
        form = ClaimForm(request.POST, request.FILES, member=member, zone=zone)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.claim_submit(member=member, zone=zone, unit=_unit(d["unit"]), year=d["year"],
                                      kind=d["kind"], title=d["title"], points=d["points"], evidence=d["evidence"])
            except (ValidationError, PermissionDenied) as exc:
                put_errors(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
            else:
                messages.success(request, _("Claim submitted: the office will verify it."))
                return redirect("assessment:claims")
    params = YearParams(request.GET)
    warn_invalid(request, params)
    year = params.cleaned_data.get("year") if params.is_valid() else None
    rows = selectors.claim_list(member=member, zone=zone, year=year)
    return render(request, "assessment/claims.html", {"form": form, "claims": rows, "year": year,
                                                      "can_decide": member.is_office and member.scope in
                                                      ("zone", "all")})


def claim_evidence(request, pk):
    """A claim's evidence, served only to those who may see the claim."""
    from django.http import FileResponse

    claim = Claim.objects.restrict(request.member).filter(zone=request.zone, pk=pk).first()
    if claim is None or not claim.evidence:
        raise Http404()
    return FileResponse(claim.evidence.open("rb"), as_attachment=True,
                        filename=claim.evidence.name.rsplit("/", 1)[-1])


def incidents(request):
    """Safety and stability incidents per unit, recorded by the office."""
    member, zone = request.member, request.zone
    form = IncidentForm(member=member, zone=zone)
    if request.method == "POST":
        form = IncidentForm(request.POST, member=member, zone=zone)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.incident_record(member=member, zone=zone, unit=_unit(d["unit"]), kind=d["kind"],
                                         occurred_on=d["occurred_on"], title=d["title"])
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Incident recorded."))
                return redirect("assessment:incidents")
    params = YearParams(request.GET)
    warn_invalid(request, params)
    year = params.cleaned_data.get("year") if params.is_valid() else None
    return render(request, "assessment/incidents.html", {
        "form": form, "incidents": selectors.incident_list(member=member, zone=zone, year=year), "year": year})


def _builder_context(request, values: dict, columns: dict, **extra) -> dict:
    rows = builder._rows(values)

    def pick(prefix: str, n: int, keys: tuple[str, ...]) -> list[dict]:
        return [{"i": i, **{k: str(values.get(f"{prefix}{k}_{i}", "") or "") for k in keys}} for i in range(n)]

    return {"v": values, "row_values": pick("", rows, ("cat", "cat_weight", "name", "source", "weight", "points",
                                                        "direction", "rule", "params")),
            "tier_values": pick("tier_", builder.TIER_ROWS, ("name", "min", "share")),
            "adj_values": pick("adj_", builder.ADJ_ROWS, ("kind", "name", "source", "per", "cap")), "columns": columns, "rule_choices": builder.rule_choices(),
            "rule_params": {code: "、".join(builder.PARAM_LABELS.get(k, k) for k in t.params)
                            for code, t in builder.RULE_TYPES.items()},
            "rows": range(rows), "more_rows": min(rows + 10, builder.ROWS_MAX), "tier_rows": range(builder.TIER_ROWS),
            "adj_rows": range(builder.ADJ_ROWS), "aggregations": builder.AGGREGATIONS, "missing": builder.MISSING,
            "adj_kinds": builder.ADJ_KINDS, "directions": builder.DIRECTIONS,
            "year": as_of_date(request.zone).year, **extra}


def scheme_builder(request, pk=None):
    """The scheme form: a clerk builds (or edits) a scheme in rows; saving makes a new version, as YAML does."""
    from tuijin.core.scope import require_office

    member, zone = request.member, request.zone
    require_office(member)
    scheme = Scheme.objects.restrict(member).filter(pk=pk, zone=zone).first() if pk else None
    if pk and scheme is None:
        raise Http404()
    columns = selectors.scheme_sources(zone)
    error, field = "", ""
    if request.method == "POST":
        values = request.POST.dict()
        try:
            parsed_dict = builder.to_dict(request.POST, columns=columns)
            parsed_dict["code"] = scheme.code if scheme is not None else _free_code(zone)
            builder.check(parsed_dict)
            new = services.scheme_save(member=member, zone=zone, yaml_text=builder.to_yaml(parsed_dict),
                                       code=scheme.code if scheme else None)
        except builder.FormProblem as exc:
            error, field = exc.message, exc.field
        except SchemeError as exc:
            error = str(exc)
        except ValidationError as exc:
            error = "; ".join(builder.readable(m, parsed_dict) for m in exc.messages)
        else:
            messages.success(request, _("Scheme saved as version %(v)s.") % {"v": new.version})
            return redirect("assessment:scheme", pk=new.pk)
    else:
        values = builder.from_yaml(scheme.yaml, columns) if scheme else {"aggregation": "sum", "missing": "zero"}
        if values is None:
            messages.warning(request, _("This scheme has more levels than the form shows: edit it as YAML."))
            return redirect("assessment:scheme", pk=scheme.pk)
        if request.GET.get("rows"):
            values["rows"] = request.GET["rows"]  # builder._rows reads it
    for key, value in values.items():  # a stored scheme may read a column of its data file: keep it choosable
        if (key.startswith("source_") or key.startswith("adj_source_")) and value and value not in columns:
            columns[value] = value
    return render(request, "assessment/builder.html", _builder_context(request, values, columns, scheme=scheme,
                                                                       error=error, field=field))


def _free_code(zone) -> str:
    taken = set(Scheme.objects.filter(zone=zone).values_list("code", flat=True))
    n = len(taken) + 1
    while f"scheme_{n}" in taken:
        n += 1
    return f"scheme_{n}"


def scheme_preview(request):
    """The live preview of the scheme form (htmx): the scores the form's scheme gives the zone's stored figures
    and records of a year, or the first problem in words."""
    from tuijin.core.scope import require_office

    require_office(request.member)
    if request.method != "POST":
        return HttpResponse(status=405)
    year = parse_int(request.POST.get("preview_year"), YEAR_MIN, YEAR_MAX) or as_of_date(request.zone).year
    try:
        units = services.scheme_preview(member=request.member, zone=request.zone,
                                        scheme=builder.to_dict(request.POST,
                                                               columns=selectors.scheme_sources(request.zone)),
                                        year=year)
        error = ""
    except builder.FormProblem as exc:
        units, error = [], exc.message
    except (SchemeError, ValidationError) as exc:
        units, error = [], "; ".join(getattr(exc, "messages", [str(exc)]))
    return render(request, "assessment/_preview.html", {"units": units, "error": error, "year": year})
