from __future__ import annotations

import time
import uuid

from tuijin.core.context import Actor, acting_as


def client_address(request) -> str:
    """The client's address: the connection's, or behind ``TUIJIN_PROXY_COUNT`` trusted proxies the address the
    first of them saw (counted from the right of X-Forwarded-For, so a client cannot forge it)."""
    from django.conf import settings

    proxies = getattr(settings, "TUIJIN_PROXY_COUNT", 0)
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies][:64]
    return (request.META.get("REMOTE_ADDR") or "")[:64]


# ---------------------------------------------------------------- lock timeouts: "系统繁忙,请稍后重试"

# PostgreSQL: lock_not_available (lock_timeout), serialization_failure, deadlock_detected.
BUSY_SQLSTATES = {"55P03", "40001", "40P01"}
BUSY_SQLITE_MESSAGES = ("database is locked", "database table is locked", "database schema is locked")


def is_lock_timeout(exc: BaseException | None) -> bool:
    """True for a write that gave up waiting for another one (SQLite busy, PostgreSQL lock/serialization)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        sqlstate = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
        if sqlstate in BUSY_SQLSTATES:
            return True
        if type(exc).__name__ == "OperationalError" and str(exc).strip().lower().startswith(BUSY_SQLITE_MESSAGES):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def busy_message() -> str:
    from django.utils.translation import gettext as _

    return _("The system is busy; please try again in a moment.")


def busy_cli_message() -> str:
    from django.utils.translation import gettext as _

    return busy_message() + " " + _("(Another write held the database too long; nothing was saved.)")


BUSY_RETRY_AFTER = "5"


def busy_response(request):
    """The site's 503 page (in its layout) or, for the API, a 503 JSON answer."""
    import logging

    from django.http import JsonResponse

    logging.getLogger("tuijin.busy").warning("lock timeout on %s %s", request.method, request.path)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": busy_message()}, status=503)
    else:
        from django.shortcuts import render

        try:
            response = render(request, "core/busy.html", {"message": busy_message()}, status=503)
        except Exception:  # the layout itself needs the database: never fail on the way out
            from django.http import HttpResponse

            response = HttpResponse(f"<!doctype html><meta charset=utf-8><p>{busy_message()}</p>", status=503)
    response["Retry-After"] = BUSY_RETRY_AFTER
    return response


class BusyMiddleware:
    """A view whose write timed out waiting for a lock answers 503 "系统繁忙,请稍后重试", not 500.

    Lock timeouts raised outside views (in other middleware) reach ``core.views.server_error`` (handler500),
    which answers the same.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_lock_timeout(exception):
            return busy_response(request)
        return None


# ---------------------------------------------------------------- response headers

class NoStoreMiddleware:
    """Pages, API answers and exports are never kept by browsers or proxies (``Cache-Control: no-store``).

    Static files are served by WhiteNoise before this runs and keep their long cache lifetime.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.cache import add_never_cache_headers

        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class CompressTextMiddleware:
    """Gzip for HTML, JSON, CSV and plain text (Excel, Word and PDF files are compressed already).

    BREACH: Django's GZipMiddleware pads each answer with up to 100 random bytes (Heal The Breach), CSRF tokens
    are masked anew on every response, session cookies are never in a body, and every page is behind sign-in
    (see docs/security.md).
    """

    COMPRESSIBLE = ("text/html", "application/json", "text/csv", "text/plain", "application/vnd.oai.openapi")

    def __init__(self, get_response):
        from django.middleware.gzip import GZipMiddleware

        self.get_response = get_response
        self.gzip = GZipMiddleware(get_response)

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type.startswith(self.COMPRESSIBLE):
            response = self.gzip.process_response(request, response)
        return response


# ---------------------------------------------------------------- /admin/ is the system administrator's

def is_system_admin(request) -> bool:
    """Role admin with every zone in scope (or a superuser placed in no unit, the first account made)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    member = getattr(request, "member", None)
    if member is None:
        return user.is_superuser and getattr(user, "member", None) is None
    return member.role == member.Role.ADMIN and member.scope == member.Scope.ALL


class AdminGateMiddleware:
    """Django's admin is for the system administrator only; every other member gets the site's 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import Http404

        if request.path.startswith("/admin/") and not is_system_admin(request):
            from django.utils.translation import gettext as _

            raise Http404(_("No such page."))
        return self.get_response(request)


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


class NulParameterMiddleware:
    """A NUL character in any query parameter answers 400 before any view reads it: no parameter of this site may
    hold one, and PostgreSQL refuses it in every text it compares (a search box would otherwise answer 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or any("\x00" in v for v in values)
                                         for key, values in request.GET.lists()):
            from django.core.exceptions import BadRequest

            raise BadRequest("NUL in a query parameter")
        return self.get_response(request)
