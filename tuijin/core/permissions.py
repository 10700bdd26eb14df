"""API permission and error handling (kept apart from api.py: DRF imports these at settings time)."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions


def member_of(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "member", None)


class IsMember(permissions.BasePermission):
    """Signed in and placed in a unit; otherwise nothing (fails closed)."""

    message = _("Your account has no place in a unit; ask the office to add you.")

    def has_permission(self, request, view):
        from rest_framework.exceptions import PermissionDenied

        member = member_of(request)
        if member is not None and member.is_active and member.must_change_password:
            # A forced change of an initial password comes first, for the API as for the pages.
            raise PermissionDenied(_("Change your initial password on the web page first; then take an API "
                                     "token."))
        return member is not None and member.is_active


def exception_handler(exc, context):
    """Django's validation and permission errors become 400/403 with their Chinese messages; a write that timed
    out waiting for a lock becomes 503 "系统繁忙,请稍后重试"."""
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
    from django.core.exceptions import ValidationError as DjangoValidationError
    from rest_framework.exceptions import PermissionDenied, ValidationError
    from rest_framework.views import exception_handler as drf_exception_handler

    from tuijin.core.middleware import BUSY_RETRY_AFTER, busy_message, is_lock_timeout

    if is_lock_timeout(exc):
        from rest_framework.response import Response

        return Response({"detail": busy_message()}, status=503, headers={"Retry-After": BUSY_RETRY_AFTER})
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
