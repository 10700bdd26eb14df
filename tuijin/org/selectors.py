"""Reads for zones, units and members, always through the data scope."""
from __future__ import annotations

from django.db.models import Q

from tuijin.org.models import Member, Unit
from tuijin.core.models import Zone


def zone_list(*, member: Member | None):
    return Zone.objects.restrict(member)


def unit_list(*, member: Member | None, zone: Zone | None = None, kind: str | None = None):
    qs = Unit.objects.restrict(member).select_related("parent", "zone")
    if zone is not None:
        qs = qs.filter(zone=zone)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("zone__code", "path")


def unit_tree(*, member: Member | None, zone: Zone) -> list[Unit]:
    """Units in tree order (parents before children) with ``depth`` for indentation."""
    units = list(unit_list(member=member, zone=zone))
    by_parent: dict[int | None, list[Unit]] = {}
    ids = {u.pk for u in units}
    for u in units:
        by_parent.setdefault(u.parent_id if u.parent_id in ids else None, []).append(u)
    out: list[Unit] = []

    def walk(parent_id, depth):
        for u in sorted(by_parent.get(parent_id, []), key=lambda x: (x.sort_order, x.pk)):
            u.tree_depth = depth
            out.append(u)
            walk(u.pk, depth + 1)

    walk(None, 0)
    return out


def member_list(*, member: Member | None, zone: Zone | None = None, filters: dict | None = None):
    """Members in the member's scope; ``filters`` (as the members page sends them, each optional): ``q`` (user
    name, full name or unit name contains), ``unit`` (an id), ``role``, ``active`` ("1" enabled, "0" disabled).
    A value that means nothing (an unknown role, a unit id that is not a number) filters nothing."""
    qs = Member.objects.restrict(member).select_related("user", "unit", "zone")
    if zone is not None:
        qs = qs.filter(zone=zone)
    filters = filters or {}
    q = str(filters.get("q") or "").strip()[:100]
    if q:
        qs = qs.filter(Q(user__username__icontains=q) | Q(full_name__icontains=q) | Q(unit__name__icontains=q))
    unit = str(filters.get("unit") or "")
    if unit.isascii() and unit.isdigit() and len(unit) <= 12:
        qs = qs.filter(unit_id=int(unit))
    role = filters.get("role")
    if role in Member.Role.values:
        qs = qs.filter(role=role)
    active = filters.get("active")
    if active in ("1", "0"):
        qs = qs.filter(user__is_active=active == "1")
    return qs
