from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "tuijin.indicators"
    verbose_name = _("Indicators")
    label = "indicators"
    default_auto_field = "django.db.models.BigAutoField"
