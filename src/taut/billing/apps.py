from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "taut.billing"
    default_auto_field = "django.db.models.BigAutoField"
