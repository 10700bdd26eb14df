"""Data scope: the one place that decides which records a member may see or change.

Every page, API view, export and CLI query calls ``Model.objects.restrict(member,
action)``; services re-check a written record with ``ensure_can_change`` inside
their transaction. It fails closed: no member, no rule, nothing visible.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

VIEW = "view"
CHANGE = "change"
# The zone a member who sees every zone has chosen to look at (core.views.zone_switch writes it, org reads it).
SESSION_ZONE_KEY = "tuijin_zone_id"


class Role(models.TextChoices):
    """What a member may do."""

    STAFF = "staff", _l("unit staff")
    OFFICE = "office", _l("office")
    LEADER = "leader", _l("leader")
    ADMIN = "admin", _l("administrator")


class Scope(models.TextChoices):
    """What a member sees."""

    UNIT = "unit", _l("own unit")
    SUBTREE = "subtree", _l("unit and below")
    ZONE = "zone", _l("whole zone")
    ALL = "all", _l("all zones")


def _unit_lookups(unit_field: str) -> tuple[str, str]:
    """Lookups for 'this unit' and 'this unit's subtree' given a path to a Unit."""
    if unit_field == "":
        return "pk", "path__startswith"
    return unit_field, f"{unit_field}__path__startswith"


# Zone levels that hold zones below them (core.models.Zone.LEVELS_ABOVE; kept here too so scope.py needs no model).
LEVELS_ABOVE = ("province", "city", "district")
_ZONE_IDS = "_tuijin_zone_ids"


def _zone_parents() -> dict[int, int | None]:
    from django.apps import apps

    return dict(apps.get_model("core", "Zone").objects.values_list("pk", "parent_id"))


def zones_below(zone_id: int, parents: dict | None = None) -> set[int]:
    """The zone and every zone below it in the org tree (a city: its districts and their zones)."""
    parents = _zone_parents() if parents is None else parents
    children: dict = {}
    for pk, parent in parents.items():
        children.setdefault(parent, []).append(pk)
    ids, frontier = {zone_id}, [zone_id]
    while frontier:
        frontier = [c for z in frontier for c in children.get(z, ()) if c not in ids]
        ids.update(frontier)
    return ids


def zones_above(zone_id: int, parents: dict | None = None) -> list[int]:
    """The zones above a zone, nearest first (its district, its city, its province)."""
    parents = _zone_parents() if parents is None else parents
    out, z = [], parents.get(zone_id)
    while z is not None and z not in out and z != zone_id:
        out.append(z)
        z = parents.get(z)
    return out


def district_family(zone_id: int) -> set[int]:
    """The zone, the district it belongs to and every zone of that district (a district's report publishes the
    results of all its parks); a zone outside any district: itself and the zones below it."""
    from django.apps import apps

    rows = apps.get_model("core", "Zone").objects.values_list("pk", "parent_id", "level")
    parents = {pk: parent for pk, parent, _level in rows}
    levels = {pk: level for pk, _parent, level in rows}
    district = next((z for z in [zone_id, *zones_above(zone_id, parents)] if levels.get(z) == "district"), None)
    return zones_below(district if district is not None else zone_id, parents)


def member_zone_ids(member) -> set[int]:
    """The zones a member reads records of: their own zone; with the whole-zone scope in a province, city or
    district, also every zone below it. (Members who see every zone are not limited by zone at all.)"""
    cached = getattr(member, "__dict__", {}).get(_ZONE_IDS)
    if cached is not None:
        return cached
    zone = getattr(member, "zone", None) if member.scope == Scope.ZONE else None
    if zone is not None and zone.level in LEVELS_ABOVE:
        ids = zones_below(member.zone_id)
    else:
        ids = {member.zone_id}
    if hasattr(member, "__dict__"):
        member.__dict__[_ZONE_IDS] = ids
    return ids


def member_zones_above(member) -> list[int]:
    """The zones above a member's zone (its district, city, province), nearest first; what they publish down (a
    city's assessment results) the member's zone reads. Empty for members who see every zone."""
    if member is None or member.sees_all_zones or member.zone_id is None:
        return []
    if getattr(getattr(member, "zone", None), "parent_id", None) is None:  # no zone above: no query
        return []
    cached = member.__dict__.get("_tuijin_zones_above") if hasattr(member, "__dict__") else None
    if cached is None:
        cached = zones_above(member.zone_id)
        if hasattr(member, "__dict__"):
            member.__dict__["_tuijin_zones_above"] = cached
    return cached


