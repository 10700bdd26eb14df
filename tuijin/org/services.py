"""Writes for zones, units and members. Each function is one transaction."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.core.scope import ensure_can_change
from tuijin.org.models import Member, Unit
from tuijin.core.models import Zone


def zone_create(*, code: str, name: str, level: str = Zone.Level.NATIONAL, short_name: str = "",
                province: str = "", city: str = "") -> Zone:
    zone = Zone(code=code, name=name, level=level, short_name=short_name, province=province, city=city)
    zone.full_clean()
    zone.save()
    return zone


def _path_for(unit: Unit) -> str:
    base = unit.parent.path if unit.parent_id else "/"
    return f"{base}{unit.pk}/"


def _check_parent(unit: Unit, parent: Unit | None) -> None:
    if parent is None:
        return
    if parent.zone_id != unit.zone_id:
        raise ValidationError({"parent": _("The parent unit belongs to another zone.")})
    if unit.pk is not None and (parent.pk == unit.pk or parent.path.startswith(unit.path)):
        raise ValidationError(
            {"parent": _("「%(parent)s」 is %(unit)s itself or one of its sub-units: a unit cannot be moved "
                         "under its own descendant.") % {"parent": parent.name, "unit": unit.name}}
        )


@transaction.atomic
def unit_create(*, member, zone: Zone, name: str, kind: str, parent: Unit | None = None,
                group: str = "", sort_order: int = 0) -> Unit:
    unit = Unit(zone=zone, name=name.strip(), kind=kind, parent=parent, group=group.strip(), sort_order=sort_order)
    _check_parent(unit, parent)
    unit.full_clean(exclude=["path"])
    # Creating a unit is setting up the zone: office work.
    if not member.is_office:
        raise PermissionDenied(_("Only the office can add units."))
    if parent is not None:
        ensure_can_change(member, parent)
    else:
        _ensure_zone(member, zone)

    unit.save()
    unit.path = _path_for(unit)
    Unit.objects.filter(pk=unit.pk).update(path=unit.path)
    return unit


def _ensure_zone(member: Member, zone: Zone) -> None:
    if not (member.sees_all_zones or member.zone_id == zone.pk):
        raise PermissionDenied(_("You may not change this record: it is outside your data scope."))


@transaction.atomic
def unit_update(*, member, unit: Unit, **changes) -> Unit:
    """Change a unit; moving it (``parent``) re-roots its whole subtree."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not member.is_office:
        raise PermissionDenied(_("Only the office can change units."))
    ensure_can_change(member, unit)

    old_path = unit.path
    for field, value in changes.items():
        if field not in {"name", "kind", "parent", "group", "sort_order", "is_active"}:
            raise ValueError(f"unknown unit field {field}")
        setattr(unit, field, value.strip() if isinstance(value, str) else value)
    if "parent" in changes:
        _check_parent(unit, changes["parent"])
    unit.full_clean(exclude=["path"])
    unit.path = _path_for(unit)
    unit.save()
    if unit.path != old_path:
        for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).order_by("path"):
            child.path = unit.path + child.path[len(old_path):]
            child.save(update_fields=["path"])
    return unit


@transaction.atomic
def member_create(*, member, username: str, password: str, unit: Unit | None, role: str,
                  scope: str, full_name: str = "", title: str = "", must_change_password: bool = True) -> Member:
    """Create a user and place them in a unit; a member without a unit is refused."""
    if unit is None:
        raise ValidationError({"unit": _("A member must belong to a unit.")})
    if not member.is_office:
        raise PermissionDenied(_("Only the office can add members."))
    ensure_can_change(member, unit)
    if scope == Member.Scope.ALL and not member.sees_all_zones:
        raise PermissionDenied(_("Only a member who sees all zones can grant that scope."))

    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("The user name 「%(name)s」 is taken.") % {"name": username}})
    user = User(username=username)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    new = Member(user=user, zone=unit.zone, unit=unit, role=role, scope=scope, full_name=full_name,
                 title=title, must_change_password=must_change_password)
    new.full_clean(exclude=["user"])
    new.save()
    return new


@transaction.atomic
def member_update(*, member, target: Member, **changes) -> Member:
    target = Member.objects.select_for_update().get(pk=target.pk)
    if not member.is_office:
        raise PermissionDenied(_("Only the office can change members."))
    ensure_can_change(member, target)

    if "unit" in changes and changes["unit"] is None:
        raise ValidationError({"unit": _("A member must belong to a unit.")})
    for field, value in changes.items():
        if field not in {"unit", "role", "scope", "full_name", "title", "phone"}:
            raise ValueError(f"unknown member field {field}")
        setattr(target, field, value)
    if "unit" in changes:
        target.zone = target.unit.zone
        ensure_can_change(member, target)
    if target.scope == Member.Scope.ALL and not member.sees_all_zones:
        raise PermissionDenied(_("Only a member who sees all zones can grant that scope."))
    target.full_clean(exclude=["user"])
    target.save()
    return target
