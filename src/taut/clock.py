"""The one place Taut reads the wall clock.

Everything outside the clinical core asks this module for the time, so that tests fix it in one
place (time-machine) and a rule never reads a clock of its own: the core takes `now` or `as_of`
from its callers. `tests/test_clock.py` fails when code under src/taut reads the clock elsewhere.

`held_at` is the seam for writing history: inside it, `now()` answers the instant given, so a
seeder can record last month's payment through the same services the desk uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from zoneinfo import ZoneInfo

_held: ContextVar[dt.datetime | None] = ContextVar("taut_clock_held", default=None)


def now() -> dt.datetime:
    """The current instant, aware, in UTC (or the instant `held_at` holds)."""
    held = _held.get()
    return held if held is not None else dt.datetime.now(dt.UTC)


def today_in(zone: dt.tzinfo | ZoneInfo) -> dt.date:
    """Today's date where `zone` is: a clinic's day starts at its own midnight, not UTC's."""
    return now().astimezone(zone).date()


@contextmanager
def held_at(instant: dt.datetime) -> Iterator[None]:
    """Within the block, `now()` is `instant` (aware); for seeding history, never for requests."""
    if instant.tzinfo is None:
        raise ValueError("held_at needs an aware datetime")
    token = _held.set(instant.astimezone(dt.UTC))
    try:
        yield
    finally:
        _held.reset(token)
