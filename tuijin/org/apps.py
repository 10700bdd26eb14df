from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "tuijin.org"
    verbose_name = _("Units and members")
    label = "org"
    default_auto_field = "django.db.models.BigAutoField"
