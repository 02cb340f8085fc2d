from django.apps import AppConfig


class ClinicProjectConfig(AppConfig):
    name = "taut.clinic"
    label = "clinic"
    verbose_name = "Taut project"
