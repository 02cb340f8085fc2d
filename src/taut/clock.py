"""The one place Taut reads the wall clock.

Everything outside the clinical core asks this module for the time, so that tests fix it in one
place (time-machine) and a rule never reads a clock of its own: the core takes `now` or `as_of`
from its callers. `tests/test_clock.py` fails when code under src/taut reads the clock elsewhere.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def now() -> dt.datetime:
    """The current instant, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def today_in(zone: dt.tzinfo | ZoneInfo) -> dt.date:
    """Today's date where `zone` is: a clinic's day starts at its own midnight, not UTC's."""
    return now().astimezone(zone).date()
