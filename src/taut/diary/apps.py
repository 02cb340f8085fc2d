from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "taut.diary"
    label = "diary"

    def ready(self) -> None:
        from taut.common import events
        from taut.diary import handlers

        events.subscribe(events.NoteSigned, handlers.on_note_signed)
