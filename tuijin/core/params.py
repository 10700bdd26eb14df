"""Query parameters: how every page and API view reads what an address carries.

A view never turns ``request.GET[...]`` into a number itself: lists are filtered by a django-filter FilterSet, other
parameters are read by a form, and both are built from the fields and filters here, so an id, a year, a month, an
amount or a date is parsed and bounded the same way everywhere and a malformed value never reaches the database
(a 25-digit id would overflow SQLite's INTEGER, ``NaN`` is no amount). docs/security.md, "Parameters":

- the API answers **400** with a Chinese message naming the parameter (``FilterBackend``, ``Pagination``)::

      {"unit": ["参数「unit」:输入整数。"]}

- on a page, a list filtered by a bad parameter shows nothing (``ParamFilterSet.qs_or_none``), any other page goes
  on without it (``read_params``), and a message says which parameter could not be read (``warn_invalid``).

    class ProjectFilter(ParamFilterSet):
        unit = IdFilter(field_name="unit_id")
        inv_min = AmountFilter(field_name="planned_investment", lookup_expr="gte")

    qs = ProjectFilter(request.GET, queryset=qs).qs_or_none()      # nothing when a parameter is malformed
    warn_invalid(request, ProjectFilter(request.GET))               # one message per malformed parameter
    params = read_params(request, ListParams)                       # the valid ones, cleaned
"""
from __future__ import annotations

import re

import django_filters
from django import forms
from django.contrib import messages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import LimitOffsetPagination

from tuijin.core.periods import YEAR_MAX, YEAR_MIN
from tuijin.core.validators import AMOUNT_LIMIT, DATE_MAX, DATE_MIN

# Ids are 64-bit (BigAutoField; SQLite INTEGER, PostgreSQL bigint): anything larger is no id of ours.
ID_MAX = 2**63 - 1
API_LIMIT_MAX = 500  # records in one API page; a larger ``limit`` is served as this many
API_OFFSET_MAX = 2_000_000_000
MAX_LENGTH = 200  # a text parameter (a search, a code) longer than this is no search


# ASCII only: str.isdigit() is no test ("²" is a digit to it and no number to int()), and no address writes "１２"
_DIGITS = re.compile(r"[0-9]{1,19}")


def _bounded(lo, hi, **extra):
    return {"type": "integer", "minimum": lo, "maximum": hi, **extra}


# What the schema says of an id or a year read by a form of one's own (``api_params``)
ID_SCHEMA = _bounded(1, ID_MAX, format="int64")
YEAR_SCHEMA = _bounded(YEAR_MIN, YEAR_MAX)


# ---- one value read by hand (a posted id, a checkbox list of ids, a year) ------------------------------------------

def parse_int(value, lo: int = 0, hi: int = ID_MAX) -> int | None:
    """A whole number lo … hi written in ASCII digits (surrounding spaces allowed), else None — never an exception,
    so a posted value that is no number is simply no choice. (A year: ``parse_int(v, YEAR_MIN, YEAR_MAX)``;
    ``core.periods.parse_year`` is the one that raises, for a service.)"""
    text = str(value if value is not None else "").strip()
    if not _DIGITS.fullmatch(text):
        return None
    n = int(text)
    return n if lo <= n <= hi else None


def parse_id(value) -> int | None:
    """A record id 1 … ID_MAX, else None (a filter on None finds nothing; a 25-digit id would overflow SQLite)."""
    return parse_int(value, 1, ID_MAX)


def parse_ids(values) -> list[int]:
    """The ids among ``values`` (``request.POST.getlist(...)``), malformed ones left out."""
    return [n for n in (parse_id(v) for v in values or ()) if n is not None]


# ---- form fields: what a parameter may be ------------------------------------------------------------------------

