"""What the cockpit reads: the bulletin's data (the same selectors, so both agree), the main indicator's trend, the
project funnel and battle map, and the ticket figures.

The page is kept as rendered fragments (``core.cache.fragment_key``) keyed by ``CockpitReads.versions``, which
tells in three small queries whether anything it shows changed. The tickets change several times a minute in a busy zone
(every progress note saves its ticket), so their figures are versioned, cached and rendered apart: a note never
re-renders the rest.
"""
from __future__ import annotations

import functools

from tuijin.assessment.models import Run
from tuijin.bulletins.selectors import PeriodError, bulletin_data_cached, check_bulletin_period, ticket_part
from tuijin.campaigns.models import Campaign, StageGoal
from tuijin.core.cache import Rows, cached, table_version
from tuijin.core.models import FilingPeriod
from tuijin.core.periods import is_locked
from tuijin.indicators.dispatch import COUNTED
from tuijin.indicators.history import indicator_trend_cached
from tuijin.indicators.models import Actual, DispatchRule, FilingException, Indicator, MonthlyPlan, Target
from tuijin.org.models import Unit
from tuijin.projects import selectors as proj
from tuijin.projects.models import LagRuleSetting, Project, ProjectNode, ProjectProgress
from tuijin.promotion.models import Capital, Lead
from tuijin.tickets.models import Ticket

FALLBACK_INDICATOR = "general_budget_revenue"  # the trend's line when the month has no main indicator row


def _who(member) -> str:
    """What of the member the cached data varies on, as the bulletin's cache has it: the scope (and unit)."""
    return f"{member.scope}:{member.unit_id if member.scope in ('unit', 'subtree') else ''}"


def figures_rows(zone, year: int, month: int) -> tuple[Rows, ...]:
    """Every row the cockpit shows outside the trend and the tickets: what ``bulletin_data_cached`` (the dispatch's
    ``indicators.dispatch.version`` and the bulletin's projects version) and ``projects.selectors.cockpit_projects``
    are versioned by, and the trend's other tables (units, catalogue, ledger). tests/test_cockpit_cache.py checks
    that every table of those versions is here or in ``trend_rows``."""
    z = zone.pk
    period = Rows(FilingPeriod, zone=z, year=year, month=month)
    return (
        Rows(Actual, zone=z, year=(year, year - 1), month=tuple(range(1, month + 1))),
        Rows(Target, zone=z, year=year), Rows(Indicator, zone=z), Rows(Unit, zone=z), Rows(DispatchRule, zone=z),
        Rows(MonthlyPlan, zone=z, year=year), period, Rows(FilingException, zone=z, period=period),
        Rows(Project, zone=z), Rows(ProjectNode, zone=z), Rows(ProjectProgress, zone=z), Rows(LagRuleSetting, zone=z),
        Rows(Capital, zone=z), Rows(Lead, zone=z), Rows(Run, zone=z), Rows(Campaign, zone=z), Rows(StageGoal, zone=z),
    )


def trend_rows(zone, year: int, ids: list[int]) -> tuple[Rows, ...]:
    """The figures and targets of the trend's indicator (``ids``: it and its parts), as ``indicator_trend_cached``
    reads them, except this year's drafts and returned figures: of this year the trend counts submitted and approved
    figures only (``indicators.history.monthly_history``), so a draft of a later month (saved many times a day while
    a month is filed) leaves the cockpit of a locked month alone. A figure counted or no longer counted changes that
    set's count or latest change; this year's months up to the one shown are in ``figures_rows`` whatever their
    state."""
    z = zone.pk
    return (Rows(Actual, zone=z, indicator=ids, year=(year - 1, year - 2)),
            Rows(Actual, zone=z, indicator=ids, year=year, state=tuple(str(s) for s in COUNTED)),
            Rows(Target, zone=z, indicator=ids, year=(year, year - 1, year - 2)))


def tickets_rows(zone) -> tuple[Rows, ...]:
    """What the ticket figures read (as the bulletin's ticket part is versioned): the tickets and the units' names."""
    return Rows(Ticket, zone=zone.pk), Rows(Unit, zone=zone.pk)


