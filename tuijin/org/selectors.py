"""Reads for zones, units and members, always through the data scope."""
from __future__ import annotations

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


def member_list(*, member: Member | None, zone: Zone | None = None):
    qs = Member.objects.restrict(member).select_related("user", "unit", "zone")
    if zone is not None:
        qs = qs.filter(zone=zone)
    return qs


def zone_by_code(*, member: Member | None, code: str) -> Zone | None:
    return zone_list(member=member).filter(code=code).first()
