from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.accounts.forms import PasswordChangeForm, SignInForm
from tuijin.accounts.models import LoginLog
from tuijin.accounts.services import password_change


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
            for msg in exc.messages:
                form.add_error(None, msg)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


def login_log_view(request):
    member = request.member
    if member is None or not member.is_admin:
        raise PermissionDenied(_("Only administrators may read the sign-in log."))
    rows = LoginLog.objects.select_related("user")[:500]
    return render(request, "accounts/login_log.html", {"rows": rows})
