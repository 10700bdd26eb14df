from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tuijin.tickets"
    label = "tickets"
    default_auto_field = "django.db.models.BigAutoField"
