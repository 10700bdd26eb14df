"""Shared REST API pieces: authentication, data scope and errors for every viewset."""
from __future__ import annotations

import functools

from rest_framework import permissions, viewsets

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
