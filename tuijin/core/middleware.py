from __future__ import annotations

import uuid

from tuijin.core.context import Actor, acting_as


def client_address(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "")[:64]


class RequestContextMiddleware:
    """Ties every change made during one request to one request id and its user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = uuid.uuid4()
        user = getattr(request, "user", None)
        authenticated = user is not None and user.is_authenticated
        source = "api" if request.path.startswith("/api/") else "web"
        actor = Actor(
            user_id=user.pk if authenticated else None,
            username=user.get_username() if authenticated else "",
            source=source,
            address=client_address(request),
            request_id=request.id,
        )
        with acting_as(actor):
            return self.get_response(request)
