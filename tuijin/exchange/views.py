"""The page flow every import shares: upload → check → preview → confirm; errors with the workbook marked.

Any registered importer gets it at /exchange/<name>/import/ (template at …/template/, export at …/export/);
an app links to it, e.g. ``{% include "exchange/_actions.html" with name="projects" %}``.
"""
from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from tuijin.core import jobs
from tuijin.exchange.base import get_importer, run_import
from tuijin.exchange.jobs import import_confirmed
from tuijin.exchange.uploads import forget, load_upload, save_upload
from tuijin.sheets.tabular import (MAX_BYTES, FileProblem, check_size, error_workbook, export_workbook,
                                     template_workbook)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _importer_or_404(name):
    try:
        return get_importer(name)
    except KeyError as exc:
        raise Http404(str(exc)) from exc


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


def import_page(request, name):
    importer = _importer_or_404(name)
    member, zone = request.member, request.zone
    if not importer.can_import(member):
        raise PermissionDenied(_("Leaders read; imports are done by the office and unit staff."))
    context = {"importer": importer, "name": name, "columns": importer.columns(zone), "next": _next_url(request),
               "option_choices": importer.option_choices(member),
               "chosen": {o.name: o.default for o in importer.options}}
    outcome = data = filename = None
    if request.method == "GET" and request.GET.get("job"):
        # a large import confirmed in the background: its state, polled until it ends (then the page reloads)
        job = jobs.visible_job(member, request.GET["job"])
        if job is None or job.kind != "import":
            raise Http404(_("No such background job."))
        context["job"] = job
    elif request.method == "POST" and request.POST.get("token"):
        token = request.POST["token"]
        meta, data = load_upload(token, member=member, zone=zone)
        filename = meta["filename"]
        chosen = meta.get("options") or {}
        confirmed = request.POST.get("confirmed") == "1"
        if meta.get("rows", 0) >= settings.TUIJIN_IMPORT_BACKGROUND_ROWS:
            job = jobs.start(import_confirmed, token, confirmed, zone=zone, target=f"import:{name}")
            return redirect(f"{request.path}?job={job.pk}")
        outcome = run_import(importer, data, filename, zone=zone, member=member, confirmed=confirmed, options=chosen)
        context["chosen"] = chosen
        if outcome.ok:
            forget(token)
            messages.success(request, _("Imported %(file)s: %(summary)s") % {"file": filename,
                                                                            "summary": outcome.summary.text()})
            return redirect(context["next"] or request.path)
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["problem"] = _("Choose a file to upload.")
        elif upload.size > MAX_BYTES:
            try:
                check_size(upload.size, MAX_BYTES)
            except FileProblem as exc:
                context["problem"] = exc.message
        else:
            data, filename = upload.read(), upload.name
            chosen = {o.name: request.POST.get(f"option_{o.name}", o.default) for o in importer.options}
            context["chosen"] = chosen
            outcome = run_import(importer, data, filename, zone=zone, member=member, dry_run=True, options=chosen)
            if outcome.ok:
                context["token"] = save_upload(member=member, zone=zone, name=name, data=data, filename=filename,
                                               options=chosen, rows=len(outcome.table.rows))
    if outcome is not None:
        context["outcome"], context["filename"] = outcome, filename
        if not outcome.ok and outcome.table is not None and outcome.errors:
            context["error_token"] = save_upload(member=member, zone=zone, name=name, filename=filename,
                                                 data=error_workbook(outcome.table, outcome.errors), suffix="xlsx")
    return render(request, "exchange/import.html", context)


def template_download(request, name):
    importer = _importer_or_404(name)
    data = template_workbook(importer.columns(request.zone), title=importer.title,
                             lists=importer.template_lists(request.zone, request.member))
    return _xlsx(data, f"{importer.title}模板.xlsx")


def error_download(request, token):
    meta, data = load_upload(token, member=request.member, zone=request.zone, suffix="xlsx")
    return _xlsx(data, f"错误标注-{meta['filename'].rsplit('.', 1)[0]}.xlsx")


def export_download(request, name):
    importer = _importer_or_404(name)
    filters = {k: v for k, v in request.GET.items() if v and k not in ("page", "sort")}
    try:
        rows = importer.export_rows(zone=request.zone, member=request.member, filters=filters)
    except NotImplementedError as exc:
        raise Http404(str(exc)) from exc
    title = importer.export_title or importer.title
    data = export_workbook(importer.columns(request.zone), rows, title=title)
    return _xlsx(data, f"{request.zone.display_name}{title}.xlsx")