def scope_q(model, member, action: str = VIEW) -> Q | None:
    """The filter a member's scope puts on ``model``; None means nothing at all."""
    if member is None or not member.is_active:
        return None
    if action == CHANGE and not member.can_change:
        return None
    unit_field = getattr(model, "scope_unit_field", None)
    zone_field = getattr(model, "scope_zone_field", "zone")
    if member.scope == member.Scope.ALL:
        q = Q()
    elif action == VIEW and len(zones := member_zone_ids(member)) > 1:
        # a province, city or district office reads the zones below it; it changes records of its own zone only
        q = Q(**{f"{zone_field}__in": sorted(zones)})
    else:
        q = Q(**{zone_field: member.zone_id})
    if unit_field is None:
        # Zone-wide records (catalogues, settings): readable by every member of the
        # zone, changed only by the office.
        if action == CHANGE and not member.is_office:
            return None
        return q
    own, subtree = _unit_lookups(unit_field)
    if member.scope == member.Scope.UNIT:
        q &= Q(**{own: member.unit_id})
    elif member.scope == member.Scope.SUBTREE:
        q &= Q(**{subtree: member.unit.path})
    return q


class ScopedQuerySet(models.QuerySet):
    def restrict(self, member, action: str = VIEW):
        q = scope_q(self.model, member, action)
        return self.none() if q is None else self.filter(q)


def can(member, obj, action: str = VIEW) -> bool:
    q = scope_q(type(obj), member, action)
    if q is None:
        return False
    if obj.pk is None:
        return _matches_unsaved(member, obj, action)
    # A stored record must be in scope as stored and, for a change, as it is about to be saved
    # (so nobody moves a record out of their scope).
    stored = type(obj)._default_manager.filter(q, pk=obj.pk).exists()
    return stored and (action == VIEW or _matches_unsaved(member, obj, action))


def _matches_unsaved(member, obj, action: str) -> bool:
    """Scope check for a record not yet stored (a create)."""
    model = type(obj)
    zone_id = getattr(obj, "zone_id", None)
    if member.scope != member.Scope.ALL and zone_id != member.zone_id:
        return False
    unit_field = getattr(model, "scope_unit_field", None)
    if unit_field is None:
        return action == VIEW or member.is_office
    unit = obj
    for part in unit_field.split("__") if unit_field else []:
        unit = getattr(unit, part, None)
        if unit is None:
            return False
    if member.scope == member.Scope.UNIT:
        return unit.pk == member.unit_id if unit_field else False
    if member.scope == member.Scope.SUBTREE:
        return (unit.path or "").startswith(member.unit.path)
    return True


def ensure_can_change(member, obj) -> None:
    """Raise PermissionDenied unless ``member`` may write ``obj`` (stored or new)."""
    if member is None or not can(member, obj, CHANGE):
        raise PermissionDenied(_("You may not change this record: it is outside your data scope."))


def require_office(member) -> None:
    """Setting up the year, reviewing, locking, dispatching, assessing: the office's work (or the system's)."""
    if member is None or not member.is_office:
        raise PermissionDenied(_("Only the office may do this."))


def require_writer(member) -> None:
    """Leaders read; everyone else writes within their scope."""
    if member is None or not member.can_change:
        raise PermissionDenied(_("Leaders read; changes are made by the office and unit staff."))


class SystemActor:
    """The command line, the demo and background jobs: every zone, every action. Never a web request's member.

    Services check every caller the same way; this actor passes every check because its role and scope say so,
    not because a check is skipped.
    """

    Role = Role
    Scope = Scope
    pk = None
    zone_id = None
    unit_id = None
    unit = None
    user = None
    scope = Scope.ALL
    role = Role.ADMIN
    is_active = True
    is_system = True
    can_change = True
    is_office = True
    is_admin = True
    is_leader = False
    sees_all_zones = True

    def __str__(self) -> str:
        return "系统"


SYSTEM = SystemActor()
