from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "taut.scheduling"
    label = "scheduling"
