from django.shortcuts import render

from tuijin.bulletins.selectors import PeriodError, bulletin_data_cached, bulletin_period
from tuijin.core.periods import current_period, is_locked, period_code, period_from_params, period_label
from tuijin.indicators.history import indicator_trend_cached
from tuijin.projects import selectors as proj


def cockpit(request):
    """The leaders' cockpit: the bulletin's own data (same selectors), with charts and drill-downs.

    It opens on the newest locked month, so leaders read final figures; another month can be chosen."""
    zone = request.zone
    default = bulletin_period(zone) or current_period(zone)
    year, month = period_from_params(request.GET, zone, default=default)
    try:
        data = bulletin_data_cached(member=request.member, zone=zone, year=year, month=month)
        error = ""
    except PeriodError as exc:
        data, error = None, str(exc)
    main = next((r["indicator_code"] for r in data["indicator_rows"] if r["main"]), "general_budget_revenue") \
        if data else "general_budget_revenue"
    trend = indicator_trend_cached(member=request.member, zone=zone, indicator_code=main, year=year)
    funnel, battle = proj.cockpit_projects(member=request.member, zone=zone)
    ind = trend["indicator"]
    charts = {
        "trend": {"name": ind.name if ind else "", "unit": ind.unit if ind else "", "this_year": trend["this_year"],
                  "last_year": trend["last_year"], "this_label": f"{year}年", "last_label": f"{year - 1}年",
                  "months": [f"{m}月" for m in range(1, 13)]},
        "funnel": [{"name": f["name"], "value": f["count"]} for f in funnel],
        "tickets": [{"name": s["unit"], "received": s["received"], "resolved": s["resolved"]}
                    for s in (data["tickets"] if data else [])][:12],
    }
    return render(request, "dashboard/cockpit.html", {
        "data": data, "error": error, "year": year, "month": month, "period": period_code(year, month),
        "period_label": period_label(year, month), "locked": is_locked(zone, year, month),
        "cards": [r for r in (data["indicator_rows"] if data else []) if r["main"]],
        "battle": battle, "charts": charts, "screen": request.GET.get("screen") == "1"})
