"""Writes for zones, units and members. Each function is one transaction."""
from __future__ import annotations

import re
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.core.models import Zone
from tuijin.core.scope import Role, Scope, ensure_can_change, zones_below
from tuijin.core.validators import INT_LIMIT, clean_name, field_label, to_int
from tuijin.org.models import Member, Unit

PHONE = re.compile(r"[0-9+\-() ]*")
# Initial passwords the office reads out or hands over on paper: no 0/O, 1/l/I that a reader could confuse.
PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"


def ensure_zone(member, zone) -> None:
    """Refuse a write into a zone the member does not work in (their own zone, or any for an administrator)."""
    if member is None or zone is None or not (member.sees_all_zones or member.zone_id == zone.pk):
        raise PermissionDenied(_("You may not change this record: it is outside your data scope."))


def _name(model, name: str, value, *, required: bool | None = None) -> str:
    f = model._meta.get_field(name)
    return clean_name(value, field=name, label=field_label(model, name), max_length=f.max_length,
                      required=not f.blank if required is None else required)


def zone_create(*, code: str, name: str, level: str = Zone.Level.NATIONAL, short_name: str = "",
                province: str = "", city: str = "", parent: Zone | None = None) -> Zone:
    """A zone; ``parent`` places it below a province, city or district (the org tree above the zone)."""
    name, short_name = _name(Zone, "name", name), _name(Zone, "short_name", short_name)
    province, city = _name(Zone, "province", province), _name(Zone, "city", city)
    if parent is not None and parent.level not in Zone.LEVELS_ABOVE:
        raise ValidationError({"parent": _("「%(parent)s」 is a development zone: zones belong to a province, a city "
                                           "or a district.") % {"parent": parent.name}})
    zone = Zone(code=_name(Zone, "code", code), name=name, level=level, short_name=short_name, province=province,
                city=city, parent=parent)
    zone.full_clean()
    zone.save()
    return zone


def _path_for(unit: Unit) -> str:
    base = unit.parent.path if unit.parent_id else "/"
    return f"{base}{unit.pk}/"


def _check_represents(unit: Unit, zone: Zone | None) -> None:
    """A unit may stand for a zone below its own zone only (a city's unit for one of its districts or parks), and
    for one zone once."""
    if zone is None:
        return
    if zone.pk == unit.zone_id or zone.pk not in zones_below(unit.zone_id):
        raise ValidationError({"represents": _("「%(zone)s」 is not below %(own)s: a unit can stand only for a zone "
                                               "below its own.") % {"zone": zone.name, "own": unit.zone.name}})
    taken = Unit.objects.filter(zone_id=unit.zone_id, represents=zone).exclude(pk=unit.pk).first()
    if taken is not None:
        raise ValidationError({"represents": _("「%(zone)s」 is already represented by 「%(unit)s」.") % {
            "zone": zone.name, "unit": taken.name}})


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
                group: str = "", sort_order: int = 0, is_active: bool = True, represents: Zone | None = None) -> Unit:
    unit = Unit(zone=zone, name=_name(Unit, "name", name), kind=kind, parent=parent, group=_name(Unit, "group", group),
                sort_order=to_int(sort_order, field="sort_order", label=field_label(Unit, "sort_order"), hi=INT_LIMIT),
                is_active=bool(is_active), represents=represents)
    _check_parent(unit, parent)
    _check_represents(unit, represents)
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


_ensure_zone = ensure_zone


