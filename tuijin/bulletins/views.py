from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tuijin.bulletins import services
from tuijin.bulletins.models import Bulletin
from tuijin.bulletins.selectors import bulletin_period
from tuijin.core import jobs
from tuijin.core.periods import current_period, is_locked, period_from_params


def index(request):
    bulletins = Bulletin.objects.restrict(request.member).filter(zone=request.zone)[:50]
    zone = request.zone
    year, month = bulletin_period(zone) or current_period(zone)
    if request.method == "POST":
        try:
            year, month = period_from_params(request.POST, zone, default=(year, month))
            b = services.bulletin_create(member=request.member, zone=zone, year=year, month=month,
                                         draft=request.POST.get("draft") == "1")
            services.bulletin_generate(member=request.member, bulletin=b)
            return redirect("bulletins:detail", pk=b.pk)
        except (ValidationError, PermissionDenied) as exc:
            for m in getattr(exc, "messages", [str(exc)]):
                messages.error(request, m)
    return render(request, "bulletins/index.html", {"bulletins": bulletins, "year": year, "month": month,
                                                    "locked": is_locked(zone, year, month)})


def _bulletin(request, pk) -> Bulletin:
    b = Bulletin.objects.restrict(request.member).filter(pk=pk).first()
    if b is None:
        raise Http404(_("No such bulletin."))
    return b


def detail(request, pk):
    b = _bulletin(request, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "save":
                b = services.bulletin_update(member=request.member, bulletin=b, closing=request.POST.get("closing", ""),
                                             title=request.POST.get("title", ""))
                services.bulletin_generate(member=request.member, bulletin=b)
            elif action == "issue":
                services.bulletin_issue(member=request.member, bulletin=b)
                messages.success(request, _("The bulletin is issued; its files no longer change."))
        except (ValidationError, PermissionDenied) as exc:
            for m in getattr(exc, "messages", [str(exc)]):
                messages.error(request, m)
        return redirect("bulletins:detail", pk=pk)
    return render(request, "bulletins/detail.html", {"b": b, "job": jobs.latest_for(b)})


def status(request, pk):
    """Polled by the page (htmx) while the documents are being generated."""
    b = _bulletin(request, pk)
    return render(request, "bulletins/_status.html", {"b": b, "job": jobs.latest_for(b)})


def download(request, pk, fmt):
    b = _bulletin(request, pk)
    field = {"docx": b.docx, "xlsx": b.xlsx, "pdf": b.pdf}.get(fmt)
    if not field:
        raise Http404(_("This file has not been generated."))
    name = f"{b.zone.display_name}{b.year}年{b.month}月通报.{fmt}"
    response = FileResponse(field.open("rb"), as_attachment=True, filename=name)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
