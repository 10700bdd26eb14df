from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tuijin.tickets"
    verbose_name = _("Supervision")
    label = "tickets"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from tuijin.projects.signals import problems_reported
        from tuijin.tickets.receivers import raise_for_progress_problems

        problems_reported.connect(raise_for_progress_problems, dispatch_uid="tickets.progress_problems")