@transaction.atomic
def unit_update(*, member, unit: Unit, **changes) -> Unit:
    """Change a unit; moving it (``parent``) re-roots its whole subtree."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not member.is_office:
        raise PermissionDenied(_("Only the office can change units."))
    ensure_can_change(member, unit)

    old_path = unit.path
    for field, value in changes.items():
        if field not in {"name", "kind", "parent", "group", "sort_order", "is_active", "represents"}:
            raise ValueError(f"unknown unit field {field}")
        if field in ("name", "group"):
            value = _name(Unit, field, value)
        elif field == "sort_order":
            value = to_int(value, field="sort_order", label=field_label(Unit, "sort_order"), hi=INT_LIMIT)
        setattr(unit, field, value)
    if "represents" in changes:
        _check_represents(unit, changes["represents"])
    if "parent" in changes:
        _check_parent(unit, changes["parent"])
        if changes["parent"] is not None:
            ensure_can_change(member, changes["parent"])  # moved under a unit the member may not change: refused
    unit.full_clean(exclude=["path"])
    unit.path = _path_for(unit)
    ensure_can_change(member, unit)  # where it lands is still within the member's scope
    unit.save()
    if unit.path != old_path:
        for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).order_by("path"):
            child.path = unit.path + child.path[len(old_path):]
            child.save(update_fields=["path"])
    return unit


# Who may grant what: nobody grants a role or a scope above their own, and nobody changes, disables or resets the
# password of a member whose role or scope is above their own. The order of each:
ROLE_ORDER = {Role.STAFF: 0, Role.LEADER: 1, Role.OFFICE: 2, Role.ADMIN: 3}
SCOPE_ORDER = {Scope.UNIT: 0, Scope.SUBTREE: 1, Scope.ZONE: 2, Scope.ALL: 3}


def _role_rank(role) -> int:
    return ROLE_ORDER.get(role, len(ROLE_ORDER))  # an unknown role ranks above everything: fails closed


def _scope_rank(scope) -> int:
    return SCOPE_ORDER.get(scope, len(SCOPE_ORDER))


def grantable_roles(member) -> list[str]:
    """The roles ``member`` may give: their own and those below it."""
    return [r for r in Role.values if _role_rank(r) <= _role_rank(member.role)]


def grantable_scopes(member) -> list[str]:
    """The data scopes ``member`` may give: their own and those below it."""
    return [s for s in Scope.values if _scope_rank(s) <= _scope_rank(member.scope)]


def ensure_can_grant(member, *, role=None, scope=None) -> None:
    """Refuse a role or a scope above the granting member's own."""
    if role is not None and _role_rank(role) > _role_rank(member.role):
        raise PermissionDenied(_("Role: you may not grant the role 「%(role)s」, which is above your own.")
                               % {"role": Role(role).label if role in Role.values else role})
    if scope is not None and _scope_rank(scope) > _scope_rank(member.scope):
        raise PermissionDenied(_("Data scope: you may not grant the scope 「%(scope)s」, which is wider than your own.")
                               % {"scope": Scope(scope).label if scope in Scope.values else scope})


def ensure_can_manage(member, target: Member) -> None:
    """Refuse to touch a member whose role or scope is above the acting member's own."""
    if _role_rank(target.role) > _role_rank(member.role) or _scope_rank(target.scope) > _scope_rank(member.scope):
        raise PermissionDenied(_("「%(name)s」 has a role or data scope above your own: only a member at least as high "
                                 "may change them.") % {"name": target})


def _locked_target(member, target: Member) -> Member:
    """The stored member, locked for the rest of the transaction, after every check on who may touch them."""
    target = Member.objects.select_for_update().select_related("user").get(pk=target.pk)
    if not member.is_office:
        raise PermissionDenied(_("Only the office can change members."))
    ensure_can_change(member, target)
    ensure_can_manage(member, target)
    return target


@transaction.atomic
def member_create(*, member, username: str, password: str, unit: Unit | None, role: str,
                  scope: str, full_name: str = "", title: str = "", phone: str = "",
                  must_change_password: bool = True) -> Member:
    """Create a user and place them in a unit; a member without a unit is refused."""
    if unit is None:
        raise ValidationError({"unit": _("A member must belong to a unit.")})
    if not member.is_office:
        raise PermissionDenied(_("Only the office can add members."))
    ensure_can_change(member, unit)
    ensure_can_grant(member, role=role, scope=scope)

    User = get_user_model()
    username = _username(User, username)
    full_name, title = _name(Member, "full_name", full_name), _name(Member, "title", title)
    phone = _phone(phone)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("The user name 「%(name)s」 is taken.") % {"name": username}})
    user = User(username=username)
    _check_password(password, user)
    user.set_password(password)
    user.save()
    new = Member(user=user, zone=unit.zone, unit=unit, role=role, scope=scope, full_name=full_name,
                 title=title, phone=phone, must_change_password=must_change_password)
    new.full_clean(exclude=["user"])
    new.save()
    return new


