"""Forms of the members pages. They offer what the signed-in member may choose; every rule is the service's
(``org.services``): a refused role or scope reads on the form exactly as the API's 403 says it."""
from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _l

from tuijin.core.forms import StyledFormMixin
from tuijin.core.models import Zone
from tuijin.core.scope import Role, Scope, zones_below
from tuijin.org import selectors, services
from tuijin.org.models import Member, Unit

GENERATE, TYPE = "generate", "type"
PASSWORD_MODES = [(GENERATE, _l("Generate one for me (shown once after saving)")),
                  (TYPE, _l("I type it"))]


class GrantChoiceField(forms.ChoiceField):
    """A role or scope field that lists only what the member may grant but accepts any known value, so that a
    value above the member's own reaches the service's rule (and its message) instead of "not a valid choice"."""

    def __init__(self, *, known, **kwargs):
        self.known = list(known)
        super().__init__(**kwargs)

    def valid_value(self, value):
        return value in self.known


class UnitChoiceField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": _l("No such unit, or it is outside your data scope.")}


class MemberFieldsMixin:
    """Unit, role and scope as the acting member may give them; the full name is required on the page."""

    def setup(self, member, zone):
        self.member = member
        self.fields["unit"].queryset = selectors.unit_list(member=member, zone=zone)
        roles, scopes = services.grantable_roles(member), services.grantable_scopes(member)
        self.fields["role"].choices = [c for c in Role.choices if c[0] in roles]
        self.fields["scope"].choices = [c for c in Scope.choices if c[0] in scopes]

    def _granted(self, name):
        value = self.cleaned_data[name]
        try:
            services.ensure_can_grant(self.member, **{name: value})
        except PermissionDenied as exc:
            raise forms.ValidationError(str(exc), code="escalation") from exc
        return value

    def clean_role(self):
        return self._granted("role")

    def clean_scope(self):
        return self._granted("scope")


def _password_fields():
    mode = forms.ChoiceField(label=_l("Initial password"), choices=PASSWORD_MODES, initial=GENERATE,
                             widget=forms.RadioSelect)
    password = forms.CharField(
        label=_l("Password typed by the office"), required=False, strip=False, max_length=128,
        help_text=_l("At least 8 characters, not all digits, not like the user name."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    return mode, password


def _clean_password(form, data):
    if data.get("mode") == TYPE and not data.get("password"):
        form.add_error("password", _l("Type the initial password, or let the system generate one."))
    return data


class MemberCreateForm(MemberFieldsMixin, StyledFormMixin, forms.Form):
    username = forms.CharField(label=_l("user name"), max_length=150,
                               help_text=_l("Letters, digits and @ . + - _ only; used to sign in."))
    full_name = forms.CharField(label=_l("full name"), max_length=50)
    title = forms.CharField(label=_l("job title"), max_length=50, required=False)
    phone = forms.CharField(label=_l("phone"), max_length=30, required=False)
    unit = UnitChoiceField(label=_l("unit"), queryset=Member.objects.none())
    role = GrantChoiceField(label=_l("role"), known=Role.values)
    scope = GrantChoiceField(label=_l("data scope"), known=Scope.values)
    mode, password = _password_fields()

    def __init__(self, *args, member=None, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup(member, zone)

    def clean(self):
        return _clean_password(self, super().clean())


class MemberEditForm(MemberFieldsMixin, StyledFormMixin, forms.Form):
    full_name = forms.CharField(label=_l("full name"), max_length=50)
    title = forms.CharField(label=_l("job title"), max_length=50, required=False)
    phone = forms.CharField(label=_l("phone"), max_length=30, required=False)
    unit = UnitChoiceField(label=_l("unit"), queryset=Member.objects.none())
    role = GrantChoiceField(label=_l("role"), known=Role.values)
    scope = GrantChoiceField(label=_l("data scope"), known=Scope.values)
    is_active = forms.BooleanField(label=_l("Account enabled"), required=False,
                                   help_text=_l("A disabled member cannot sign in; their API tokens are revoked."))

    FIELDS = ("full_name", "title", "phone", "unit", "role", "scope")

    def __init__(self, *args, member=None, target: Member, **kwargs):
        kwargs.setdefault("initial", {**{f: getattr(target, f) for f in self.FIELDS},
                                      "unit": target.unit_id, "is_active": target.user.is_active})
        super().__init__(*args, **kwargs)
        self.setup(member, target.zone)


class PasswordResetForm(StyledFormMixin, forms.Form):
    mode, password = _password_fields()

    def clean(self):
        return _clean_password(self, super().clean())


class UnitForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_l("name"), max_length=100)
    kind = forms.ChoiceField(label=_l("kind"), choices=Unit.Kind.choices)
    parent = forms.ModelChoiceField(label=_l("parent unit"), queryset=Unit.objects.none(), required=False)
    group = forms.CharField(label=_l("assessment group"), max_length=20, required=False)
    sort_order = forms.IntegerField(label=_l("order"), min_value=0, initial=0)
    represents = forms.ModelChoiceField(label=_l("stands for the zone"), queryset=Zone.objects.none(), required=False,
                                        help_text=_l("A city's or district's unit that stands for a zone below it in "
                                                     "its assessments."))

    def __init__(self, *args, member=None, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = selectors.unit_list(member=member, zone=zone)
        below = zones_below(zone.pk) - {zone.pk} if zone is not None else set()
        if below:  # only a level above zones has units that stand for them
            self.fields["represents"].queryset = Zone.objects.filter(pk__in=below).order_by("name")
        else:
            del self.fields["represents"]
