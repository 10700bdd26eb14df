"""Pages of the monthly loop: dispatch table, indicator, unit, filing (填报), review and lock (审核、锁定), targets."""
from __future__ import annotations

import functools
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.formats import localize
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tuijin.core.cache import fragment_key
from tuijin.core.params import parse_id, parse_ids
from tuijin.core.periods import (PeriodError, current_period, parse_year, period_code, period_from_params,
                                 period_label)
from tuijin.core.scope import require_office
from tuijin.core.templatetags.core import fixed, percent
from tuijin.engine.numbers import format_fixed, to_decimal
from tuijin.indicators import history, selectors, services
from tuijin.indicators.dispatch import dispatch_table, month_inputs
from tuijin.indicators.dispatch import version as dispatch_version
from tuijin.indicators.exports import dispatch_json, dispatch_workbook
from tuijin.indicators.forms import FilingForm
from tuijin.indicators.models import Actual
from tuijin.org.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATE_BADGES = {Actual.State.DRAFT: ("secondary", "草稿"), Actual.State.SUBMITTED: ("primary", "已报送"),
                Actual.State.RETURNED: ("danger", "已退回"), Actual.State.APPROVED: ("success", "已审核")}


def _period(request) -> tuple[int, int]:
    return period_from_params(request.GET if request.method == "GET" else request.POST, request.zone)


def _ctx(year, month, **extra):
    return {"year": year, "month": month, "period": period_code(year, month), "period_label": period_label(year, month),
            **extra}


def _back(name: str, year: int, month: int, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse(name)}?period={period_code(year, month)}" + (f"&{query}" if query else "")


def dispatch_view(request):
    """The dispatch table: units × indicators, coloured by warning, sortable; zone totals say how much they count."""
    from django.utils import timezone

    year, month = _period(request)
    fmt = request.GET.get("format")
    show_all = request.GET.get("all") == "1"
    if fmt not in ("xlsx", "json"):  # the page: read only when its cached fragment is missing
        data_version = dispatch_version(request.zone, year, month)
        # read once for the table and the filing status when both are recomputed (after a save)
        inputs = functools.cache(lambda: month_inputs(request.zone, year, month))

        @functools.cache
        def page():
            return _dispatch_page(request, dispatch_table(member=request.member, zone=request.zone, year=year,
                                                          month=month, data_version=data_version, inputs=inputs),
                                  year, month, show_all, data_version, inputs)

        context = {k: SimpleLazyObject(lambda k=k: page()[k]) for k in ("indicators", "body", "incomplete")}
        return render(request, "indicators/dispatch.html", _ctx(
            year, month, sort=request.GET.get("sort", ""), show_all=show_all, period_obj=SimpleLazyObject(
                lambda: selectors.period_state(zone=request.zone, year=year, month=month)),
            dispatch_key=fragment_key(request, data_version),
            # the header (period picker, links) varies on the member, address and day only: kept across versions
            nav_key=fragment_key(request, year, month, timezone.localdate()), **context))
    rows = dispatch_table(member=request.member, zone=request.zone, year=year, month=month)
    if fmt == "xlsx":
        codes = None if show_all else ([r.indicator_code for r in rows if r.main] or None)
        data = dispatch_workbook(rows, zone=request.zone, year=year, month=month, codes=codes)
        response = HttpResponse(data, content_type=XLSX)
        name = quote(f"{request.zone.display_name}{period_label(year, month)}调度表.xlsx")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
        return response
    if fmt == "json":
        return JsonResponse(dispatch_json(rows, zone=request.zone, year=year, month=month),
                            json_dumps_params={"ensure_ascii": False})


