"""The filing form: one year-to-date cell (and a same-period-last-year cell) per filed indicator."""
from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property

from tuijin.core.validators import to_amount
from tuijin.indicators.services import ensure_fileable

STRAY = re.compile(r"(?:ytd|last)_(\d{1,18})")


class FilingForm(forms.Form):
    """Built from ``selectors.filing_rows``. A bad cell keeps every typed value on the screen, with the error
    beside that cell; the rules of a figure are the service's (``services.actual_save``), the form only reads
    numbers."""

    def __init__(self, *args, rows: list[dict], indicators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        # the zone's whole catalogue (or a function giving it), read only when a stray cell is posted
        self._catalogue = indicators
        for r in rows:
            ind = r["indicator"]
            self.fields[f"ytd_{ind.pk}"] = forms.CharField(required=False, label=ind.name, max_length=40,
                                                           initial=cell_text(r["ytd"]))
            if not r["last_year_known"]:
                self.fields[f"last_{ind.pk}"] = forms.CharField(required=False, label=ind.name, max_length=40,
                                                                initial=cell_text(r["last_year_ytd"]))

    @cached_property
    def indicators(self) -> dict:
        catalogue = self._catalogue() if callable(self._catalogue) else self._catalogue
        return {i.pk: i for i in (catalogue or [])}

    def clean(self):
        cleaned = super().clean()
        # a cell the form does not offer (a computed indicator, another zone's): refused by the service's rule
        for key in self.data:
            m = STRAY.fullmatch(key)
            if m and key not in self.fields and (self.data.get(key) or "").strip():
                ind = self.indicators.get(int(m.group(1)))
                if ind is None:
                    self.add_error(None, ValidationError("表单中有不属于本开发区的指标"))
                    continue
                try:
                    ensure_fileable(ind)
                except ValidationError as exc:
                    self.add_error(None, exc.messages)
        for r in self.rows:
            ind = r["indicator"]
            for prefix in ("ytd", "last"):
                key = f"{prefix}_{ind.pk}"
                text = (cleaned.get(key) or "").strip()
                if key not in self.fields or not text:
                    cleaned[key] = None
                    continue
                try:
                    cleaned[key] = to_amount(text, field=key, label=ind.name, scale=ind.scale, unit=ind.unit)
                except ValidationError as exc:
                    self.add_error(key, exc.message_dict[key])
        return cleaned

    def entries(self) -> list[tuple]:
        """(indicator, ytd, last year) for every figure typed or changed on the screen."""
        out = []
        for r in self.rows:
            ind = r["indicator"]
            ytd = self.cleaned_data.get(f"ytd_{ind.pk}")
            last = self.cleaned_data.get(f"last_{ind.pk}")
            if ytd is None:
                continue
            if r["ytd"] is not None and ytd == r["ytd"] and (last is None or last == r["last_year_ytd"]):
                continue  # unchanged: not written again
            out.append((ind, ytd, last))
        return out


def cell(form: FilingForm | None, name: str, stored: Decimal | None) -> tuple[str, list]:
    """What the input ``name`` of the filing form shows, and its errors, without building its bound field: the
    text as posted (the bound field's ``value()``), else the stored figure (its ``initial``). ``form`` None: the
    page of the stored month, no form built."""
    if form is None or not form.is_bound:
        return cell_text(stored), []
    value = form.data.get(name)
    return ("" if value is None else value), form.errors.get(name, [])


def cell_text(value: Decimal | None) -> str:
    """A stored figure as the form's input shows it: plain digits without trailing zeros, "" for none."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
