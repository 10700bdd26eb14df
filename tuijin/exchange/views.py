"""The page flow every import shares: upload → check → preview → confirm; errors with the workbook marked.

Any registered importer gets it at /exchange/<name>/import/ (template at …/template/, export at …/export/);
an app links to it, e.g. ``{% include "exchange/_actions.html" with name="projects" %}``.
"""
from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from tuijin.exchange.base import get_importer, run_import
from tuijin.sheets.tabular import (MAX_BYTES, FileProblem, check_size, error_workbook, export_workbook,
                                     template_workbook)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KEEP_SECONDS = 3600  # an upload waits this long for its confirmation
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _store() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _importer_or_404(name):
    try:
        return get_importer(name)
    except KeyError as exc:
        raise Http404(str(exc)) from exc


def purge_uploads(now: float | None = None) -> int:
    """Forget uploads nobody confirmed in time; returns how many were removed."""
    now = time.time() if now is None else now
    removed = 0
    for meta in _store().glob("*.json"):
        if now - meta.stat().st_mtime > KEEP_SECONDS:
            for f in meta.parent.glob(meta.stem + ".*"):
                f.unlink(missing_ok=True)
            removed += 1
    return removed


def _save_upload(request, name: str, data: bytes, filename: str, suffix: str = "bin", options: dict | None = None
                 ) -> str:
    """Keep a file for a later request, on disk under a random token bound to the member and zone."""
    purge_uploads()
    token = secrets.token_urlsafe(24)
    store = _store()
    (store / f"{token}.{suffix}").write_bytes(data)
    (store / f"{token}.json").write_text(json.dumps({
        "member": request.member.pk, "name": name, "filename": filename, "zone": request.zone.pk,
        "time": time.time(), "options": options or {}}, ensure_ascii=False), encoding="utf-8")
    return token


def _load_upload(request, token: str, suffix: str = "bin"):
    if not TOKEN.fullmatch(token or ""):
        raise Http404()
    store = _store()
    meta_path, data_path = store / f"{token}.json", store / f"{token}.{suffix}"
    if not meta_path.exists() or not data_path.exists():
        raise Http404(_("The uploaded file has expired; please upload it again."))
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta["member"] != request.member.pk or meta["zone"] != request.zone.pk:
        raise PermissionDenied()
    if time.time() - meta["time"] > KEEP_SECONDS:
        raise Http404(_("The uploaded file has expired; please upload it again."))
    return meta, data_path.read_bytes()


def _forget(token: str) -> None:
    for f in _store().glob(token + ".*"):
        f.unlink(missing_ok=True)


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
    if request.method == "POST" and request.POST.get("token"):
        token = request.POST["token"]
        meta, data = _load_upload(request, token)
        filename = meta["filename"]
        chosen = meta.get("options") or {}
        outcome = run_import(importer, data, filename, zone=zone, member=member,
                             confirmed=request.POST.get("confirmed") == "1", options=chosen)
        context["chosen"] = chosen
        if outcome.ok:
            _forget(token)
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
                context["token"] = _save_upload(request, name, data, filename, options=chosen)
    if outcome is not None:
        context["outcome"], context["filename"] = outcome, filename
        if not outcome.ok and outcome.table is not None and outcome.errors:
            context["error_token"] = _save_upload(request, name, error_workbook(outcome.table, outcome.errors),
                                                  filename, suffix="xlsx")
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
    try:
        rows = importer.export_rows(zone=request.zone, member=request.member, filters=filters)
    except NotImplementedError as exc:
        raise Http404(str(exc)) from exc
    title = importer.export_title or importer.title
    data = export_workbook(importer.columns(request.zone), rows, title=title)
    return _xlsx(data, f"{request.zone.display_name}{title}.xlsx")
