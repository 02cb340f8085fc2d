from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "taut.messaging"
    label = "messaging"
