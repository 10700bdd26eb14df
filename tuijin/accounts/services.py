"""Sign-in: checks, lock-out after repeated failures, and the login log."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.accounts.models import LoginLog


class SignInError(Exception):
    """A refused sign-in; the message is for the user."""


def _recent_failures(username: str, now: datetime.datetime) -> int:
    window = now - datetime.timedelta(minutes=settings.TUIJIN_LOCKOUT_MINUTES)
    last_ok = (
        LoginLog.objects.filter(username=username, success=True, time__gte=window).order_by("-time")
        .values_list("time", flat=True).first()
    )
    since = max(window, last_ok) if last_ok else window
    return LoginLog.objects.filter(username=username, success=False, time__gt=since).count()


def is_locked(username: str) -> bool:
    return _recent_failures(username, timezone.now()) >= settings.TUIJIN_LOCKOUT_FAILURES


def sign_in(*, request, username: str, password: str, channel: str = "web"):
    """Return the user or raise SignInError; every attempt lands in the login log."""
    from tuijin.core.middleware import client_address

    username = (username or "").strip()
    address = client_address(request) if request is not None else ""
    if is_locked(username):
        reason = _("Account locked after %(n)d failed sign-ins; try again in %(m)d minutes.") % {
            "n": settings.TUIJIN_LOCKOUT_FAILURES, "m": settings.TUIJIN_LOCKOUT_MINUTES}
        LoginLog.objects.create(username=username, success=False, address=address, channel=channel, reason=reason)
        raise SignInError(reason)
    user = authenticate(request, username=username, password=password)
    if user is None:
        reason = _("Wrong user name or password.")
        LoginLog.objects.create(username=username, success=False, address=address, channel=channel, reason=reason)
        left = settings.TUIJIN_LOCKOUT_FAILURES - _recent_failures(username, timezone.now())
        if left <= 0:
            raise SignInError(_("Account locked after %(n)d failed sign-ins; try again in %(m)d minutes.") % {
                "n": settings.TUIJIN_LOCKOUT_FAILURES, "m": settings.TUIJIN_LOCKOUT_MINUTES})
        raise SignInError(reason + " " + _("%(left)d attempts left before the account is locked.") % {"left": left})
    if getattr(user, "member", None) is None and not user.is_superuser:
        reason = _("Your account has no place in a unit; ask the office to add you.")
        LoginLog.objects.create(username=username, user=user, success=False, address=address, channel=channel,
                                reason=reason)
        raise SignInError(reason)
    LoginLog.objects.create(username=username, user=user, success=True, address=address, channel=channel)
    return user


@transaction.atomic
def password_change(*, user, old_password: str, new_password: str) -> None:
    from django.core.exceptions import ValidationError

    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("The current password is wrong.")})
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save()
    member = getattr(user, "member", None)
    if member is not None and member.must_change_password:
        member.must_change_password = False
        member.save(update_fields=["must_change_password", "updated"])
