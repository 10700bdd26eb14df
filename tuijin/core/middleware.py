from __future__ import annotations

import time
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


# Downloads are logged too: exports and generated documents leave the building.
DOWNLOAD_MARKERS = ("export", "download", "template", "format=xlsx", "format=docx", "format=pdf")


class OperationLogMiddleware:
    """Keeps the operation log: module, operation, address, outcome and duration of every write or download."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        if self._wanted(request):
            self._record(request, response, started)
        return response

    @staticmethod
    def _wanted(request) -> bool:
        if request.path.startswith(("/static/", "/accounts/login")):
            return False
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            return True
        target = request.get_full_path().lower()
        return any(marker in target for marker in DOWNLOAD_MARKERS)

    @staticmethod
    def _record(request, response, started) -> None:
        from tuijin.core.models import OperationLog

        user = getattr(request, "user", None)
        authenticated = user is not None and user.is_authenticated
        match = getattr(request, "resolver_match", None)
        zone = getattr(request, "zone", None)
        OperationLog.objects.create(
            user=user if authenticated else None,
            username=user.get_username() if authenticated else "",
            zone=zone,
            address=client_address(request),
            method=request.method,
            path=request.path[:300],
            module=(match.namespace or "")[:40] if match else "",
            operation=(match.url_name or "")[:80] if match else "",
            status=response.status_code,
            duration_ms=int((time.perf_counter() - started) * 1000),
            request_id=getattr(request, "id", uuid.uuid4()),
        )
