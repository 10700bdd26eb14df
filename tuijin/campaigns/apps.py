from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "tuijin.campaigns"
    verbose_name = _("Campaigns")
    label = "campaigns"
    default_auto_field = "django.db.models.BigAutoField"
