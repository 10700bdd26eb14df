from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "tuijin.notifications"
    verbose_name = _("To-do and notifications")
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from tuijin.notifications.receivers import connect

        connect()
