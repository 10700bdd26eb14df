
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.utils.translation import gettext as _

from tuijin.core.downloads import xlsx_response
from tuijin.core.forms import put_errors
from tuijin.org import forms as forms_
from tuijin.org import selectors, services
from tuijin.org.models import Member, Unit
from tuijin.sheets.tabular import Column


def unit_list(request):
    member = request.member
    form = None
    if member.is_office:
        form = forms_.UnitForm(request.POST or None, member=member, zone=request.zone)
        if request.method == "POST" and form.is_valid():
            try:
                unit = services.unit_create(member=member, zone=request.zone, **form.cleaned_data)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Unit saved."))
                return redirect("org:unit_detail", pk=unit.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("Only the office can add units."))
    units = selectors.unit_tree(member=member, zone=request.zone)
    return render(request, "org/unit_list.html", {"units": units, "form": form})


def _unit_or_404(request, pk) -> Unit:
    unit = selectors.unit_list(member=request.member).filter(pk=pk).first()
    if unit is None:
        raise Http404(_("No such unit, or it is outside your data scope."))
    return unit


def unit_detail(request, pk):
    unit = _unit_or_404(request, pk)
    members = selectors.member_list(member=request.member).filter(unit=unit)
    children = selectors.unit_list(member=request.member).filter(parent=unit)
    form = None
    if request.member.is_office:
        form = forms_.UnitForm(request.POST or None, member=request.member, zone=unit.zone, initial={
            "name": unit.name, "kind": unit.kind, "parent": unit.parent_id, "group": unit.group,
            "sort_order": unit.sort_order, "represents": unit.represents_id})
        if request.method == "POST" and form.is_valid():
            try:
                services.unit_update(member=request.member, unit=unit, **form.cleaned_data)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("Unit saved."))
                return redirect("org:unit_detail", pk=unit.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("Only the office can change units."))
    return render(request, "org/unit_detail.html",
                  {"unit": unit, "members": members, "children": children, "form": form})


MEMBER_FILTERS = ("q", "unit", "role", "active")


def _member_filters(request) -> dict:
    return {k: request.GET.get(k, "") for k in MEMBER_FILTERS if request.GET.get(k)}


@require_GET
def member_list(request):
    """Members of the zone within the member's scope: search, filters, pages; the office adds and edits."""
    member = request.member
    filters = _member_filters(request)
    qs = selectors.member_list(member=member, zone=request.zone, filters=filters).order_by("unit__path", "id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "org/member_list.html", {
        "page": page, "filters": filters, "query": request.GET.urlencode(),
        "units": selectors.unit_list(member=member, zone=request.zone),
        "roles": Member.Role.choices, "can_manage": member.is_office})


def member_export(request):
    """The member list as filtered on the page, as an Excel workbook (the exchange's writer: formula-safe)."""
    filters = _member_filters(request)
    qs = selectors.member_list(member=request.member, zone=request.zone, filters=filters).order_by("unit__path", "id")
    columns = [Column(str(_("user name")), "username", width=16), Column(str(_("full name")), "full_name"),
               Column(str(_("unit")), "unit", width=24), Column(str(_("job title")), "title", width=18),
               Column(str(_("phone")), "phone", width=16), Column(str(_("role")), "role"),
               Column(str(_("data scope")), "scope"), Column(str(_("Account enabled")), "active", "boolean"),
               Column(str(_("must change password")), "must_change_password", "boolean")]
    rows = ({"username": m.user.username, "full_name": m.full_name, "unit": m.unit.name, "title": m.title,
             "phone": m.phone, "role": m.get_role_display(), "scope": m.get_scope_display(),
             "active": m.user.is_active, "must_change_password": m.must_change_password} for m in qs)
    return xlsx_response(columns, rows, title=_("Members"), zone=request.zone)


def _require_office(request) -> None:
    if not request.member.is_office:
        raise PermissionDenied(_("Only the office can change members."))


def _member_or_404(request, pk) -> Member:
    target = selectors.member_list(member=request.member).filter(pk=pk).first()
    if target is None:
        raise Http404(_("No such member, or they are outside your data scope."))
    return target


def _refusal(member, target) -> str:
    """Why ``member`` may not change ``target`` (a member above them), or ""."""
    try:
        services.ensure_can_manage(member, target)
    except PermissionDenied as exc:
        return str(exc)
    return ""


def _password_shown_once(request, target, password, *, created=False):
    """The page that shows a generated initial password, once: it is not stored anywhere to show it again."""
    return render(request, "org/member_password_done.html",
                  {"target": target, "password": password, "created": created})


def member_new(request):
    """A new member: unit, role and scope within the office's own; an initial password generated or typed."""
    member = request.member
    _require_office(request)
    form = forms_.MemberCreateForm(request.POST or None, member=member, zone=request.zone)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        generated = data.pop("mode") == forms_.GENERATE
        password = services.initial_password() if generated else data.pop("password")
        data.pop("password", None)
        try:
            new = services.member_create(member=member, password=password, **data)
        except ValidationError as exc:
            put_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            if generated:
                return _password_shown_once(request, new, password, created=True)
            messages.success(request, _("Member added; they must change the initial password at first sign-in."))
            return redirect("org:member_edit", pk=new.pk)
    return render(request, "org/member_form.html", {"form": form})


def member_edit(request, pk):
    """A member's page: details and change history; the office changes them unless they rank above it."""
    member = request.member
    _require_office(request)
    target = _member_or_404(request, pk)
    refusal = _refusal(member, target)
    form = None
    if refusal:
        if request.method == "POST":
            raise PermissionDenied(refusal)
    else:
        form = forms_.MemberEditForm(request.POST or None, member=member, target=target)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            active = data.pop("is_active")
            changes = {k: v for k, v in data.items() if v != getattr(target, k)}
            try:
                services.member_change(member=member, target=target, **changes,
                                       is_active=None if active == target.user.is_active else active)
            except ValidationError as exc:
                put_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Member saved."))
                return redirect("org:member_edit", pk=target.pk)
    return render(request, "org/member_detail.html", {"target": target, "form": form, "refusal": refusal,
                                                      "is_self": target.pk == member.pk})


@require_POST
def member_active(request, pk):
    """Disable or enable a member's account (the members page's buttons)."""
    _require_office(request)
    target = _member_or_404(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.member_set_active(member=request.member, target=target, active=active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, (_("「%(name)s」 can sign in again.") if active else
                                   _("「%(name)s」 is disabled: they can no longer sign in, and their API tokens "
                                     "are revoked.")) % {"name": target})
    return redirect("org:member_edit", pk=target.pk)


def member_password(request, pk):
    """Give a member a new initial password (generated and shown once, or typed); they must change it at the
    next sign-in and their API tokens are revoked."""
    _require_office(request)
    target = _member_or_404(request, pk)
    refusal = _refusal(request.member, target)
    if refusal:
        raise PermissionDenied(refusal)
    form = forms_.PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        generated = form.cleaned_data["mode"] == forms_.GENERATE
        password = services.initial_password() if generated else form.cleaned_data["password"]
        try:
            services.member_reset_password(member=request.member, target=target, password=password)
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            if generated:
                return _password_shown_once(request, target, password)
            messages.success(request, _("The new initial password is set; 「%(name)s」 must change it at the next "
                                        "sign-in.") % {"name": target})
            return redirect("org:member_edit", pk=target.pk)
    return render(request, "org/member_password.html", {"target": target, "form": form})
