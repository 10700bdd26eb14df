from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.accounts.forms import PasswordChangeForm, SignInForm
from tuijin.accounts.models import LoginLog
from tuijin.accounts.services import active_locks, lock_reset, password_change, token_expires, tokens_revoke


def login_view(request):
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        return redirect(next_url)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


def password_change_view(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_change(user=request.user, old_password=form.cleaned_data["old_password"],
                            new_password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.message_dict.items():
                    for msg in errs:
                        form.add_error(field if field in form.fields else None, msg)
            else:
                for msg in exc.messages:
                    form.add_error(None, msg)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("home")
    from rest_framework.authtoken.models import Token

    token = Token.objects.filter(user=request.user).first()
    return render(request, "accounts/password_change.html",
                  {"form": form, "token_expires": token_expires(token) if token is not None else None})


@require_POST
def tokens_revoke_view(request):
    """A member revokes their own API tokens (scripts using them must sign in again)."""
    n = tokens_revoke(user=request.user)
    if n:
        messages.success(request, _("Your API token has been revoked."))
    else:
        messages.info(request, _("You have no API token to revoke."))
    return redirect("accounts:password_change")


def login_log_view(request):
    member = request.member
    if member is None or not member.is_admin:
        raise PermissionDenied(_("Only administrators may read the sign-in log."))
    rows = LoginLog.objects.select_related("user")[:500]
    return render(request, "accounts/login_log.html", {"rows": rows, "locks": active_locks()})


@require_POST
def lock_reset_view(request, pk):
    """An administrator lifts a sign-in lock before it ends by itself."""
    if lock_reset(member=request.member, lock_id=pk):
        messages.success(request, _("The sign-in lock has been lifted."))
    return redirect("accounts:login_log")
