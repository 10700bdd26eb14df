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


def scope_q(model, member, action: str = VIEW) -> Q | None:
    """The filter a member's scope puts on ``model``; None means nothing at all."""
    if member is None or not member.is_active:
        return None
    if action == CHANGE and not member.can_change:
        return None
    unit_field = getattr(model, "scope_unit_field", None)
    zone_field = getattr(model, "scope_zone_field", "zone")
    q = Q() if member.scope == member.Scope.ALL else Q(**{zone_field: member.zone_id})
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
