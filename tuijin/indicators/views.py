from __future__ import annotations

import datetime
import json
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from tuijin.engine.numbers import format_fixed, to_decimal
from tuijin.indicators import selectors, services
from tuijin.indicators.exports import dispatch_json, dispatch_workbook, period_label
from tuijin.indicators.models import Actual
from tuijin.org.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(request) -> tuple[int, int]:
    text = request.GET.get("period") or request.POST.get("period") or ""
    try:
        year, month = (int(x) for x in text.split("-"))
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            return year, month
    except ValueError:
        pass
    latest = selectors.latest_period(zone=request.zone)
    if latest:
        return latest
    today = datetime.date.today()
    return today.year, today.month


def _ctx(request, year, month, **extra):
    return {"year": year, "month": month, "period": f"{year}-{month:02d}",
            "period_label": period_label(year, month), **extra}


def dispatch_view(request):
    """The dispatch table: units × indicators, coloured by warning, sortable."""
    year, month = _period(request)
    rows = selectors.dispatch_table(member=request.member, zone=request.zone, year=year, month=month)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        response = HttpResponse(dispatch_workbook(rows, zone=request.zone, year=year, month=month), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="dispatch-{request.zone.code}-{year}-{month:02d}.xlsx"'
        return response
    if fmt == "json":
        return JsonResponse(dispatch_json(rows, zone=request.zone, year=year, month=month),
                            json_dumps_params={"ensure_ascii": False})
    indicators, seen = [], set()
    for r in rows:
        if r["indicator_id"] not in seen:
            seen.add(r["indicator_id"])
            indicators.append({"id": r["indicator_id"], "code": r["indicator_code"], "name": r["indicator"],
                               "unit": r["display_unit"], "decimals": r["decimals"], "main": r["main"]})
    if request.GET.get("all") != "1":
        indicators = [i for i in indicators if i["main"]] or indicators
    table: dict = {}
    for r in rows:
        key = "zone" if r["is_zone"] else r["unit_id"]
        entry = table.setdefault(key, {"unit": r["unit"], "unit_id": r["unit_id"], "group": r["group"],
                                       "is_zone": r["is_zone"], "cells": {}})
        entry["cells"][r["indicator_code"]] = r
    sort = request.GET.get("sort", "")
    units = [v for k, v in table.items() if k != "zone"]
    if sort in {i["code"] for i in indicators}:
        def key(e):
            c = e["cells"].get(sort)
            return -(c["completion"] if c and c["completion"] is not None else -1e9)
        units.sort(key=key)
    else:
        units.sort(key=lambda e: (e["group"], e["unit_id"]))
    body = ([table["zone"]] if "zone" in table else []) + units
    words = {"not_filed": _("not filed"), "done": _("done"), "yoy": _("yoy")}
    for e in body:
        # 2,400 cells: built here with format_html, the template engine would take most of the request's time
        e["row_html"] = mark_safe("".join(_cell_html(e["cells"].get(i["code"]), words) for i in indicators))
    unfiled = selectors.unfiled_units(member=request.member, zone=request.zone, year=year, month=month)
    period = selectors.period_state(zone=request.zone, year=year, month=month)
    return render(request, "indicators/dispatch.html", _ctx(
        request, year, month, indicators=indicators, body=body, sort=sort, unfiled=unfiled, period_obj=period,
        show_all=request.GET.get("all") == "1"))


def _cell_html(c, words) -> str:
    if c is None:
        return '<td class="num warn-none"><span class="text-muted">—</span></td>'
    parts = [format_fixed(c["actual_ytd"], c["decimals"]) if c["actual_ytd"] is not None else
             format_html('<span class="text-muted">{}</span>', words["not_filed"])]
    if c["completion"] is not None:
        rank = f" · #{c['rank']}" if c["rank"] else ""
        parts.append(format_html('<div class="small">{} {}{}</div>', words["done"], percent_text(c["completion"]), rank))
    if c["yoy_growth"] is not None:
        parts.append(format_html('<div class="small text-muted">{} {}</div>', words["yoy"], percent_text(c["yoy_growth"])))
    if c["state"] and c["state"] != "approved":
        parts.append(format_html('<div class="small"><span class="badge text-bg-secondary">{}</span></div>', c["state"]))
    return format_html('<td class="num warn-{}" title="{}">{}</td>', c["warning"], c["warning_reason"],
                       mark_safe("".join(str(p) for p in parts)))


def percent_text(fraction) -> str:
    return format_fixed(to_decimal(fraction) * 100, 1) + "%"


def indicator_view(request, code):
    year, month = _period(request)
    trend = selectors.indicator_trend(member=request.member, zone=request.zone, indicator_code=code, year=year,
                                      unit=None if request.member.scope in ("zone", "all") else request.member.unit)
    ind = trend["indicator"]
    if ind is None:
        raise Http404(_("No such indicator."))
    rows = [r for r in selectors.dispatch_table(member=request.member, zone=request.zone, year=year, month=month)
            if r["indicator_code"] == code]
    zone_row = next((r for r in rows if r["is_zone"]), None)
    outlook = None
    if zone_row is not None and not ind.is_computed:
        outlook = selectors.outlook_for(zone=request.zone, indicator=ind, year=year, month=month,
                                        ytd=zone_row["actual_ytd"], target=zone_row["target"])
    chart = {"months": [f"{m}月" for m in trend["months"]], "this_year": trend["this_year"],
             "last_year": trend["last_year"], "this_label": f"{year}年", "last_label": f"{year - 1}年",
             "unit": ind.unit}
    return render(request, "indicators/indicator.html", _ctx(
        request, year, month, indicator=ind, rows=rows, zone_row=zone_row, outlook=outlook,
        chart_json=json.dumps(chart, ensure_ascii=False)))


def unit_view(request, pk):
    unit = Unit.objects.restrict(request.member).filter(pk=pk, zone=request.zone).first()
    if unit is None:
        raise Http404(_("No such unit, or it is outside your data scope."))
    year, month = _period(request)
    rows = [r for r in selectors.dispatch_table(member=request.member, zone=request.zone, year=year, month=month,
                                                include_zone_row=False) if r["unit_id"] == unit.pk]
    projects = None
    try:
        from tuijin.projects.selectors import project_list

        projects = project_list(member=request.member, zone=request.zone, filters={"unit": unit.pk})[:50]
    except ImportError:
        pass
    return render(request, "indicators/unit.html", _ctx(request, year, month, unit=unit, rows=rows, projects=projects))


def filing_view(request):
    """Unit staff file their month; the office may file for any unit in scope."""
    member = request.member
    units = list(Unit.objects.restrict(member, "change").filter(zone=request.zone, kind__in=(
        Unit.Kind.STREET, Unit.Kind.TOWN, Unit.Kind.PARK, Unit.Kind.DEPARTMENT)))
    if not units:
        raise PermissionDenied(_("You have no unit to file for."))
    unit_id = request.GET.get("unit") or request.POST.get("unit")
    unit = next((u for u in units if str(u.pk) == str(unit_id)), None) or (
        member.unit if member.unit in units else units[0])
    year, month = _period(request)
    confirm_needed = []
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "submit":
                n = services.actual_submit(member=member, unit=unit, year=year, month=month)
                messages.success(request, _("%(n)s figures submitted for review.") % {"n": n})
                return redirect(f"{reverse('indicators:filing')}?unit={unit.pk}&period={year}-{month:02d}")
            saved = _save_filing(request, member, unit, year, month, confirm_needed)
            if not confirm_needed:
                messages.success(request, _("%(n)s figures saved as draft.") % {"n": saved})
                return redirect(f"{reverse('indicators:filing')}?unit={unit.pk}&period={year}-{month:02d}")
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
    rows = selectors.filing_rows(member=member, unit=unit, year=year, month=month)
    posted = request.POST if request.method == "POST" else {}
    for r in rows:
        r["posted_ytd"] = posted.get(f"ytd_{r['indicator'].pk}", "")
        r["posted_last"] = posted.get(f"last_{r['indicator'].pk}", "")
    period = selectors.period_state(zone=request.zone, year=year, month=month)
    return render(request, "indicators/filing.html", _ctx(
        request, year, month, unit=unit, units=units, rows=rows, confirm_needed=confirm_needed, period_obj=period))


def _save_filing(request, member, unit, year, month, confirm_needed: list) -> int:
    confirmed = request.POST.get("confirmed") == "1"
    rows = selectors.filing_rows(member=member, unit=unit, year=year, month=month)
    saved, errors = 0, []
    for r in rows:
        ind = r["indicator"]
        raw = (request.POST.get(f"ytd_{ind.pk}") or "").strip()
        raw_last = (request.POST.get(f"last_{ind.pk}") or "").strip()
        if raw == "":
            continue
        try:
            ytd = to_decimal(raw.replace(",", ""))
            last = to_decimal(raw_last.replace(",", "")) if raw_last else None
        except ValueError:
            errors.append(_("%(name)s: 「%(v)s」 is not a number.") % {"name": ind.name, "v": raw})
            continue
        if ytd == r["ytd"] and (last is None or last == r["last_year_ytd"]):
            continue
        try:
            services.actual_save(member=member, unit=unit, indicator=ind, year=year, month=month, ytd=ytd,
                                 last_year_ytd=last, confirmed=confirmed)
            saved += 1
        except ValidationError as exc:
            if getattr(exc, "code", None) == "confirm" or any(getattr(e, "code", None) == "confirm"
                                                              for e in getattr(exc, "error_list", [])):
                confirm_needed += [f"{ind.name}: {m}" for m in exc.messages]
            else:
                errors += [f"{ind.name}: {m}" for m in exc.messages]
    if errors:
        raise ValidationError(errors)
    return saved


def review_view(request):
    """The office reviews submitted figures, returns them with a reason, and locks or reopens the month."""
    member = request.member
    if not member.is_office:
        raise PermissionDenied(_("Only the office may do this."))
    year, month = _period(request)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("approve", "return"):
                unit_ids = request.POST.getlist("unit")
                qs = Actual.objects.restrict(member, "change").filter(zone=request.zone, year=year, month=month,
                                                                      unit_id__in=unit_ids)
                n = services.actual_review(member=member, actuals=qs, approve=action == "approve",
                                           reason=request.POST.get("reason", ""))
                messages.success(request, _("%(n)s figures reviewed.") % {"n": n})
            elif action == "lock":
                services.period_lock(member=member, zone=request.zone, year=year, month=month)
                messages.success(request, _("The month is locked."))
            elif action == "reopen":
                services.period_reopen(member=member, zone=request.zone, year=year, month=month,
                                       reason=request.POST.get("reason", ""))
                messages.success(request, _("The month is reopened."))
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        return redirect(f"{reverse('indicators:review')}?period={year}-{month:02d}")
    actuals = Actual.objects.restrict(member).filter(zone=request.zone, year=year, month=month).select_related(
        "unit", "indicator")
    by_unit: dict = {}
    for a in actuals:
        e = by_unit.setdefault(a.unit_id, {"unit": a.unit, "counts": {}, "reason": ""})
        e["counts"][a.state] = e["counts"].get(a.state, 0) + 1
        if a.return_reason:
            e["reason"] = a.return_reason
    period = selectors.period_state(zone=request.zone, year=year, month=month)
    unfiled = selectors.unfiled_units(member=member, zone=request.zone, year=year, month=month)
    events = period.events.select_related("by")[:20] if period else []
    return render(request, "indicators/review.html", _ctx(
        request, year, month, units=sorted(by_unit.values(), key=lambda e: e["unit"].sort_order),
        period_obj=period, unfiled=unfiled, events=events))


def targets_view(request):
    year = int(request.GET.get("year") or _period(request)[0])
    checks = selectors.split_check(member=request.member, zone=request.zone, year=year)
    return render(request, "indicators/targets.html", {"year": year, "checks": checks})
