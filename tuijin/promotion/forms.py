"""Forms of the 招商 pages. They only shape input: values go to ``promotion.services`` as typed, so a page refuses
exactly what the API refuses, with the same message."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.core.forms import StyledFormMixin
from tuijin.core.scope import CHANGE
from tuijin.org.models import Unit
from tuijin.projects.models import Project
from tuijin.promotion.models import STAGES, Capital, Lead, Visit


def _text(model, name: str, **attrs) -> forms.CharField:
    f = model._meta.get_field(name)
    if getattr(f, "max_length", None):
        attrs.setdefault("maxlength", f.max_length)
    return forms.CharField(label=f.verbose_name, required=False, strip=False, widget=forms.TextInput(attrs=attrs))


def _raw(label, **attrs) -> forms.CharField:
    """A number or date as typed: the service parses it and names the field in its message."""
    return forms.CharField(label=label, required=False, strip=False, widget=forms.TextInput(attrs=attrs))


def _units(member, zone, action=None):
    qs = Unit.objects.restrict(member, action) if action else Unit.objects.restrict(member)
    return [("", "---------")] + [(u.pk, u.name) for u in qs.filter(zone=zone, is_active=True)
                                  .order_by("sort_order", "id")]


class LeadForm(StyledFormMixin, forms.Form):
    name = _text(Lead, "name")
    source = forms.ChoiceField(label=Lead._meta.get_field("source").verbose_name, required=False,
                               choices=[("", "---------"), *Lead.Source.choices])
    unit = forms.ModelChoiceField(label=Lead._meta.get_field("unit").verbose_name, queryset=Unit.objects.all(),
                                  required=False)
    brought_by = _text(Lead, "brought_by")
    serving_unit = forms.ModelChoiceField(label=Lead._meta.get_field("serving_unit").verbose_name,
                                          queryset=Unit.objects.all(), required=False)
    investor = _text(Lead, "investor")
    industry = _text(Lead, "industry")
    is_foreign = forms.BooleanField(label=Lead._meta.get_field("is_foreign").verbose_name, required=False)
    currency = forms.ChoiceField(label=Lead._meta.get_field("currency").verbose_name, choices=Lead.Currency.choices,
                                 required=False)
    amount = _raw(Lead._meta.get_field("amount").verbose_name, inputmode="decimal", autocomplete="off")
    exchange_rate = _raw(Lead._meta.get_field("exchange_rate").verbose_name, inputmode="decimal", autocomplete="off")
    lead_on = _raw(Lead._meta.get_field("lead_on").verbose_name, type="date")
    assess_by = _raw(Lead._meta.get_field("assess_by").verbose_name, type="date")
    note = forms.CharField(label=Lead._meta.get_field("note").verbose_name, required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}))

    def __init__(self, *args, member, zone, **kwargs):
        super().__init__(*args, **kwargs)
        # Any unit is accepted here (the service says which is of another zone or outside the member's scope).
        self.fields["serving_unit"].queryset = Unit.objects.filter(zone=zone)  # (resets the widget's choices)
        self.fields["unit"].queryset = Unit.objects.filter(zone=zone)
        self.fields["unit"].widget.choices = _units(member, zone, CHANGE)
        self.fields["serving_unit"].widget.choices = [("", _("the bringing unit"))] + _units(member, zone)[1:]
        self.fields["serving_unit"].error_messages["invalid_choice"] = _("Choose a unit of this zone.")
        self.fields["unit"].error_messages["invalid_choice"] = _("Choose a unit of this zone.")


class AdvanceForm(StyledFormMixin, forms.Form):
    stage = forms.ChoiceField(label=_("stage"), choices=STAGES[1:], required=False)
    on = _raw(_("date"), type="date")
    project = forms.IntegerField(label=_("an existing project of the ledger (instead of a new one)"), required=False,
                                 min_value=1, max_value=2_000_000_000, widget=forms.Select)
    code = _text(Project, "code")

    def __init__(self, *args, member, zone, **kwargs):
        super().__init__(*args, **kwargs)
        free = Project.objects.restrict(member, CHANGE).filter(zone=zone, lead__isnull=True).order_by("code")
        self.fields["project"].widget.choices = [("", _("a new project (created from the lead)"))] + [
            (p.pk, f"{p.code} {p.name}") for p in free[:500]]
        self.fields["code"].help_text = _("Optional; ZS<year>-<no.> when empty.")


class DropForm(StyledFormMixin, forms.Form):
    on = _raw(_("date dropped"), type="date")
    reason = forms.CharField(label=_("reason dropped"), required=False, strip=False,
                             widget=forms.TextInput(attrs={"maxlength": 200}))


class VisitForm(StyledFormMixin, forms.Form):
    on = _raw(Visit._meta.get_field("on").verbose_name, type="date")
    kind = forms.ChoiceField(label=Visit._meta.get_field("kind").verbose_name, choices=Visit.Kind.choices,
                             required=False)
    people = _text(Visit, "people")
    summary = forms.CharField(label=Visit._meta.get_field("summary").verbose_name, required=False, strip=False,
                              widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}))


class CapitalForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=Capital._meta.get_field("kind").verbose_name, choices=Capital.Kind.choices,
                             required=False)
    on = _raw(Capital._meta.get_field("on").verbose_name, type="date")
    currency = forms.ChoiceField(label=Capital._meta.get_field("currency").verbose_name,
                                 choices=Lead.Currency.choices, required=False)
    amount = _raw(Capital._meta.get_field("amount").verbose_name, inputmode="decimal", autocomplete="off")
    exchange_rate = _raw(Capital._meta.get_field("exchange_rate").verbose_name, inputmode="decimal",
                         autocomplete="off")
    note = _text(Capital, "note")
