from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tuijin.accounts"
    verbose_name = _("Accounts and sign-in")
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from tuijin.accounts import middleware  # noqa: F401 - connects start_idle_clock to user_logged_in
