"""Sign-in: checks, a bounded lock-out after repeated failures, the login log, and API tokens.

Lock-out (see docs/security.md): failures are counted per (user name, address) pair and per address, unknown
user names included. A pair is locked after ``TUIJIN_LOCKOUT_FAILURES`` failures within
``TUIJIN_LOCKOUT_MINUTES``; an address after ``TUIJIN_LOCKOUT_ADDRESS_FAILURES`` failures across user names in the
same window. A lock lasts ``TUIJIN_LOCKOUT_MINUTES`` and ends by itself; attempts refused while locked are logged but
not counted, so trying on does not prolong it. An administrator may lift a lock early (``lock_reset``).
"""
from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.accounts.models import LoginLog, SignInThrottle
from tuijin.core.validators import printable


class SignInError(Exception):
    """A refused sign-in; the message is for the user."""


class TokenRefused(Exception):
    """No API token for this user now; the message is for the user."""


# ---------------------------------------------------------------- lock-out

def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.TUIJIN_LOCKOUT_MINUTES)


def _keys(username: str, address: str) -> list[tuple[str, str, str, int]]:
    """(kind, username, address, limit) of every counter an attempt touches."""
    username = username[:150]
    return [
        (SignInThrottle.Kind.PAIR, username, address, settings.TUIJIN_LOCKOUT_FAILURES),
        (SignInThrottle.Kind.ADDRESS, "", address, settings.TUIJIN_LOCKOUT_ADDRESS_FAILURES),
    ]


def active_lock(username: str, address: str, now: datetime.datetime | None = None) -> SignInThrottle | None:
    """The lock that refuses this (user name, address) now, if any."""
    now = now or timezone.now()
    for kind, user, addr, _limit in _keys(username, address):
        lock = SignInThrottle.objects.filter(kind=kind, username=user, address=addr, locked_until__gt=now).first()
        if lock is not None:
            return lock
    return None


def is_locked(username: str, address: str = "") -> bool:
    return active_lock(username, address) is not None


def _lock_message(lock: SignInThrottle, now: datetime.datetime) -> str:
    minutes = max(1, math.ceil((lock.locked_until - now).total_seconds() / 60))
    if lock.kind == SignInThrottle.Kind.ADDRESS:
        return _("Too many failed sign-ins from your address: sign-in from it is locked; try again in %(m)d "
                 "minutes.") % {"m": minutes}
    return _("Too many failed sign-ins to this account from your address: it is locked here; try again in "
             "%(m)d minutes.") % {"m": minutes}


@transaction.atomic
def _count_failure(username: str, address: str, now: datetime.datetime) -> tuple[int, SignInThrottle | None]:
    """Count one failure on every counter; return the attempts left on the pair and the lock it set, if any."""
    left, lock = None, None
    # Counters whose window and lock are over are kept no longer (the login log keeps every attempt).
    SignInThrottle.objects.filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now),
                                  window_start__lt=now - _window()).delete()
    for kind, user, addr, limit in _keys(username, address):
        row, _created = SignInThrottle.objects.select_for_update().get_or_create(
            kind=kind, username=user, address=addr, defaults={"window_start": now})
        if now - row.window_start > _window() or (row.locked_until is not None and row.locked_until <= now):
            row.failures, row.window_start, row.locked_until = 0, now, None  # a new window
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = now + _window()
            lock = lock or row
        row.save()
        if kind == SignInThrottle.Kind.PAIR:
            left = max(limit - row.failures, 0)
    return left, lock


def _log(*, username, address, channel, success, user=None, reason=""):
    LoginLog.objects.create(username=username[:150], user=user, success=success, address=address, channel=channel,
                            reason=reason[:200])


def sign_in(*, request, username: str, password: str, channel: str = "web"):
    """Return the user or raise SignInError; every attempt lands in the login log."""
    from tuijin.core.middleware import client_address

    given = str(username or "").strip()
    # What the log and the counters keep: no control characters (PostgreSQL refuses a NUL), at most 150 characters.
    # A user name with such characters belongs to nobody (Django's user names never hold them): a failure.
    username = printable(given, 150)
    address = printable(client_address(request) if request is not None else "", 64)
    now = timezone.now()
    lock = active_lock(username, address, now)
    if lock is not None:
        reason = _lock_message(lock, now)
        _log(username=username, address=address, channel=channel, success=False, reason=reason)
        raise SignInError(reason)
    user = authenticate(request, username=username, password=password) if username == given else None
    if user is None:
        reason = _("Wrong user name or password.")
        _log(username=username, address=address, channel=channel, success=False, reason=reason)
        left, lock = _count_failure(username, address, now)
        if lock is not None:
            raise SignInError(_lock_message(lock, now))
        raise SignInError(reason + " " + _("%(left)d attempts left before sign-in is locked.") % {"left": left})
    if getattr(user, "member", None) is None and not user.is_superuser:
        reason = _("Your account has no place in a unit; ask the office to add you.")
        _log(username=username, user=user, address=address, channel=channel, success=False, reason=reason)
        raise SignInError(reason)
    _log(username=username, user=user, address=address, channel=channel, success=True)
    # A success clears the count of this account from this address (not the address's own count).
    SignInThrottle.objects.filter(kind=SignInThrottle.Kind.PAIR, username=username[:150], address=address).delete()
    return user


def active_locks():
    return SignInThrottle.objects.filter(locked_until__gt=timezone.now())


@transaction.atomic
def lock_reset(*, member, lock_id: int) -> int:
    """An administrator lifts a lock before it ends by itself."""
    if member is None or not member.is_admin:
        raise PermissionDenied(_("Only administrators may lift a sign-in lock."))
    deleted, _detail = SignInThrottle.objects.filter(pk=lock_id).delete()
    return deleted


# ---------------------------------------------------------------- passwords and tokens

@transaction.atomic
def password_change(*, user, old_password: str, new_password: str) -> None:
    """Change one's own password; every API token of the user is revoked with the old password."""
    from django.core.exceptions import ValidationError

    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("The current password is wrong.")})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    user.set_password(new_password)
    user.save()
    tokens_revoke(user=user)
    member = getattr(user, "member", None)
    if member is not None and member.must_change_password:
        member.must_change_password = False
        member.save(update_fields=["must_change_password", "updated"])


def token_lifetime() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.TUIJIN_API_TOKEN_HOURS)


def token_expires(token) -> datetime.datetime:
    return token.created + token_lifetime()


def token_expired(token, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) >= token_expires(token)


@transaction.atomic
def token_issue(*, user):
    """The user's API token, a new one if there is none or it has expired.

    Refused while the member must change an initial password: that change is made on the web page first.
    """
    from rest_framework.authtoken.models import Token

    member = getattr(user, "member", None)
    if member is not None and member.must_change_password:
        raise TokenRefused(_("Change your initial password on the web page first; then take an API token."))
    if not user.is_active:
        raise TokenRefused(_("This account is disabled."))
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and token_expired(token):
        token.delete()
        token = None
    if token is None:
        token = Token.objects.create(user=user)
    return token


def tokens_revoke(*, user) -> int:
    """Revoke every API token of the user (sign-out of the API, password change, account disabled)."""
    from rest_framework.authtoken.models import Token

    deleted, _detail = Token.objects.filter(user=user).delete()
    return deleted
