from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "taut.consent"
    label = "consent"
