from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "taut.education"
    label = "education"
