"""Events: the one way a lower app lets higher ones react to its writes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from taut.common import events
from taut.diary import handlers as diary_handlers
from taut.outcomes import handlers as outcomes_handlers


@dataclass(frozen=True)
class Rang:
    value: int


@pytest.fixture
def heard() -> Iterator[list[str]]:
    heard: list[str] = []

    def first(event: Rang) -> None:
        heard.append(f"first {event.value}")

    def second(event: Rang) -> None:
        heard.append(f"second {event.value}")

    events.subscribe(Rang, first)
    events.subscribe(Rang, second)
    yield heard
    events.unsubscribe(Rang, first)
    events.unsubscribe(Rang, second)


def test_handlers_hear_an_event_in_the_order_they_subscribed(heard: list[str]) -> None:
    events.publish(Rang(1))
    assert heard == ["first 1", "second 1"]


def test_subscribing_a_handler_twice_calls_it_once(heard: list[str]) -> None:
    (first, _second) = events.subscribers(Rang)
    events.subscribe(Rang, first)
    events.publish(Rang(2))
    assert heard == ["first 2", "second 2"]


def test_an_event_nobody_subscribed_to_reaches_nobody(heard: list[str]) -> None:
    events.publish(object())
    assert heard == []


def test_a_failing_handler_stops_the_publisher() -> None:
    def broken(event: Rang) -> None:
        raise RuntimeError("tally failed")

    events.subscribe(Rang, broken)
    try:
        with pytest.raises(RuntimeError, match="tally failed"):
            events.publish(Rang(3))
    finally:
        events.unsubscribe(Rang, broken)
    assert events.subscribers(Rang) == []


def test_a_signed_note_reaches_the_diary_then_the_outcomes() -> None:
    assert events.subscribers(events.NoteSigned) == [
        diary_handlers.on_note_signed,
        outcomes_handlers.on_note_signed,
    ]


def test_late_adverse_events_and_opened_notes_reach_the_outcomes() -> None:
    assert events.subscribers(events.AdverseEventsReported) == [
        outcomes_handlers.on_adverse_events_reported
    ]
    assert events.subscribers(events.NoteOpened) == [outcomes_handlers.on_note_opened]
