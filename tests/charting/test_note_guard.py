"""The one guard of "a signed note is final" (the database triggers are tested in test_finality)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from taut.charting.finality import SIGNED_NOTE_FINAL, SignedNoteFinal, ensure_open, note_is_final
from taut.common.refusals import Refused


@dataclass
class Note:
    is_signed: bool


def test_an_open_note_may_change():
    ensure_open(Note(is_signed=False))
    assert not note_is_final(Note(is_signed=False))


def test_a_signed_note_is_refused_with_a_409_and_the_addendum_route():
    with pytest.raises(SignedNoteFinal) as refused:
        ensure_open(Note(is_signed=True))
    assert isinstance(refused.value, Refused) and refused.value.status == 409
    assert refused.value.reasons == (SIGNED_NOTE_FINAL,)
    assert "addendum" in SIGNED_NOTE_FINAL
