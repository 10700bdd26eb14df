"""Forms of the project pages. They only shape input; every rule is in ``projects.services``."""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.campaigns.models import Campaign
from tuijin.campaigns.services import leaders_of
from tuijin.core.forms import StyledFormMixin
from tuijin.core.scope import CHANGE
from tuijin.org.models import Member, Unit
from tuijin.projects import lifecycle
from tuijin.projects.models import Project

FIELDS = ["code", "name", "category", "is_foreign", "industry", "investor", "planned_investment",
          "year_planned_investment", "unit", "campaign", "sponsor_member", "owner", "above_scale", "tax_contribution",
          "longitude", "latitude", "note", *lifecycle.DATE_FIELDS]
OPTIONAL_AMOUNTS = ("year_planned_investment", "tax_contribution")


def _date_widget():
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _project_form_fields() -> dict:
    fields = forms.fields_for_model(Project, fields=FIELDS, widgets={
        **{f: _date_widget() for f in lifecycle.DATE_FIELDS}, "note": forms.Textarea(attrs={"rows": 2})})
    for f in OPTIONAL_AMOUNTS:
        fields[f].required = False
    for f in lifecycle.DATE_FIELDS:  # shown in a table of stages, without their own label
        fields[f].widget.attrs["aria-label"] = fields[f].label
    ordered = {}
    for name, field in fields.items():
        ordered[name] = field
        if name == "owner":  # the stated stage sits with the people; the dates follow
            ordered["stage"] = forms.ChoiceField(
                label=_("current stage"), required=False, choices=[("", _("from the actual dates"))]
                + list(Project.Stage.choices),
                help_text=_("Leave empty to follow the actual dates; a stage stated needs its actual date."))
    return ordered


class ProjectForm(StyledFormMixin, forms.Form):
    """A project's content, people and lifecycle dates (create and edit)."""

    def __init__(self, *args, member, zone, **kwargs):
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        # Any unit of the zone is accepted here (the service says which are outside the member's scope);
        # the list shows those the member may use.
        unit.queryset = Unit.objects.filter(zone=zone)
        unit.widget.choices = [("", "---------")] + [
            (u.pk, u.name) for u in Unit.objects.restrict(member, CHANGE).filter(zone=zone, is_active=True)]
        self.fields["campaign"].queryset = Campaign.objects.filter(zone=zone)
        # the sponsor leader is a member: the zone's leaders are listed; the service refuses anyone else
        sponsor = self.fields["sponsor_member"]
        sponsor.queryset = Member.objects.filter(zone=zone)
        sponsor.label = _("sponsor leader")
        sponsor.widget.choices = [("", "---------")] + [
            (m.pk, f"{m} {m.title}".strip()) for m in leaders_of(zone)]

    def service_fields(self) -> tuple[str | None, dict]:
        """(stated stage or None, the fields for project_create/project_update)."""
        data = dict(self.cleaned_data)
        stage = data.pop("stage", "") or None
        for f in OPTIONAL_AMOUNTS:
            if data.get(f) is None:
                data[f] = Decimal(0)
        for f in ("industry", "investor", "owner", "note"):
            data[f] = data.get(f) or ""
        return stage, data


ProjectForm.base_fields = _project_form_fields()
ProjectForm.declared_fields = ProjectForm.base_fields


class ProgressForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("month"), min_value=1, max_value=12)
    invested_month = forms.DecimalField(label=_("invested this month (万元)"), min_value=0, decimal_places=2)
    physical_progress = forms.CharField(label=_("physical progress"), widget=forms.Textarea(attrs={"rows": 2}),
                                        required=False)
    problems = forms.CharField(label=_("problems"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    raise_ticket = forms.BooleanField(label=_("raise a ticket for the problems"), required=False)
    assignee_unit = forms.ModelChoiceField(
        label=_("assign the ticket to"), queryset=Unit.objects.none(), required=False,
        empty_label=_("the department the problems name, else this project's unit"))

    def __init__(self, *args, zone=None, suggest_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        unit = self.fields["assignee_unit"]
        unit.queryset = Unit.objects.filter(zone=zone, is_active=True)
        # A searchable picker that follows the problems typed until someone picks (static/tuijin/pickers.js).
        unit.widget.attrs.update({"data-picker": "", "data-suggest-url": suggest_url,
                                  "data-suggest-from": "#id_problems", "data-no-results": str(_("No match"))})
