"""Every read of the enterprise register, through the member's data scope.

The lists the zones keep (docs/enterprises.md, "The lists"):

- 上亿元企业: operating revenue of the year ≥ ``BIG_REVENUE`` (10000万元 = 1亿元);
- 规上: above scale in that year (the 规上 flag of the year's figures);
- 小升规 candidates: not above scale in that year, with operating revenue ≥ ``CANDIDATE_REVENUE`` (1500万元);
- 培大育强: the enterprises the office keeps for the year, with their targets.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db.models import Count, F, FilteredRelation, Max, OuterRef, Q, Subquery, Sum

from tuijin.core.params import parse_id, parse_int
from tuijin.core.periods import YEAR_MAX, YEAR_MIN, as_of_date
from tuijin.enterprises.models import Enterprise, EnterpriseVisit, EnterpriseYear, KeptEnterprise
from tuijin.promotion.models import Lead

BIG_REVENUE = Decimal(10000)  # 万元: 上亿元企业
# The statistics' threshold of 规上 industry is 主营业务收入 2000万元 (国统字〔2010〕87号); a 小升规 candidate is an
# enterprise not yet above scale within reach of it: at 75% of the threshold or more (docs/enterprises.md).
ABOVE_SCALE_REVENUE = Decimal(2000)
CANDIDATE_REVENUE = Decimal(1500)
FIGURES = ("revenue", "tax", "output", "value_added", "energy", "rnd", "employees")
SORTS = {
    "name": ("name",), "-name": ("-name",), "code": ("credit_code",), "unit": ("unit__sort_order", "name"),
    "revenue": (F("y_revenue").asc(nulls_last=True), "name"), "-revenue": (F("y_revenue").desc(nulls_last=True), "name"),
    "-tax": (F("y_tax").desc(nulls_last=True), "name"), "-output": (F("y_output").desc(nulls_last=True), "name"),
    "-employees": (F("y_employees").desc(nulls_last=True), "name"),
    "-land": (F("land_area").desc(nulls_last=True), "name"),
}
DEFAULT_SORT = "-revenue"


def default_year(zone) -> int:
    """The year a page opens on: the zone's latest year with figures (not after its current year), else last year."""
    this_year = as_of_date(zone).year
    latest = EnterpriseYear.objects.filter(zone=zone, year__lte=this_year).aggregate(y=Max("year"))["y"]
    return latest or this_year - 1


def year_from(value, zone) -> int:
    """A year from an address (``?year=2022``); anything malformed or out of range opens the default year."""
    return parse_int(value, YEAR_MIN, YEAR_MAX) or default_year(zone)


def year_choices(zone, year: int) -> list[int]:
    """Years a page offers: those with figures, the one shown, and the zone's current year, newest first."""
    years = set(EnterpriseYear.objects.filter(zone=zone).values_list("year", flat=True).distinct())
    return sorted(years | {year, as_of_date(zone).year}, reverse=True)


def _amount(value) -> Decimal | None:
    try:
        d = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() and abs(d) < Decimal("1e15") else None


def with_year(qs, year: int):
    """Enterprises with the figures of ``year`` as ``y_revenue``, ``y_tax`` … (None where not reported)."""
    qs = qs.annotate(fy=FilteredRelation("years", condition=Q(years__year=year)))
    return qs.annotate(**{f"y_{f}": F(f"fy__{f}") for f in FIGURES}, y_above_scale=F("fy__above_scale"),
                       y_pk=F("fy__pk"))


def enterprise_list(*, member, zone, filters: dict | None = None):
    """(enterprises with the year's figures, year). Filters: q (name or code), unit, industry, above_scale (1/0, the
    enterprise's status now), big (1: 上亿元 in the year), rev_min/rev_max (万元, in the year), year, sort."""
    f = filters or {}
    year = year_from(f.get("year"), zone)
    qs = with_year(Enterprise.objects.restrict(member).filter(zone=zone).select_related("unit"), year)
    q = str(f.get("q") or "").replace("\x00", "").strip()[:100]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__icontains=q.upper()) | Q(address__icontains=q))
    if f.get("unit"):
        unit_id = parse_id(f["unit"])
        if unit_id is None:
            return qs.none(), year
        qs = qs.filter(unit_id=unit_id)
    if f.get("industry"):
        qs = qs.filter(industry=str(f["industry"])[:60])
    if f.get("above_scale") in ("1", "0"):
        qs = qs.filter(above_scale=f["above_scale"] == "1")
    if f.get("big") == "1":
        qs = qs.filter(y_revenue__gte=BIG_REVENUE)
    for key, lookup in (("rev_min", "y_revenue__gte"), ("rev_max", "y_revenue__lte")):
        if f.get(key):
            value = _amount(f[key])
            if value is None:
                return qs.none(), year
            qs = qs.filter(**{lookup: value})
    return qs.order_by(*SORTS.get(str(f.get("sort") or ""), SORTS[DEFAULT_SORT])), year


def list_totals(qs) -> dict:
    """Count and sums of the year's figures over a list."""
    sums = qs.aggregate(count=Count("pk"), revenue=Sum("y_revenue"), tax=Sum("y_tax"), output=Sum("y_output"),
                        employees=Sum("y_employees"))
    return sums


def _years(member, zone, year: int):
    return (EnterpriseYear.objects.restrict(member).filter(zone=zone, year=year)
            .select_related("enterprise", "enterprise__unit"))


