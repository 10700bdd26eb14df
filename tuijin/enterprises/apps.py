from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "tuijin.enterprises"
    label = "enterprises"
    default_auto_field = "django.db.models.BigAutoField"
