from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "tuijin.assessment"
    verbose_name = _("Assessment")
    label = "assessment"
    default_auto_field = "django.db.models.BigAutoField"
