from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "taut.scheduling"
    label = "scheduling"

    def ready(self) -> None:
        # Registers what a "C" text reply does (messaging cannot import scheduling).
        from taut.scheduling import replies  # noqa: F401
