"""Forms of the campaign pages. They only shape input; every rule is in ``campaigns.services``."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.campaigns.models import StageGoal
from tuijin.campaigns.signals import indicators_of
from tuijin.core.forms import StyledFormMixin
from tuijin.core.params import parse_id, parse_ids
from tuijin.campaigns.services import leaders_of
from tuijin.org.models import Unit


def _date():
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class CampaignForm(StyledFormMixin, forms.Form):
    year = forms.CharField(label=_("year"), max_length=4)
    theme = forms.CharField(label=_("theme"), max_length=200)
    headline_goal = forms.CharField(label=_("headline goal"), max_length=400, required=False)
    description = forms.CharField(label=_("description"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 2}))


class StageGoalForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=StageGoal.Kind.choices)
    due = forms.CharField(label=_("due"), widget=_date())
    description = forms.CharField(label=_("description"), max_length=400, required=False)
    indicator_codes = forms.MultipleChoiceField(
        label=_("indicators"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: the zone's main indicators that have a target."))

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator_codes"].choices = indicators_of(zone) or []


class KeyTaskForm(StyledFormMixin, forms.Form):
    seq = forms.CharField(label=_("no."), max_length=6, required=False)
    title = forms.CharField(label=_("title"), max_length=400)
    lead_unit = forms.ChoiceField(label=_("lead unit"))
    units = forms.MultipleChoiceField(label=_("cooperating units"), required=False,
                                      widget=forms.SelectMultiple(attrs={"size": 5}))
    sponsor = forms.ChoiceField(label=_("responsible leader"), required=False)
    owner = forms.CharField(label=_("responsible person"), max_length=100, required=False)
    deadline = forms.CharField(label=_("deadline"), required=False, widget=_date())
    note = forms.CharField(label=_("note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, member, zone, **kwargs):
        super().__init__(*args, **kwargs)
        units = [(str(u.pk), u.name) for u in Unit.objects.restrict(member).filter(zone=zone, is_active=True)]
        self.fields["lead_unit"].choices = [("", "---------")] + units
        self.fields["units"].choices = units
        self.fields["sponsor"].choices = [("", "---------")] + [
            (str(m.pk), f"{m} {m.title}".strip()) for m in leaders_of(zone)]

    def service_fields(self) -> dict:
        """The fields for key_task_create/key_task_edit: ids become the zone's records (the service checks them)."""
        data = dict(self.cleaned_data)
        data["lead_unit"] = Unit.objects.filter(pk=parse_id(data["lead_unit"])).first()
        data["units"] = list(Unit.objects.filter(pk__in=parse_ids(data["units"])))
        data["seq"] = data.get("seq") or None
        return data


class MilestoneForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("milestone"), max_length=120)
    due = forms.CharField(label=_("due"), widget=_date())

