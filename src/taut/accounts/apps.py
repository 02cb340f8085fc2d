from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "taut.accounts"
    label = "accounts"