def _dispatch_page(request, rows, year: int, month: int, show_all: bool, data_version: str, inputs) -> dict:
    """The dispatch page's header, rows (their cells as HTML) and the units not complete this month."""
    indicators, seen = [], set()
    for r in rows:
        if r.indicator_id not in seen:
            seen.add(r.indicator_id)
            indicators.append({"id": r.indicator_id, "code": r.indicator_code, "name": r.indicator,
                               "unit": r.display_unit, "decimals": r.decimals, "main": r.main})
    if not show_all:
        indicators = [i for i in indicators if i["main"]] or indicators
    table: dict = {}
    for r in rows:
        key = "zone" if r.is_zone else r.unit_id
        entry = table.setdefault(key, {"unit": r.unit, "unit_id": r.unit_id, "group": r.group,
                                       "is_zone": r.is_zone, "cells": {}, "not_reported": r.not_reported})
        entry["cells"][r.indicator_code] = r
    sort = request.GET.get("sort", "")
    units = [v for k, v in table.items() if k != "zone"]
    if sort in {i["code"] for i in indicators}:
        def key(e):
            c = e["cells"].get(sort)
            return -(c.completion if c and c.completion is not None else -1e9)
        units.sort(key=key)
    else:
        units.sort(key=lambda e: (e["group"], e["unit_id"]))
    body = ([table["zone"]] if "zone" in table else []) + units
    for e in body:
        # 2,400 cells: built here in Python (_cell_html), the template engine would take most of the request's time
        e["row_html"] = mark_safe("".join(_cell_html(e["cells"].get(i["code"])) for i in indicators))
    status = selectors.filing_status(member=request.member, zone=request.zone, year=year, month=month,
                                     data_version=data_version, inputs=inputs)
    return {"indicators": indicators, "body": body, "incomplete": [s for s in status if not s.complete]}


def _cell_html(c) -> str:
    """One cell of the dispatch table. Plain strings with every value escaped, as format_html would do, at a
    fraction of its cost: a zone's table has up to 2,400 cells."""
    if c is None:
        return '<td class="num warn-none"><span class="text-muted">—</span></td>'
    if c.actual_ytd is None:
        word = "未报" if c.not_reported else "异常值" if c.abnormal else "未填报"
        return f'<td class="num warn-none" title="{escape(c.not_reported or c.warning_reason)}">' \
               f'<span class="text-muted">{word}</span></td>'
    parts = [format_fixed(c.actual_ytd, c.decimals)]
    if c.is_zone and c.complete is False:
        parts.append(f'<div class="small"><span class="badge text-bg-warning">已报{escape(c.units_reported)}/'
                     f'{escape(c.units_expected)}</span></div>')
    if c.completion is not None:
        rank = f" · 第{c.rank}名" if c.rank else ""
        parts.append(f'<div class="small">完成 {escape(percent_text(c.completion))}{escape(rank)}</div>')
    if c.yoy_growth is not None:
        label = "可比同比" if c.is_zone and c.complete is False else "同比"
        parts.append(f'<div class="small text-muted">{label} {escape(percent_text(c.yoy_growth))}</div>')
    if c.state and c.state != Actual.State.APPROVED and not c.is_zone:
        colour, word = STATE_BADGES.get(c.state, ("secondary", c.state))
        parts.append(f'<div class="small"><span class="badge text-bg-{escape(colour)}">{escape(word)}</span></div>')
    if c.source == "ledger":  # counted from the project ledger, not filed (indicators/ledger.py)
        parts.append('<div class="small text-muted">台账统计</div>')
    return f'<td class="num warn-{escape(c.warning)}" title="{escape(c.warning_reason)}">{"".join(parts)}</td>'


def percent_text(fraction) -> str:
    return format_fixed(to_decimal(fraction) * 100, 1) + "%"


def indicator_view(request, code):
    from django.utils import timezone

    from tuijin.core.cache import cached

    year, month = _period(request)
    # Kept per member, address and language (fragment_key) until something the page shows changes: the indicator's
    # own figures and targets or a zone-wide table its rows read (history.indicator_page_version); a draft of
    # another indicator leaves it alone. A missing indicator is kept as such: the catalogue is in the version.
    page_key = fragment_key(request, year, month, timezone.localdate(), history.indicator_page_version(
        zone=request.zone, code=code, year=year, month=month))

    def page() -> dict:
        sees_zone = request.member.scope in (request.member.Scope.ZONE, request.member.Scope.ALL)
        trend = history.indicator_trend(member=request.member, zone=request.zone, indicator_code=code, year=year,
                                        unit=None if sees_zone else request.member.unit)
        ind = trend["indicator"]
        if ind is None:
            return {"indicator": None}
        rows = [r for r in dispatch_table(member=request.member, zone=request.zone, year=year, month=month)
                if r.indicator_code == code]
        zone_row = next((r for r in rows if r.is_zone), None)
        outlook = None
        if zone_row is not None and not ind.is_computed:
            outlook = history.outlook_for(zone=request.zone, indicator=ind, year=year, month=month, row=zone_row)
        chart = {"months": [f"{m}月" for m in trend["months"]], "this_year": trend["this_year"],
                 "last_year": trend["last_year"], "this_label": f"{year}年", "last_label": f"{year - 1}年",
                 "unit": ind.unit, "name": ind.name}
        return {"indicator": ind, "rows": rows, "lines": _indicator_lines(rows, ind.decimals), "zone_row": zone_row,
                "outlook": outlook, "chart": chart}

    data = cached("indicator-page", page_key, version="", compute=page)
    if data["indicator"] is None:
        raise Http404(_("No such indicator."))
    return render(request, "indicators/indicator.html", _ctx(year, month, page_key=page_key, **data))


