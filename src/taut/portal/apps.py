from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "taut.portal"
    label = "portal"
