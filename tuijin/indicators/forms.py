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
        self._catalogue = indicators  # the zone's whole catalogue, read only when a stray cell is posted
        for r in rows:
            ind = r["indicator"]
            self.fields[f"ytd_{ind.pk}"] = forms.CharField(required=False, label=ind.name, max_length=40,
                                                           initial=_initial(r["ytd"]))
            if not r["last_year_known"]:
                self.fields[f"last_{ind.pk}"] = forms.CharField(required=False, label=ind.name, max_length=40,
                                                                initial=_initial(r["last_year_ytd"]))

    @cached_property
    def indicators(self) -> dict:
        return {i.pk: i for i in (self._catalogue or [])}

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

    def lines(self) -> list[dict]:
        """What the template shows per indicator: the stored row with its bound fields (typed values kept)."""
        return [{**r, "ytd_field": self[f"ytd_{r['indicator'].pk}"],
                 "last_field": self[f"last_{r['indicator'].pk}"] if f"last_{r['indicator'].pk}" in self.fields else None}
                for r in self.rows]


def _initial(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