def _indicator_lines(rows, decimals: int) -> list[dict]:
    """The by-unit table's cells as text, worked out here once (the template's filters, per row and cell, cost
    more than the rest of the page)."""
    return [{"is_zone": r.is_zone, "unit": r.unit, "ytd": fixed(r.actual_ytd, decimals),
             "target": fixed(r.target, decimals), "completion": percent(r.completion), "gap": fixed(r.pace_gap_pp, 1),
             "last_year": fixed(r.last_year_ytd, decimals), "yoy": percent(r.yoy_growth),
             "rank": _("No. %(n)s") % {"n": localize(r.rank)} if r.rank else "", "warning": r.warning,
             "warning_reason": r.warning_reason} for r in rows]


def unit_view(request, pk):
    unit = Unit.objects.restrict(request.member).filter(pk=pk, zone=request.zone).first()
    if unit is None:
        raise Http404(_("No such unit, or it is outside your data scope."))
    year, month = _period(request)
    rows = [r for r in dispatch_table(member=request.member, zone=request.zone, year=year, month=month,
                                      include_zone_row=False) if r.unit_id == unit.pk]
    from tuijin.projects.selectors import project_list

    projects = project_list(member=request.member, zone=request.zone, filters={"unit": unit.pk})[:50]
    return render(request, "indicators/unit.html", _ctx(year, month, unit=unit, rows=rows, projects=projects,
                                                        badges=STATE_BADGES))


def _filing_units(member, zone) -> list[Unit]:
    return selectors.filing_units(member=member, zone=zone)


def filing_view(request):
    """Unit staff file their month; the office may file for any unit in its scope. The form is saved whole or not
    at all; 报送审核 saves what is on the screen and submits it in one transaction.

    The page of the stored month (no form posted) is kept as two fragments keyed by ``selectors.filing_version``:
    the unit's month, the form and its status are read only when one is missing."""
    member = request.member
    if not member.can_change:
        raise PermissionDenied(_("Leaders read; figures are filed by the units."))
    units = _filing_units(member, request.zone)
    if not units:
        raise PermissionDenied(_("You have no unit to file for."))
    unit_id = request.POST.get("unit") if request.method == "POST" else request.GET.get("unit")
    if unit_id:
        unit = next((u for u in units if str(u.pk) == str(unit_id)), None)
        if unit is None:
            raise PermissionDenied(_("You may not file for this unit: it is outside your data scope."))
    else:
        unit = next((u for u in units if u.pk == member.unit_id), units[0])
    year, month = _period(request)
    version = functools.cache(lambda: selectors.filing_version(unit=unit, year=year, month=month))
    sheet = functools.cache(lambda: selectors.filing_month(member=member, unit=unit, year=year, month=month,
                                                           version=version()))
    period_obj = functools.cache(lambda: selectors.period_state(zone=request.zone, year=year, month=month))
    form, confirm_needed = None, []
    if request.method == "POST":
        form = FilingForm(request.POST, rows=sheet().rows,
                          indicators=lambda: selectors.indicator_list(member=member, zone=request.zone))
        action = request.POST.get("action", "save")
        try:
            if action == "withdraw":
                n = services.actual_withdraw(member=member, unit=unit, year=year, month=month)
                messages.success(request, _("%(n)s figures withdrawn to draft; correct them and submit again.") % {
                    "n": n})
                return redirect(_back("indicators:filing", year, month, unit=unit.pk))
            if form.is_valid():
                result = services.actual_file(member=member, unit=unit, year=year, month=month,
                                              entries=form.entries(), confirmed=request.POST.get("confirmed") == "1",
                                              submit=action == "submit")
                if action == "submit":
                    messages.success(request, _("%(n)s figures submitted for review.") % {"n": result.submitted})
                else:
                    messages.success(request, _("%(n)s figures saved as draft.") % {"n": result.saved})
                return redirect(_back("indicators:filing", year, month, unit=unit.pk))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for key, errs in exc.message_dict.items():
                    for e in errs:
                        form.add_error(key if key in form.fields else None, e)
            elif all(getattr(e, "code", None) == "confirm" for e in exc.error_list):
                confirm_needed = exc.messages
            else:
                for m in exc.messages:
                    form.add_error(None, m)
        if form.errors:
            messages.error(request, _("Nothing was saved: correct the marked figures and save again."))
    # a posted form keeps what was typed: drawn anew, never kept
    filing_key = None if form is not None else fragment_key(request, year, month, version())
    return render(request, "indicators/filing.html", _ctx(
        year, month, unit=unit, units=units, form=form, confirm_needed=confirm_needed, filing_key=filing_key,
        form_errors=form.non_field_errors() if form is not None else (), period_obj=SimpleLazyObject(period_obj),
        lines=SimpleLazyObject(lambda: _filing_lines(sheet().rows, form, locked=bool(
            period_obj() and period_obj().locked), office=member.is_office)),
        status=SimpleLazyObject(lambda: sheet().status(period_obj())), action=request.POST.get("action", "save")))


