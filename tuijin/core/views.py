from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.core.changelog import describe
from tuijin.core.models import ChangeLog, OperationLog, Zone
from tuijin.core.operations import label_rows
from tuijin.core.params import parse_id
from tuijin.core.scope import SESSION_ZONE_KEY


def server_error(request):
    """handler500: a write that timed out waiting for a lock is "busy" (503), everything else the site's 500."""
    import sys

    from django.views.defaults import server_error as django_server_error

    from tuijin.core.middleware import busy_response, is_lock_timeout

    if is_lock_timeout(sys.exc_info()[1]):
        return busy_response(request)
    return django_server_error(request)


def job_status(request, pk):
    """A background job's state, polled by htmx where the user waits; when it ends the page reloads once."""
    from django.http import Http404

    from tuijin.core.jobs import visible_job

    job = visible_job(request.member, pk)
    if job is None:
        raise Http404(_("No such background job."))
    response = render(request, "core/_job.html", {"job": job})
    if job.finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def home(request):
    """Leaders land on the cockpit, everyone else on their work list."""
    member = request.member
    targets = ["dashboard:cockpit"] if member is not None and member.is_leader else []
    targets += ["indicators:filing"] if member is not None and member.role == member.Role.STAFF else []
    targets += ["dashboard:cockpit", "projects:list"]
    for name in targets:
        try:
            return redirect(reverse(name))
        except NoReverseMatch:
            continue
    return render(request, "core/home.html")


@require_POST
def zone_switch(request):
    member = request.member
    zone = Zone.objects.restrict(member).filter(pk=parse_id(request.POST.get("zone"))).first()
    if zone is None:
        raise PermissionDenied(_("You may not open that zone."))
    request.session[SESSION_ZONE_KEY] = zone.pk
    back = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    return redirect(back)


def changelog_list(request):
    """The zone's change history (office and admin)."""
    member = request.member
    if member is None or not member.is_office:
        raise PermissionDenied(_("Only the office may read the whole change history."))
    qs = ChangeLog.objects.select_related("content_type").filter(zone=request.zone)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    page.object_list = describe(page.object_list)
    return render(request, "core/changelog_list.html", {"page": page})


def operation_list(request):
    """The operation log (administrators): writes and downloads with their outcome."""
    member = request.member
    if member is None or not member.is_admin:
        raise PermissionDenied(_("Only administrators may read the operation log."))
    page = Paginator(OperationLog.objects.all(), 50).get_page(request.GET.get("page"))
    page.object_list = label_rows(page.object_list)
    return render(request, "core/operation_list.html", {"page": page})
