"""Shared REST API pieces: authentication, data scope and errors for every viewset."""
from __future__ import annotations

import functools

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers, viewsets

from tuijin.core.context import replace_actor
from tuijin.core.permissions import IsMember, member_of  # noqa: F401  (re-exported)
from tuijin.core.scope import CHANGE, VIEW


class ScopedModelViewSet(viewsets.ModelViewSet):
    """A viewset whose queryset always passes through the member's data scope.

    Subclasses set ``queryset`` (the base query) and implement writes by calling a
    service in ``perform_create`` / ``perform_update`` / ``perform_destroy``.
    Records outside the scope answer 404, as if they did not exist.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.user.is_authenticated:
            replace_actor(user_id=request.user.pk, username=request.user.get_username(), source="api")
        request.member = member_of(request)

    def get_queryset(self):
        action = VIEW if self.request.method in permissions.SAFE_METHODS else CHANGE
        return super().get_queryset().restrict(self.request.member, action)


class ScopedReadOnlyViewSet(ScopedModelViewSet):
    http_method_names = ["get", "head", "options"]


# written back as a decimal string, so the schema says so (OpenApiTypes.DECIMAL would promise a JSON number)
@extend_schema_field({"type": "string", "format": "decimal", "pattern": r"^-?\d{1,14}(\.\d{1,4})?$"})
class RawDecimalField(serializers.Field):
    """A number as sent (number or text), checked by the service; written back as a decimal string."""

    def to_internal_value(self, data):
        if data is None or isinstance(data, (str, int, float)) and not isinstance(data, bool):
            return data if not isinstance(data, str) else data[:100]
        raise serializers.ValidationError(_("Send a number (or its text)."))

    def to_representation(self, value):
        return None if value is None else str(value)


@extend_schema_field(OpenApiTypes.INT)
class RawIntegerField(RawDecimalField):
    """A whole number as sent, checked by the service; written back as a number."""

    def to_representation(self, value):
        return None if value is None else int(value)


@extend_schema_field(OpenApiTypes.STR)
class RawTextField(serializers.Field):
    """Text as sent, checked by the service (length, format, control characters)."""

    def to_internal_value(self, data):
        if data is None or isinstance(data, (str, int)) and not isinstance(data, bool):
            return "" if data is None else str(data)[:1000]
        raise serializers.ValidationError(_("Send text."))

    def to_representation(self, value):
        return value


@functools.cache
def site_router():
    """The site's one router (built once); each app's ``api.register(router)`` adds its resources."""
    from rest_framework.routers import DefaultRouter

    from tuijin.core.registry import app_modules

    router = DefaultRouter()
    for _label, module in app_modules("api"):
        register = getattr(module, "register", None)
        if register is not None:
            register(router)
    return router
