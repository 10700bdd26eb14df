from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.assessment.models import Claim, Incident
from tuijin.core.forms import StyledFormMixin
from tuijin.core.params import IdField, YearField


class CompareForm(forms.Form):
    """``?a=<run>&b=<run>``: the two runs to compare."""

    a = IdField(required=True)
    b = IdField(required=True)


class YearParams(forms.Form):
    """``?year=``: the year of claims and incidents shown (default: every year)."""

    year = YearField()


def _unit_choices(member, zone):
    from tuijin.org.models import Unit

    return [(u.pk, u.name) for u in Unit.objects.restrict(member).filter(zone=zone, is_active=True)
            .order_by("sort_order", "id")]


class ClaimForm(StyledFormMixin, forms.Form):
    unit = forms.TypedChoiceField(label=_("unit"), coerce=int)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("kind"), choices=Claim.Kind.choices)
    title = forms.CharField(label=_("item"), max_length=200)
    points = forms.DecimalField(label=_("points claimed"), max_digits=7, decimal_places=2)
    evidence = forms.FileField(label=_("evidence"))

    def __init__(self, *args, member, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = _unit_choices(member, zone)


class IncidentForm(StyledFormMixin, forms.Form):
    unit = forms.TypedChoiceField(label=_("unit"), coerce=int)
    kind = forms.ChoiceField(label=_("kind"), choices=Incident.Kind.choices)
    occurred_on = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("description"), max_length=200)

    def __init__(self, *args, member, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = _unit_choices(member, zone)