def _filing_lines(rows, form, *, locked: bool, office: bool) -> list[dict]:
    """The filing form's lines with what the template shows per line worked out once here (the numbers, the
    inputs' names, values and errors, read-only, the state's badge): the loop only prints them. ``form``: the
    posted form (typed values and their errors kept), None for the stored month (no form is built)."""
    from tuijin.indicators.forms import cell

    out = []
    for r in rows:
        ind, state = r["indicator"], r["state"]
        colour, word = STATE_BADGES.get(state, ("", ""))
        ytd_name = f"ytd_{ind.pk}"
        ytd_value, ytd_errors = cell(form, ytd_name, r["ytd"])
        line = {"state": state, "expected": r["expected"], "name": ind.name, "code": ind.code,
                "display_unit": ind.unit, "target_text": format_fixed(r["target"], ind.decimals),
                "previous_text": format_fixed(r["previous"], ind.decimals),
                "ytd_id": f"id_{ytd_name}", "ytd_name": ytd_name, "ytd_errors": ytd_errors, "ytd_value": ytd_value,
                "locked": locked,
                "ytd_readonly": locked or (not office and state in (Actual.State.SUBMITTED, Actual.State.APPROVED)),
                "badge_colour": colour, "badge_word": word, "last_input": not r["last_year_known"]}
        if r["last_year_known"]:
            line.update(has_error=bool(ytd_errors), last_year_text=format_fixed(r["last_year_ytd"], ind.decimals))
        else:  # last year's figure not filed: asked for here
            last_name = f"last_{ind.pk}"
            last_value, last_errors = cell(form, last_name, r["last_year_ytd"])
            line.update(has_error=bool(ytd_errors or last_errors), last_id=f"id_{last_name}", last_name=last_name,
                        last_errors=last_errors, last_value=last_value)
        out.append(line)
    return out


def review_view(request):
    """The office reviews a unit's month as a whole (approve, or return with one reason), then locks the month;
    units still short when it locks need a reason each and are shown as 未报."""
    member = request.member
    require_office(member)
    year, month = _period(request)
    lock_errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("approve", "return"):
                _review_units(request, year, month, approve=action == "approve")
            elif action == "lock":
                posted = {parse_id(k[len("reason_"):]): v for k, v in request.POST.items() if k.startswith("reason_")}
                reasons = {pk: v for pk, v in posted.items() if pk is not None}  # reason_<unit id>
                result = services.period_lock(member=member, zone=request.zone, year=year, month=month,
                                              exceptions=reasons)
                text = _("%(label)s is locked.") % {"label": period_label(year, month)}
                if result.not_reported:
                    text += _(" Not reported: %(units)s.") % {"units": "、".join(result.not_reported)}
                messages.success(request, text)
            elif action == "reopen":
                services.period_reopen(member=member, zone=request.zone, year=year, month=month,
                                       reason=request.POST.get("reopen_reason", ""))
                messages.success(request, _("%(label)s is reopened.") % {"label": period_label(year, month)})
            else:
                raise ValidationError(_("Unknown action."))
            return redirect(_back("indicators:review", year, month))
        except ValidationError as exc:
            if action == "lock" and any(getattr(e, "code", None) == "incomplete" for e in exc.error_list):
                lock_errors = exc.messages
                messages.error(request, _("The month is not locked: give a reason for each unit still short, or "
                                          "have them file first."))
            else:
                for m in exc.messages:
                    messages.error(request, m)
    status = selectors.filing_status(member=member, zone=request.zone, year=year, month=month)
    for s in status:  # a refused lock keeps the reasons typed
        s.posted_reason = request.POST.get(f"reason_{s.unit.pk}", "") if request.method == "POST" else ""
    period = selectors.period_state(zone=request.zone, year=year, month=month)
    events = period.events.select_related("by")[:20] if period else []
    return render(request, "indicators/review.html", _ctx(
        year, month, status=status, period_obj=period, events=events, lock_errors=lock_errors,
        short=[s for s in status if not s.complete], waiting=sum(s.submitted for s in status)))


