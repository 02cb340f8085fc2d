"""Events: how a lower app tells higher ones that something happened, without importing them.

An app that must react to another's write (the diary and the outcomes when a note is signed)
subscribes a handler in its `AppConfig.ready()`; the app that writes publishes the event inside
its own transaction, so every handler's writes commit or roll back with it. Handlers run in the
order they subscribed (the order of INSTALLED_APPS), synchronously; an exception in one aborts
the publisher's transaction as a direct call would. Each event is a frozen dataclass, so the
signature of a handler is checked by mypy like any call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

Event = TypeVar("Event")

_handlers: dict[type[Any], list[Callable[[Any], None]]] = {}


def subscribe(event_type: type[Event], handler: Callable[[Event], None]) -> None:
    """Call `handler(event)` whenever an event of `event_type` is published (once per handler)."""
    handlers = _handlers.setdefault(event_type, [])
    if handler not in handlers:
        handlers.append(handler)


def unsubscribe(event_type: type[Event], handler: Callable[[Event], None]) -> None:
    handlers = _handlers.get(event_type, [])
    if handler in handlers:
        handlers.remove(handler)


def publish(event: object) -> None:
    for handler in list(_handlers.get(type(event), ())):
        handler(event)


def subscribers(event_type: type[Any]) -> list[Callable[[Any], None]]:
    """Who listens, in order: for tests and for reading the wiring."""
    return list(_handlers.get(event_type, ()))


@dataclass(frozen=True)
class NoteSigned:
    """A treatment session's note was signed (charting, inside `session_sign`'s transaction)."""

    session: Any


@dataclass(frozen=True)
class AdverseEventsReported:
    """Adverse events of a session were reported after it: late events or diary entries."""

    session: Any


@dataclass(frozen=True)
class NoteOpened:
    """A clinician opened a new note from the patient page (not from an attended appointment,
    which classifies the session itself), so the outcomes app may fill its condition and location.
    """

    session: Any
    actor: Any
    request: Any
