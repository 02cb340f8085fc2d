from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "taut.clinics"
    label = "clinics"
