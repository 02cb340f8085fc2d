from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "taut.screening"
    label = "screening"