class IdField(forms.IntegerField):
    """A record id: a whole number 1 … 2⁶³−1."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class MonthField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 12)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class AmountField(forms.DecimalField):
    """A finite amount within ±AMOUNT_LIMIT (Django's DecimalField refuses NaN and Infinity)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -AMOUNT_LIMIT)
        kwargs.setdefault("max_value", AMOUNT_LIMIT)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class DateParamField(forms.DateField):
    """A date written 2023-06-30, within the dates the system keeps (1990-01-01 … 2100-12-31)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("required", False)
        kwargs.setdefault("validators", [MinValueValidator(DATE_MIN), MaxValueValidator(DATE_MAX)])
        super().__init__(**kwargs)


class TextParamField(forms.CharField):
    """Text (a search, a code): at most MAX_LENGTH characters, no NUL (Django's CharField refuses it)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_LENGTH)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


# ---- filters for FilterSets (pages and API); the schema states their bounds --------------------------------------

@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.NumberFilter):
    """Records whose ``field_name`` (a foreign key's ``…_id``) is this id."""

    field_class = IdField


@extend_schema_field(YEAR_SCHEMA)
class YearFilter(django_filters.NumberFilter):
    field_class = YearField


@extend_schema_field(_bounded(1, 12))
class MonthFilter(django_filters.NumberFilter):
    field_class = MonthField


@extend_schema_field({"type": "number", "minimum": -float(AMOUNT_LIMIT), "maximum": float(AMOUNT_LIMIT)})
class AmountFilter(django_filters.NumberFilter):
    field_class = AmountField


@extend_schema_field({"type": "string", "format": "date"})
class DateParamFilter(django_filters.DateFilter):
    field_class = DateParamField


@extend_schema_field({"type": "string", "maxLength": MAX_LENGTH})
class TextFilter(django_filters.CharFilter):
    field_class = TextParamField


class ParamFilterSet(django_filters.FilterSet):
    """A FilterSet whose malformed parameters filter out everything (``qs_or_none``) instead of being skipped."""

    def qs_or_none(self):
        return self.qs if self.is_valid() or not self.is_bound else self.queryset.none()


# ---- pages -------------------------------------------------------------------------------------------------------

def _errors(form_or_filterset) -> dict:
    form = getattr(form_or_filterset, "form", form_or_filterset)
    return form.errors if form.is_bound else {}


def param_message(name: str, errors) -> str:
    return _("Parameter 「%(name)s」: %(error)s") % {"name": name, "error": "".join(str(e) for e in errors)}


def warn_invalid(request, form_or_filterset) -> bool:
    """One warning per parameter the page could not read (the page goes on without it); True when all were fine."""
    errors = _errors(form_or_filterset)
    for name, errs in errors.items():
        messages.warning(request, param_message(name, errs))
    return not errors


def read_params(request, form_class, data=None, **kwargs) -> dict:
    """The parameters ``form_class`` declares, cleaned: a malformed one is left out (the field's default applies)
    and named in a warning. Fields missing from the address are None/empty as the form cleans them."""
    form = form_class(request.GET if data is None else data, **kwargs)
    if form.is_valid():
        return form.cleaned_data
    warn_invalid(request, form)
    return {name: value for name, value in form.cleaned_data.items() if name not in form.errors}


class ListParams(forms.Form):
    """How many records a page shows."""

    per_page = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX)


# ---- the API -----------------------------------------------------------------------------------------------------

def api_errors(errors) -> dict:
    return {name: [param_message(name, errs)] for name, errs in errors.items()}


def api_params(request, form_class) -> dict:
    """The query parameters ``form_class`` declares, cleaned; a malformed one answers 400 naming it."""
    form = form_class(request.query_params)
    if not form.is_valid():
        raise ApiValidationError(api_errors(form.errors))
    return form.cleaned_data


class FilterBackend(DjangoFilterBackend):
    """django-filter for the API: a malformed parameter answers 400 with a message naming it."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ApiValidationError(api_errors(filterset.errors))
        return filterset.qs


class _PageForm(forms.Form):
    limit = forms.IntegerField(required=False, min_value=1)
    offset = forms.IntegerField(required=False, min_value=0, max_value=API_OFFSET_MAX)


class Pagination(LimitOffsetPagination):
    """``limit``/``offset`` pages of at most API_LIMIT_MAX records (a larger limit gets that many); a limit or
    offset that is not a whole number in range answers 400."""

    max_limit = API_LIMIT_MAX
    limit_query_description = gettext_lazy("Number of results to return per page (at most 500).")

    def _params(self, request) -> dict:
        return api_params(request, _PageForm)

    def get_limit(self, request):
        limit = self._params(request).get("limit")
        return self.default_limit if limit is None else min(limit, self.max_limit)

    def get_offset(self, request):
        return self._params(request).get("offset") or 0

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        bounds = {self.limit_query_param: (1, None), self.offset_query_param: (0, API_OFFSET_MAX)}
        for p in params:
            lo, hi = bounds.get(p["name"], (None, None))
            if lo is not None:
                p["schema"]["minimum"] = lo
            if hi is not None:
                p["schema"]["maximum"] = hi
        return params

