from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

IDLE_KEY = "tuijin_last_seen"
# The last-seen time is written back at most this often, so a page view that only reads leaves the session row
# alone (no write per request); the idle limit is then kept to within this many seconds.
IDLE_TOUCH_SECONDS = 60
OPEN_PREFIXES = ("/accounts/login", "/static/", "/api/", "/i18n/", "/favicon.ico", "/healthz")


def idle_limit() -> int:
    return getattr(settings, "TUIJIN_SESSION_IDLE_SECONDS", 2 * 3600)


@receiver(user_logged_in)
def start_idle_clock(sender, request, user, **kwargs):
    """Signing in starts the idle clock, in the session the sign-in writes anyway."""
    session = getattr(request, "session", None)
    if session is not None:
        session[IDLE_KEY] = time.time()


class SessionExpiryMiddleware:
    """Ends a session idle for too long, and says so on the sign-in page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get(IDLE_KEY)
            if last is not None and now - last > idle_limit():
                logout(request)
                messages.warning(request, _("Your session has expired; please sign in again."))
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")
            if last is None or now - last >= IDLE_TOUCH_SECONDS:
                request.session[IDLE_KEY] = now
        return self.get_response(request)


class LoginRequiredMiddleware:
    """Every page needs sign-in; a forced password change comes before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            next_url = request.get_full_path()
            if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                next_url = "/"
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
        member = getattr(request, "member", None)
        change_url = reverse("accounts:password_change")
        if member is not None and member.must_change_password and path not in (change_url, reverse("accounts:logout")):
            messages.info(request, _("Please change your initial password before you continue."))
            return redirect(change_url)
        return self.get_response(request)
