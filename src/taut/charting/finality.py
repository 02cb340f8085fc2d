"""A signed note is final: the one guard every change to a session's note goes through.

Services call `ensure_open` under the session's row lock; views call it before reading a form, so
a signed note answers the same refusal whatever was posted. The database triggers
(charting migrations 0002 and 0004) stay the last line of defence for code that forgets.
"""

from __future__ import annotations

from typing import Protocol

from taut.common.refusals import Refused

SIGNED_NOTE_FINAL = "This note is signed and cannot change; add an addendum instead."


class SignedNoteFinal(Refused):
    """The note is signed: it takes no change, only addenda."""

    def __init__(self) -> None:
        super().__init__(SIGNED_NOTE_FINAL)


class _Session(Protocol):
    @property
    def is_signed(self) -> bool: ...


def note_is_final(session: _Session) -> bool:
    return session.is_signed


def ensure_open(session: _Session) -> None:
    """Refuse (SignedNoteFinal) any change to a signed note."""
    if note_is_final(session):
        raise SignedNoteFinal()
