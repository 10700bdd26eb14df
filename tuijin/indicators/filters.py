"""Targets and figures by year and month, and the dispatch table's zone and month, read from an address
(core/params.py): the API's lists and the exports."""
from __future__ import annotations

from django import forms

from tuijin.core.params import MonthFilter, ParamFilterSet, TextParamField, YearFilter
from tuijin.core.periods import PeriodError, parse_period
from tuijin.indicators.models import Actual, Target


class TargetFilter(ParamFilterSet):
    year = YearFilter()

    class Meta:
        model = Target
        fields: list = []


class ActualFilter(ParamFilterSet):
    year = YearFilter()
    month = MonthFilter()

    class Meta:
        model = Actual
        fields: list = []


class DispatchParams(forms.Form):
    """``GET /api/v1/dispatch/?zone=huaian&period=2023-06``."""

    zone = TextParamField(required=True, max_length=40)
    period = TextParamField(required=True, max_length=20)

    def clean_period(self):
        try:
            return parse_period(self.cleaned_data["period"])
        except PeriodError as exc:
            raise forms.ValidationError(exc.messages) from None
