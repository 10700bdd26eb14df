"""A list as the Excel workbook users ask for on every list page: the page's own rows, through the one
formula-safe writer (sheets.writing.export_workbook), named after the zone and the list."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import quote

from django.http import HttpResponse

from tuijin.sheets.tabular import Column, export_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


def xlsx_response(columns: Sequence[Column], rows: Iterable[Mapping], *, title: str, zone=None) -> HttpResponse:
    name = f"{zone.display_name if zone is not None else ''}{title}"
    response = HttpResponse(export_workbook(columns, rows, title=str(title)), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}.xlsx"
    return response
