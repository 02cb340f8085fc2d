from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "taut.demo"
    label = "demo"
