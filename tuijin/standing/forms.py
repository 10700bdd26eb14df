"""Forms of the standing pages. They only shape input: numbers arrive as text so that the services give the one
Chinese message naming the field for every way in (form, API, command line)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.core.forms import StyledFormMixin
from tuijin.standing.models import Assessment, Goal, Level


class ResultForm(StyledFormMixin, forms.Form):
    assessment = forms.ModelChoiceField(label=_("published evaluation"), queryset=Assessment.objects.none(),
                                        required=False, empty_label=_("(a new evaluation: fill in below)"))
    issuer = forms.CharField(label=_("issuer"), max_length=60, required=False, initial="商务部")
    level = forms.ChoiceField(label=_("level"), choices=Level.choices, initial=Level.NATIONAL)
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    year = forms.CharField(label=_("year"), max_length=12, required=False)
    data_year = forms.CharField(label=_("data year"), max_length=12, required=False)
    item = forms.CharField(label=_("item"), max_length=40, required=False,
                           help_text=_("Empty for the overall ranking; e.g. 利用外资, 进出口."))
    group = forms.CharField(label=_("group"), max_length=40, required=False)
    subject_name = forms.CharField(label=_("zone"), max_length=100)
    province = forms.CharField(label=_("province"), max_length=20, required=False)
    rank = forms.CharField(label=_("rank"), max_length=12, required=False)
    of = forms.CharField(label=_("out of"), max_length=12, required=False)
    score = forms.CharField(label=_("score"), max_length=30, required=False)
    tier = forms.CharField(label=_("tier"), max_length=20, required=False)
    source = forms.CharField(label=_("source"), max_length=500, required=False,
                             help_text=_("The document or address that publishes the result."))

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = Assessment.objects.restrict(member).order_by("-year", "title")

    def service_arguments(self) -> dict:
        d = dict(self.cleaned_data)
        chosen = d.pop("assessment")
        if chosen is not None:
            d.update(issuer=chosen.issuer, title=chosen.title, year=chosen.year, level=chosen.level,
                     data_year=chosen.data_year)
        return d


class GoalForm(StyledFormMixin, forms.Form):
    level = forms.ChoiceField(label=_("level"), choices=Level.choices, initial=Level.NATIONAL)
    kind = forms.ChoiceField(label=_("kind of goal"), choices=Goal.Kind.choices, initial=Goal.Kind.RANK)
    target_rank = forms.CharField(label=_("target rank"), max_length=12, required=False,
                                  help_text=_("For a rank goal: 30 for 全国前30."))
    target_score = forms.CharField(label=_("target score"), max_length=30, required=False,
                                   help_text=_("For a score goal: the score the tier starts at (第一等次)."))
    label = forms.CharField(label=_("goal"), max_length=60, required=False,
                            help_text=_("How the goal is said, e.g. 跻身第一方阵; empty: written from the figures."))


class ListingForm(StyledFormMixin, forms.Form):
    list_name = forms.CharField(label=_("name on published lists"), max_length=100, required=False,
                                help_text=_("The zone's official name on the national list, when it differs from "
                                            "the zone's name."))


class ShortfallForm(StyledFormMixin, forms.Form):
    code = forms.ChoiceField(label=_("indicator"), choices=())
    note = forms.CharField(label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)

    def __init__(self, *args, leads=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [(lead.code, f"{lead.name} → {lead.unit.name}") for lead in leads]
