from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandingConfig(AppConfig):
    name = "tuijin.standing"
    label = "standing"
    verbose_name = _("standing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tuijin.standing import receivers  # noqa: F401  (a published city run → results published down)
