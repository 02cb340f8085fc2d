from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "taut.diary"
    label = "diary"
