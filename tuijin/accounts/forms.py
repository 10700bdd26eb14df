from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.accounts.services import SignInError, sign_in


class SignInForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.user = sign_in(request=self.request, username=data["username"], password=data["password"])
        except SignInError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), strip=False, widget=forms.PasswordInput)
    new_password1 = forms.CharField(label=_("New password"), strip=False, widget=forms.PasswordInput)
    new_password2 = forms.CharField(label=_("New password again"), strip=False, widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ."))
        return data
