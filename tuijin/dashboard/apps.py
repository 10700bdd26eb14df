from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "tuijin.dashboard"
    verbose_name = _("Cockpit")
    label = "dashboard"
    default_auto_field = "django.db.models.BigAutoField"
