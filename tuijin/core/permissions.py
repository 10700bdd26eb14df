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
        member = member_of(request)
        return member is not None and member.is_active


def exception_handler(exc, context):
    """Django's validation and permission errors become 400/403 with their Chinese messages."""
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
    from django.core.exceptions import ValidationError as DjangoValidationError
    from rest_framework.exceptions import PermissionDenied, ValidationError
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
