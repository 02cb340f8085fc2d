"""What the diary does when other apps publish events (subscribed in `apps.py`)."""

from __future__ import annotations

from taut.common.events import NoteSigned
from taut.diary.services import diary_prompts_schedule


def on_note_signed(event: NoteSigned) -> None:
    """The diary starts when the note is signed: its prompts are queued in the same transaction."""
    diary_prompts_schedule(session=event.session)
