from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "taut.files"
    label = "files"
    verbose_name = "Patient files"
