import functools

from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from tuijin.bulletins.selectors import bulletin_period
from tuijin.core.cache import fragment_key
from tuijin.core.periods import as_of_date, current_period, period_code, period_from_params, period_label
from tuijin.dashboard.selectors import CockpitReads

FIGURES = ("data", "error", "cards", "battle", "locked", "charts")  # read only when the fragments are missing


def cockpit(request):
    """The leaders' cockpit: the bulletin's own data (same selectors), with charts and drill-downs.

    It opens on the newest locked month, so leaders read final figures; another month can be chosen. Everything
    but the ticket figures is kept rendered per member and data version (``cockpit_key``) and read only when that
    fragment is missing; the zone's today is in the key (days late, the months that may be chosen)."""
    zone = request.zone
    default = bulletin_period(zone) or current_period(zone)
    year, month = period_from_params(request.GET, zone, default=default)
    as_of = as_of_date(zone)
    reads = CockpitReads(member=request.member, zone=zone, year=year, month=month, as_of=as_of)
    figures_version, tickets_version = reads.versions()
    figures = functools.cache(reads.figures)
    return render(request, "dashboard/cockpit.html", {
        "year": year, "month": month, "period": period_code(year, month), "period_label": period_label(year, month),
        "screen": request.GET.get("screen") == "1",
        "cockpit_key": fragment_key(request, year, month, figures_version, as_of, timezone.localdate()),
        "tickets": reads.tickets(tickets_version),
        **{k: SimpleLazyObject(lambda k=k: figures()[k]) for k in FIGURES}})
