"""The ledger's filters, read from an address (core/params.py): the API's and the ledger page's (and its export)."""
from __future__ import annotations

import django_filters
from django.db.models import Q

from tuijin.core.params import AmountFilter, DateParamFilter, IdFilter, ParamFilterSet, TextFilter
from tuijin.projects.models import Project

YES_NO = (("1", "1"), ("0", "0"))


class ProjectApiFilter(ParamFilterSet):
    """``GET /api/v1/projects/?unit=&stage=&category=``."""

    unit = IdFilter(field_name="unit", help_text="responsible unit (id)")
    stage = django_filters.ChoiceFilter(choices=Project.Stage.choices)
    category = django_filters.ChoiceFilter(choices=Project.Category.choices)
    sponsor = IdFilter(field_name="sponsor_member", help_text="sponsor leader (包挂领导, member id)")

    class Meta:
        model = Project
        fields: list = []


class ProjectFilter(ProjectApiFilter):
    """The ledger page and its export: the API's filters and the page's own."""

    campaign = IdFilter(field_name="campaign")
    status = django_filters.ChoiceFilter(choices=Project.Status.choices)
    foreign = django_filters.ChoiceFilter(choices=YES_NO, method="filter_foreign")
    inv_min = AmountFilter(field_name="planned_investment", lookup_expr="gte")
    inv_max = AmountFilter(field_name="planned_investment", lookup_expr="lte")
    q = TextFilter(method="filter_q")
    as_of = DateParamFilter(method="filter_nothing")  # the date ``lagging`` counts to
    lagging = django_filters.ChoiceFilter(choices=YES_NO, method="filter_lagging")

    def __init__(self, data=None, queryset=None, *, zone=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.zone = zone

    def filter_foreign(self, qs, name, value):
        return qs.filter(is_foreign=value == "1")

    def filter_q(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(code__icontains=value) | Q(investor__icontains=value))

    def filter_nothing(self, qs, name, value):
        return qs

    def filter_lagging(self, qs, name, value):
        """The lagging list's projects (see selectors.lagging_projects), counted to ``as_of`` or the zone's date."""
        from tuijin.core.periods import as_of_date
        from tuijin.projects.selectors import lag_map

        if value != "1":
            return qs
        as_of = self.form.cleaned_data.get("as_of") or as_of_date(self.zone)
        lag = lag_map(qs.filter(status=Project.Status.ACTIVE), as_of=as_of, zone=self.zone)
        return qs.filter(pk__in=[pk for pk, v in lag.items() if v["lagging"]])
