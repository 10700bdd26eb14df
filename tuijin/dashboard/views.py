import json

from django.shortcuts import render

from tuijin.bulletins.selectors import PeriodError, bulletin_data_cached
from tuijin.indicators import selectors as ind
from tuijin.indicators.views import _period
from tuijin.projects import selectors as proj


def cockpit(request):
    """The leaders' cockpit: the bulletin's own data (same selectors), with charts and drill-downs."""
    year, month = _period(request)
    try:
        data = bulletin_data_cached(member=request.member, zone=request.zone, year=year, month=month)
        error = ""
    except PeriodError as exc:
        data, error = None, str(exc)
    main = ""
    if data:
        main = next((r["indicator_code"] for r in data["indicator_rows"] if r["main"]), "general_budget_revenue")
    trend = ind.indicator_trend(member=request.member, zone=request.zone, indicator_code=main or "general_budget_revenue",
                                year=year)
    funnel = proj.stage_funnel(member=request.member, zone=request.zone)
    battle = proj.battle_map(member=request.member, zone=request.zone)
    charts = {
        "trend": {"name": trend["indicator"].name if trend["indicator"] else "", "unit": trend["indicator"].unit
                  if trend["indicator"] else "", "this": trend["this_year"], "last": trend["last_year"],
                  "this_label": f"{year}年", "last_label": f"{year - 1}年"},
        "funnel": [{"name": f["name"], "value": f["count"]} for f in funnel],
        "tickets": [{"name": s["unit"], "received": s["received"], "resolved": s["resolved"]}
                    for s in (data["tickets"] if data else [])][:12],
    }
    screen = request.GET.get("screen") == "1"
    return render(request, "dashboard/cockpit.html", {
        "data": data, "error": error, "year": year, "month": month, "period": f"{year}-{month:02d}",
        "cards": [r for r in (data["indicator_rows"] if data else []) if r["main"]],
        "battle": battle, "charts_json": json.dumps(charts, ensure_ascii=False), "screen": screen})
