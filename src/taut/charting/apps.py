from django.apps import AppConfig


class ChartingConfig(AppConfig):
    name = "taut.charting"
    label = "charting"
