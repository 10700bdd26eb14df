from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from tuijin.core.forms import StyledFormMixin
from tuijin.org import selectors, services
from tuijin.org.models import Member, Unit


def unit_list(request):
    member = request.member
    form = None
    if member.is_office:
        form = UnitForm(request.POST or None, member=member, zone=request.zone)
        if request.method == "POST" and form.is_valid():
            try:
                unit = services.unit_create(member=member, zone=request.zone, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Unit saved."))
                return redirect("org:unit_detail", pk=unit.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("Only the office can add units."))
    units = selectors.unit_tree(member=member, zone=request.zone)
    return render(request, "org/unit_list.html", {"units": units, "form": form})


def _form_errors(form, exc: ValidationError) -> None:
    """Put a service's validation errors on the form fields they name."""
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            for e in errs:
                form.add_error(field if field in form.fields else None, e)
    else:
        for e in exc.messages:
            form.add_error(None, e)


class UnitForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_l("name"), max_length=100)
    kind = forms.ChoiceField(label=_l("kind"), choices=Unit.Kind.choices)
    parent = forms.ModelChoiceField(label=_l("parent unit"), queryset=Unit.objects.none(), required=False)
    group = forms.CharField(label=_l("assessment group"), max_length=20, required=False)
    sort_order = forms.IntegerField(label=_l("order"), min_value=0, initial=0)

    def __init__(self, *args, member=None, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = selectors.unit_list(member=member, zone=zone)


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
        form = UnitForm(request.POST or None, member=request.member, zone=unit.zone, initial={
            "name": unit.name, "kind": unit.kind, "parent": unit.parent_id, "group": unit.group,
            "sort_order": unit.sort_order})
        if request.method == "POST" and form.is_valid():
            try:
                services.unit_update(member=request.member, unit=unit, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Unit saved."))
                return redirect("org:unit_detail", pk=unit.pk)
    elif request.method == "POST":
        raise PermissionDenied(_("Only the office can change units."))
    return render(request, "org/unit_detail.html",
                  {"unit": unit, "members": members, "children": children, "form": form})


class MemberForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=_l("user name"), max_length=150)
    full_name = forms.CharField(label=_l("full name"), max_length=50, required=False)
    unit = forms.ModelChoiceField(label=_l("unit"), queryset=Unit.objects.none())
    role = forms.ChoiceField(label=_l("role"), choices=Member.Role.choices)
    scope = forms.ChoiceField(label=_l("data scope"), choices=Member.Scope.choices)
    password = forms.CharField(label=_l("initial password"), widget=forms.PasswordInput)

    def __init__(self, *args, member=None, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.unit_list(member=member, zone=zone)
        # Only what this member may grant is offered; the service refuses anything else all the same.
        roles, scopes = services.grantable_roles(member), services.grantable_scopes(member)
        self.fields["role"].choices = [c for c in Member.Role.choices if c[0] in roles]
        self.fields["scope"].choices = [c for c in Member.Scope.choices if c[0] in scopes]


def member_list(request):
    member = request.member
    form = None
    if member.is_office:
        form = MemberForm(request.POST or None, member=member, zone=request.zone)
        if request.method == "POST" and form.is_valid():
            try:
                services.member_create(member=member, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Member added; they must change the initial password at first sign-in."))
                return redirect("org:member_list")
    elif request.method == "POST":
        raise PermissionDenied(_("Only the office can add members."))
    members = selectors.member_list(member=member, zone=request.zone).order_by("unit__path", "id")
    return render(request, "org/member_list.html", {"members": members, "form": form})
