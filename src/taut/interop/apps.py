from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "taut.interop"
    label = "interop"
