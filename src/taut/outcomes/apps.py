from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "taut.outcomes"
    label = "outcomes"

    def ready(self) -> None:
        from taut.common import events
        from taut.outcomes import handlers

        events.subscribe(events.NoteSigned, handlers.on_note_signed)
        events.subscribe(events.AdverseEventsReported, handlers.on_adverse_events_reported)
        events.subscribe(events.NoteOpened, handlers.on_note_opened)
