"""The leads' filters, read from an address (core/params.py): the leads page, its export and the API."""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from tuijin.core.params import IdFilter, ParamFilterSet, TextFilter, YearField, YearFilter
from tuijin.promotion.models import Lead


class LeadFilter(ParamFilterSet):
    """``?stage=&source=&unit=&year=&q=``: ``unit`` matches the bringing or the serving unit."""

    stage = django_filters.ChoiceFilter(choices=Lead.Stage.choices)
    source = django_filters.ChoiceFilter(choices=Lead.Source.choices)
    unit = IdFilter(method="filter_unit", help_text="bringing or serving unit (id)")
    year = YearFilter(field_name="lead_on", lookup_expr="year", help_text="year the lead came in")
    q = TextFilter(method="filter_q")

    class Meta:
        model = Lead
        fields: list = []

    def filter_unit(self, qs, name, value):
        return qs.filter(Q(unit_id=value) | Q(serving_unit_id=value))

    def filter_q(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(investor__icontains=value) | Q(industry__icontains=value))


class YearParams(forms.Form):
    """``?year=`` of the funnel and credit pages (a malformed one opens the zone's year, with a warning)."""

    year = YearField(required=False)