@transaction.atomic
def member_update(*, member, target: Member, **changes) -> Member:
    target = _locked_target(member, target)

    if "unit" in changes and changes["unit"] is None:
        raise ValidationError({"unit": _("A member must belong to a unit.")})
    if target.pk == getattr(member, "pk", None):  # a zone's only office could otherwise shut itself out
        for field in ("role", "scope", "unit"):
            if field in changes and changes[field] != getattr(target, field):
                raise ValidationError({field: _("You cannot change your own role, data scope or unit: another "
                                                "office member or the administrator does.")})
    for field, value in changes.items():
        if field not in {"unit", "role", "scope", "full_name", "title", "phone"}:
            raise ValueError(f"unknown member field {field}")
        if field in ("full_name", "title"):
            value = _name(Member, field, value)
        elif field == "phone":
            value = _phone(value)
        setattr(target, field, value)
    ensure_can_grant(member, role=changes.get("role"), scope=changes.get("scope"))
    if "unit" in changes:
        target.zone = target.unit.zone
        ensure_can_change(member, target)
    target.full_clean(exclude=["user"])
    target.save()
    return target


def _phone(value) -> str:
    value = _name(Member, "phone", value)
    if not PHONE.fullmatch(value):
        raise ValidationError({"phone": _("%(label)s: only digits, spaces and + - ( ).") % {
            "label": field_label(Member, "phone")}})
    return value


def _check_password(password, user) -> None:
    """Django's password validators, their messages on the password field."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


def _username(User, username) -> str:
    """A user name as Django's user model takes it (letters, digits and @ . + - _; at most 150 characters), with
    the field named in the message."""
    label = str(User._meta.get_field(User.USERNAME_FIELD).verbose_name)
    username = clean_name(username, field="username", label=label, max_length=150)
    for validator in User._meta.get_field(User.USERNAME_FIELD).validators:
        try:
            validator(username)
        except ValidationError as exc:
            raise ValidationError({"username": [f"{label}: {m}" for m in exc.messages]}) from None
    return username


def _revoke_tokens(user) -> None:
    from tuijin.accounts.services import tokens_revoke

    tokens_revoke(user=user)


@transaction.atomic
def member_set_active(*, member, target: Member, active: bool) -> Member:
    """Disable (or enable again) a member's account; disabling revokes their API tokens."""
    target = _locked_target(member, target)
    if target.pk == getattr(member, "pk", None) and not active:
        raise ValidationError({"is_active": _("You cannot disable your own account.")})
    user = target.user
    if user.is_active != active:
        user.is_active = active
        target.save(update_fields=["updated"])  # first: the change history records the account as it was and is
        user.save(update_fields=["is_active"])
    if not active:
        _revoke_tokens(user)
    return target


@transaction.atomic
def member_reset_password(*, member, target: Member, password: str) -> Member:
    """Give a member a new initial password: they must change it at the next sign-in; their tokens are revoked."""
    target = _locked_target(member, target)
    user = target.user
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    target.must_change_password = True
    target.save(update_fields=["must_change_password", "updated"])
    _revoke_tokens(user)
    return target


@transaction.atomic
def member_change(*, member, target: Member, is_active: bool | None = None, **changes) -> Member:
    """Change a member's fields and enable or disable them, all or nothing: the members page and the API."""
    if not changes and is_active is None:
        return _locked_target(member, target)
    if changes:
        target = member_update(member=member, target=target, **changes)
    if is_active is not None:
        target = member_set_active(member=member, target=target, active=is_active)
    return target


def initial_password(length: int = 12) -> str:
    """A random initial password (letters and digits, both present) that passes the password validators."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password