class CockpitReads:
    """One view's reads of the cockpit of ``member`` for a month, each done at most once and only when asked for:
    the versions on every view, the figures only when the page's fragments are missing."""

    def __init__(self, *, member, zone, year: int, month: int, as_of):
        self.member, self.zone, self.year, self.month, self.as_of = member, zone, year, month, as_of
        self.who = _who(member)

    def versions(self) -> tuple[str, str]:
        """(figures version, tickets version): three small queries.

        Which indicator the trend draws (the month's first main indicator) is kept by the version of the rest of
        the figures, so its rows can be versioned alone (a few hundred rows instead of every figure of three
        years)."""
        zone, year = self.zone, self.year
        figures = table_version(*figures_rows(zone, year, self.month))
        ids = cached("cockpit-trend-ids", zone.pk, year, self.month, self.who, version=figures,
                     compute=self.trend_indicator_ids)
        trend = table_version(*trend_rows(zone, year, ids))
        return f"{figures}:{trend}", table_version(*tickets_rows(zone))

    @functools.cached_property
    def bulletin(self) -> tuple[dict | None, str]:
        """The bulletin's data, or None and why the month is refused."""
        try:
            return bulletin_data_cached(member=self.member, zone=self.zone, year=self.year, month=self.month), ""
        except PeriodError as exc:
            return None, str(exc)

    @functools.cached_property
    def cards(self) -> list[dict]:
        data = self.bulletin[0]
        return [r for r in data["indicator_rows"] if r["main"]] if data else []

    @property
    def trend_code(self) -> str:
        return self.cards[0]["indicator_code"] if self.cards else FALLBACK_INDICATOR

    def trend_indicator_ids(self) -> list[int]:
        """The trend's indicator and its parts (numerator, denominator), as ``indicator_trend_cached`` versions
        them."""
        return [i for row in Indicator.objects.filter(zone=self.zone, code=self.trend_code).order_by()
                .values_list("pk", "numerator_id", "denominator_id") for i in row if i is not None]

    def figures(self) -> dict:
        """Everything the cockpit shows but the tickets."""
        member, zone, year = self.member, self.zone, self.year
        data, error = self.bulletin
        trend = indicator_trend_cached(member=member, zone=zone, indicator_code=self.trend_code, year=year)
        funnel, battle = proj.cockpit_projects(member=member, zone=zone)
        ind = trend["indicator"]
        return {
            "data": data, "error": error, "cards": self.cards, "battle": battle,
            "locked": is_locked(zone, year, self.month),
            "charts": {
                "trend": {"name": ind.name if ind else "", "unit": ind.unit if ind else "",
                          "this_year": trend["this_year"], "last_year": trend["last_year"],
                          "this_label": f"{year}年", "last_label": f"{year - 1}年",
                          "months": [f"{m}月" for m in range(1, 13)]},
                "funnel": [{"name": f["name"], "value": f["count"]} for f in funnel]},
        }

    def tickets(self, version: str) -> dict:
        """The ticket figures the cockpit shows (``bulletins.selectors.ticket_part``, as the bulletin states them):
        the totals and the chart's first 12 units, kept until a ticket or a unit of the zone changes (``version``:
        the second of ``versions``) or the zone's today moves. None of them for a month the cockpit refuses."""
        member, zone, month, as_of = self.member, self.zone, self.month, self.as_of
        try:
            check_bulletin_period(zone, self.year, month)  # what refuses a month in bulletin_data_cached
        except PeriodError:
            return {"totals": None, "chart": []}

        def compute() -> dict:
            part = ticket_part(member=member, zone=zone, month=month, as_of=as_of)
            return {"totals": part["ticket_totals"],
                    "chart": [{"name": s["unit"], "received": s["received"], "resolved": s["resolved"]}
                              for s in part["tickets"]][:12]}

        return cached("cockpit-tickets", zone.pk, self.year, month, self.who, version=f"{version}:{as_of}",
                      compute=compute)