def big_enterprises(*, member, zone, year: int):
    """上亿元企业: operating revenue in ``year`` of at least 1亿元, largest first."""
    return _years(member, zone, year).filter(revenue__gte=BIG_REVENUE).order_by("-revenue", "enterprise__name")


def above_scale_enterprises(*, member, zone, year: int):
    """规上 in ``year``, largest first."""
    return _years(member, zone, year).filter(above_scale=True).order_by(
        F("revenue").desc(nulls_last=True), "enterprise__name")


def upgrade_candidates(*, member, zone, year: int):
    """小升规 candidates: not above scale in ``year``, operating revenue ≥ 1500万元, closest to the threshold first."""
    return _years(member, zone, year).filter(above_scale=False, revenue__gte=CANDIDATE_REVENUE).order_by(
        "-revenue", "enterprise__name")


def ranking_totals(rows) -> dict:
    return rows.aggregate(count=Count("pk"), revenue=Sum("revenue"), tax=Sum("tax"), output=Sum("output"),
                          employees=Sum("employees"))


def kept_list(*, member, zone, year: int) -> list[KeptEnterprise]:
    """The year's 培大育强 list, each with its revenue in the year and the year before and its completion."""
    revenue = EnterpriseYear.objects.filter(enterprise=OuterRef("enterprise"))
    rows = list(KeptEnterprise.objects.restrict(member).filter(zone=zone, year=year)
                .select_related("enterprise", "enterprise__unit")
                .annotate(actual=Subquery(revenue.filter(year=year).values("revenue")[:1]),
                          last=Subquery(revenue.filter(year=year - 1).values("revenue")[:1]))
                .order_by("-target_revenue", "enterprise__name"))
    for k in rows:
        k.completion = (k.actual / k.target_revenue) if k.actual is not None and k.target_revenue else None
    return rows


def kept_years(zone) -> list[int]:
    return sorted(set(KeptEnterprise.objects.filter(zone=zone).values_list("year", flat=True)), reverse=True)


def enterprise_years(enterprise: Enterprise) -> list[EnterpriseYear]:
    return list(enterprise.years.order_by("year"))


def chart_data(years: list[EnterpriseYear]) -> dict:
    """The detail page's chart: revenue, tax and output by year (亿元 would hide small firms: 万元 as stored)."""
    def series(field):
        return [float(getattr(y, field)) if getattr(y, field) is not None else None for y in years]

    return {"years": [str(y.year) for y in years],
            "series": [{"key": f, "name": str(EnterpriseYear._meta.get_field(f).verbose_name), "data": series(f)}
                       for f in ("revenue", "output", "tax") if any(x is not None for x in series(f))]}


def enterprise_tickets(*, member, enterprise: Enterprise):
    """The tickets (诉求/督办) the member may open that concern this enterprise: linked to it, or (not linked to any
    enterprise of the register) naming it."""
    from tuijin.tickets.selectors import followed_tickets

    return (followed_tickets(member).filter(zone_id=enterprise.zone_id)
            .filter(Q(enterprise_record=enterprise) | Q(enterprise_record__isnull=True,
                                                         enterprise__iexact=enterprise.name))
            .select_related("assignee_unit").order_by("-assigned_at"))


def enterprise_projects(*, member, enterprise: Enterprise):
    """The ledger's projects the member sees whose investor is this enterprise (by name)."""
    from tuijin.projects.models import Project

    return (Project.objects.restrict(member).filter(zone_id=enterprise.zone_id, investor__iexact=enterprise.name)
            .select_related("unit").order_by("code"))


def enterprise_visits(*, member, enterprise: Enterprise):
    """The service visits to the enterprise the member sees, latest first."""
    return (EnterpriseVisit.objects.restrict(member).filter(enterprise=enterprise)
            .select_related("ticket").order_by("-visited_on", "-id"))


def enterprise_leads(*, member, enterprise: Enterprise):
    """The 招商 leads the member sees whose investor is this enterprise (by name, as its projects)."""
    return (Lead.objects.restrict(member).filter(zone_id=enterprise.zone_id, investor__iexact=enterprise.name)
            .select_related("unit", "project").order_by("-lead_on", "-id"))


def industries(*, member, zone) -> list[str]:
    return list(Enterprise.objects.restrict(member).filter(zone=zone).exclude(industry="")
                .values_list("industry", flat=True).distinct().order_by("industry"))


def search(*, member, zone, q: str, limit: int = 20) -> list[dict]:
    """Enterprises matching ``q`` (name or code) for the searchable pickers."""
    q = (q or "").replace("\x00", "").strip()[:100]
    qs = Enterprise.objects.restrict(member).filter(zone=zone)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__icontains=q.upper()))
    return [{"value": pk, "text": f"{name}({code})"}
            for pk, name, code in qs.order_by("name").values_list("pk", "name", "credit_code")[:limit]]


def this_year(zone) -> int:
    return as_of_date(zone).year if zone is not None else dt.date.today().year


def visit_counts(*, member, zone, year: int) -> dict:
    """Service visits of ``year`` the member sees: how many, and to how many enterprises."""
    qs = EnterpriseVisit.objects.restrict(member).filter(zone=zone, visited_on__year=year)
    return qs.aggregate(visits=Count("pk"), enterprises=Count("enterprise", distinct=True))


def liaison_list(*, member, zone):
    """Key enterprises with their service liaison, by serving unit."""
    return (Enterprise.objects.restrict(member).filter(zone=zone, liaison__isnull=False)
            .select_related("unit", "liaison", "liaison__unit", "liaison__user").order_by("unit__sort_order", "name"))
