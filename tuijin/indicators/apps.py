from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "tuijin.indicators"
    verbose_name = _("Indicators")
    label = "indicators"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from tuijin.campaigns.signals import indicator_choices
        from tuijin.indicators.receivers import stage_goal_indicators

        indicator_choices.connect(stage_goal_indicators, dispatch_uid="indicators.stage_goal_indicators")
