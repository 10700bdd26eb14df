from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "tuijin.projects"
    verbose_name = _("Projects")
    label = "projects"
    default_auto_field = "django.db.models.BigAutoField"