def _review_units(request, year: int, month: int, *, approve: bool) -> None:
    """Approve or return each selected unit; report each unit's outcome (one message per unit)."""
    ids = parse_ids(request.POST.getlist("unit"))
    units = list(Unit.objects.restrict(request.member, "change").filter(zone=request.zone, pk__in=ids))
    if not units:
        raise ValidationError(_("Select at least one unit."))
    reason = request.POST.get("reason", "")
    for unit in units:
        try:
            result = services.actual_review(member=request.member, unit=unit, year=year, month=month,
                                            approve=approve, reason=reason)
            messages.success(request, result.text())
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
            if not approve and not reason.strip():
                return  # the same missing reason for every unit: say it once


def targets_view(request):
    """Annual targets: the split check of every indicator (the units' sum against the zone's target, as a
    difference); the office enters and edits one indicator's targets on screen (``?indicator=<code>``) and copies
    last year's as a starting point."""
    params = request.GET if request.method == "GET" else request.POST
    try:
        year = parse_year(params.get("year")) if params.get("year") else current_period(request.zone)[0]
    except PeriodError:
        year = current_period(request.zone)[0]
    grid = None
    code = str(params.get("indicator", ""))[:40]
    indicator = selectors.indicator_list(member=request.member, zone=request.zone).exclude(
        rollup="ratio").filter(code=code).first() if code else None
    if request.method == "POST":
        require_office(request.member)
        if params.get("action") == "copy":
            try:
                n = services.targets_copy_year(member=request.member, zone=request.zone, year=year)
            except ValidationError as exc:
                for m in exc.messages:
                    messages.error(request, m)
            else:
                messages.success(request, _("%(n)s targets copied from %(y)s; those %(year)s already had are kept.")
                                 % {"n": n, "y": year - 1, "year": year})
            return redirect(f"{reverse('indicators:targets')}?year={year}")
        if indicator is None:
            raise Http404(_("No such indicator."))
        units = selectors.target_units(member=request.member, zone=request.zone)
        values = {None: params.get("zone", "")[:60]} | {u: params.get(f"unit_{u.pk}", "")[:60] for u in units}
        try:
            n = services.targets_save(member=request.member, zone=request.zone, indicator=indicator, year=year,
                                      values=values)
        except ValidationError as exc:
            grid = selectors.target_grid(member=request.member, zone=request.zone, indicator=indicator, year=year,
                                         typed=params, errors=exc.message_dict)
            for m in exc.messages:
                messages.error(request, m)
        else:
            check = next((c for c in selectors.split_check(member=request.member, zone=request.zone, year=year)
                          if c["indicator"].pk == indicator.pk), None)
            messages.success(request, _("%(n)s targets saved.") % {"n": n})
            if check and check["status"] != "ok":
                messages.warning(request, selectors.split_words(check))
            return redirect(f"{reverse('indicators:targets')}?year={year}&indicator={indicator.code}")
    if indicator is not None and grid is None:
        grid = selectors.target_grid(member=request.member, zone=request.zone, indicator=indicator, year=year)
    checks = selectors.split_check(member=request.member, zone=request.zone, year=year)
    for c in checks:
        c["words"] = selectors.split_words(c)
    editable = selectors.indicator_list(member=request.member, zone=request.zone).exclude(rollup="ratio")
    return render(request, "indicators/targets.html", {"year": year, "month": 12, "checks": checks, "grid": grid,
                                                       "indicator": indicator, "editable": editable})
