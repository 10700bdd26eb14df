"""Forms of the enterprise pages. They only shape input: every field is passed to the service as typed, so the page
refuses exactly what the API and the import refuse, with the same message (``enterprises.services``)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.core.forms import StyledFormMixin
from tuijin.core.scope import CHANGE
from tuijin.enterprises.models import Enterprise, EnterpriseVisit, EnterpriseYear, KeptEnterprise
from tuijin.org.models import Unit
from tuijin.tickets.forms import NO_MATCH, SearchSelect


def _label(model, name: str):
    return model._meta.get_field(name).verbose_name


def _text(model, name: str, *, required_mark: bool = False, **attrs) -> forms.CharField:
    """A text box whose value the service checks (empty, length, format), with the browser's hints."""
    f = model._meta.get_field(name)
    widget_attrs = {**attrs}
    if getattr(f, "max_length", None):
        widget_attrs["maxlength"] = f.max_length
    if required_mark:
        widget_attrs["required"] = ""
    return forms.CharField(label=f.verbose_name, required=False, strip=False,
                           widget=forms.TextInput(attrs=widget_attrs))


def _number(model, name: str, unit: str = "", **attrs) -> forms.CharField:
    return forms.CharField(label=_label(model, name), required=False, strip=False,
                           widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", **attrs}))


class EnterpriseForm(StyledFormMixin, forms.Form):
    credit_code = _text(Enterprise, "credit_code", required_mark=True, autocomplete="off",
                        placeholder="91320800MA…", spellcheck="false")
    name = _text(Enterprise, "name", required_mark=True)
    unit = forms.ModelChoiceField(label=_label(Enterprise, "unit"), queryset=Unit.objects.all(), required=False)
    industry = _text(Enterprise, "industry")
    address = _text(Enterprise, "address")
    land_area = _number(Enterprise, "land_area")
    above_scale = forms.BooleanField(label=_label(Enterprise, "above_scale"), required=False)

    def __init__(self, *args, member, zone, **kwargs):
        super().__init__(*args, **kwargs)
        # Any unit is accepted here (the service says which are of another zone or outside the member's scope);
        # the list offers those the member may use.
        self.fields["unit"].widget.choices = [("", "---------")] + [
            (u.pk, u.name) for u in Unit.objects.restrict(member, CHANGE).filter(zone=zone, is_active=True)]
        self.fields["credit_code"].help_text = _("18 characters; the 18th is a check character.")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["above_scale"] = bool(data.get("above_scale"))
        return data


class EnterpriseYearForm(StyledFormMixin, forms.Form):
    revenue = _number(EnterpriseYear, "revenue")
    tax = _number(EnterpriseYear, "tax")
    output = _number(EnterpriseYear, "output")
    value_added = _number(EnterpriseYear, "value_added")
    energy = _number(EnterpriseYear, "energy")
    rnd = _number(EnterpriseYear, "rnd")
    employees = forms.CharField(label=_label(EnterpriseYear, "employees"), required=False,
                                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    above_scale = forms.BooleanField(label=_label(EnterpriseYear, "above_scale"), required=False)


class KeptForm(StyledFormMixin, forms.Form):
    enterprise = forms.ModelChoiceField(label=_label(KeptEnterprise, "enterprise"), queryset=Enterprise.objects.none(),
                                        widget=SearchSelect(""))
    target_revenue = _number(KeptEnterprise, "target_revenue")
    note = _text(KeptEnterprise, "note")

    def __init__(self, *args, member, zone, search_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["enterprise"]
        field.queryset = Enterprise.objects.restrict(member).filter(zone=zone)
        field.widget.attrs.update({"data-search-url": search_url, "data-no-results": str(NO_MATCH)})


class LiaisonForm(StyledFormMixin, forms.Form):
    """The service liaison (服务专员) of an enterprise: a member of the zone, or none."""

    liaison = forms.ModelChoiceField(label=_label(Enterprise, "liaison"), queryset=Unit.objects.none(),
                                     required=False, widget=forms.Select(attrs={"data-picker": ""}))

    def __init__(self, *args, zone=None, **kwargs):
        from tuijin.org.models import Member

        super().__init__(*args, **kwargs)
        self.fields["liaison"].queryset = Member.objects.filter(zone=zone, user__is_active=True).select_related(
            "unit", "user").order_by("unit__sort_order", "full_name")
        self.fields["liaison"].label_from_instance = lambda m: f"{m.full_name or m.user.username}({m.unit.name})"
        self.fields["liaison"].widget.attrs["data-no-results"] = str(NO_MATCH)


class VisitForm(StyledFormMixin, forms.Form):
    """A service visit, and the request (诉求) raised with it if any; the service checks every value."""

    visited_on = forms.CharField(label=_label(EnterpriseVisit, "visited_on"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    findings = forms.CharField(label=_label(EnterpriseVisit, "findings"), required=False, strip=False,
                               widget=forms.Textarea(attrs={"rows": 4, "maxlength": 5000}))
    request_title = forms.CharField(label=_("request of the enterprise (leave empty if none)"), required=False,
                                    max_length=200)
    request_unit = forms.ModelChoiceField(label=_("request assigned to"), queryset=Unit.objects.none(),
                                          required=False, widget=forms.Select(attrs={"data-picker": ""}))
    request_deadline = forms.CharField(label=_("request resolve by"), required=False,
                                       widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request_unit"].queryset = Unit.objects.filter(zone=zone, is_active=True)
        self.fields["request_unit"].widget.attrs["data-no-results"] = str(NO_MATCH)
