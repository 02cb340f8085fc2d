"""What the outcomes app does when other apps publish events (subscribed in `apps.py`)."""

from __future__ import annotations

from taut.common.events import AdverseEventsReported, NoteOpened, NoteSigned
from taut.outcomes import rollups
from taut.outcomes.services import session_classify_defaults


def on_note_signed(event: NoteSigned) -> None:
    """Keep the dashboard's roll-ups current in the signing transaction (docs/outcomes.md)."""
    rollups.session_signed(event.session)


def on_adverse_events_reported(event: AdverseEventsReported) -> None:
    rollups.events_reported(event.session)


def on_note_opened(event: NoteOpened) -> None:
    session_classify_defaults(request=event.request, actor=event.actor, session=event.session)
