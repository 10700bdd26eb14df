"""The page flow every import shares: upload → check → preview → confirm; errors with the workbook marked."""
from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tuijin.exchange.base import get_importer, run_import
from tuijin.exchange.tabular import error_workbook, export_workbook, template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KEEP_SECONDS = 3600


def _store() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _importer_or_404(name):
    try:
        return get_importer(name)
    except KeyError as exc:
        raise Http404(str(exc)) from exc


def _save_upload(request, name: str, data: bytes, filename: str, suffix: str = "bin") -> str:
    token = secrets.token_urlsafe(16)
    store = _store()
    (store / f"{token}.{suffix}").write_bytes(data)
    (store / f"{token}.json").write_text(json.dumps({
        "member": request.member.pk, "name": name, "filename": filename, "zone": request.zone.pk,
        "time": time.time()}), encoding="utf-8")
    for old in store.glob("*.json"):  # forget uploads left unconfirmed
        if time.time() - old.stat().st_mtime > KEEP_SECONDS:
            for f in store.glob(old.stem + ".*"):
                f.unlink(missing_ok=True)
    return token


def _load_upload(request, token: str, suffix: str = "bin"):
    store = _store()
    if not token.replace("-", "").replace("_", "").isalnum():
        raise Http404()
    meta_path, data_path = store / f"{token}.json", store / f"{token}.{suffix}"
    if not meta_path.exists() or not data_path.exists():
        raise Http404(_("The uploaded file has expired; please upload it again."))
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta["member"] != request.member.pk:
        raise PermissionDenied()
    return meta, data_path.read_bytes()


def import_page(request, name):
    importer = _importer_or_404(name)
    member, zone = request.member, request.zone
    if not member.can_change:
        raise PermissionDenied(_("Leaders read; imports are done by the office and unit staff."))
    context = {"importer": importer, "name": name, "columns": importer.columns(zone)}
    if request.method == "POST" and request.POST.get("token"):
        meta, data = _load_upload(request, request.POST["token"])
        outcome = run_import(importer, data, meta["filename"], zone=zone, member=member,
                             confirmed=request.POST.get("confirmed") == "1")
        if outcome.ok:
            messages.success(request, _("Imported: %(summary)s") % {"summary": outcome.summary.text()})
            return redirect(request.path)
        context["outcome"] = outcome
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["problem"] = _("Choose a file to upload.")
        elif upload.size > 20 * 1024 * 1024:
            context["problem"] = _("The file is larger than 20 MB.")
        else:
            data = upload.read()
            outcome = run_import(importer, data, upload.name, zone=zone, member=member, dry_run=True)
            context["outcome"] = outcome
            context["filename"] = upload.name
            if outcome.ok:
                context["token"] = _save_upload(request, name, data, upload.name)
            elif outcome.table is not None and outcome.errors:
                context["error_token"] = _save_upload(request, name, error_workbook(outcome.table, outcome.errors),
                                                      upload.name, suffix="xlsx")
    return render(request, "exchange/import.html", context)


def template_download(request, name):
    importer = _importer_or_404(name)
    data = template_workbook(importer.columns(request.zone), title=importer.title,
                             lists=importer.template_lists(request.zone, request.member))
    return _xlsx(data, f"{importer.title}模板.xlsx")


def error_download(request, token):
    meta, data = _load_upload(request, token, suffix="xlsx")
    return _xlsx(data, f"错误标注-{meta['filename'].rsplit('.', 1)[0]}.xlsx")


def export_download(request, name):
    importer = _importer_or_404(name)
    filters = {k: v for k, v in request.GET.items() if v and k not in ("page", "sort")}
    rows = importer.export_rows(zone=request.zone, member=request.member, filters=filters)
    data = export_workbook(importer.columns(request.zone), rows, title=importer.export_title or importer.title)
    return _xlsx(data, f"{request.zone.display_name}{importer.export_title or importer.title}.xlsx")
