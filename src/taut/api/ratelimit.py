"""Requests per token per minute, counted in the database so every server process shares it.

A fixed window: the token row holds the current minute and its count, updated under a row lock in
the same statement that records `last_used_at`. Simple and exact across gunicorn workers; the cost
is that a client may send up to twice the limit across a window boundary.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction

from taut.api.models import ApiToken

WINDOW_SECONDS = 60
DEFAULT_LIMIT = 120


def rate_limit() -> int:
    """Requests a token may make per minute (setting TAUT_API_RATE_LIMIT)."""
    return int(getattr(settings, "TAUT_API_RATE_LIMIT", DEFAULT_LIMIT))


def window_start(now: datetime) -> datetime:
    seconds = math.floor(now.timestamp() / WINDOW_SECONDS) * WINDOW_SECONDS
    return datetime.fromtimestamp(seconds, UTC)


@transaction.atomic
def rate_take(*, token_id: int, now: datetime) -> int | None:
    """Count one request of the token. None if it may go ahead, else the seconds to wait."""
    start = window_start(now)
    row = (
        ApiToken.objects.select_for_update()
        .values("rate_window_start", "rate_window_count")
        .get(pk=token_id)
    )
    count = row["rate_window_count"] if row["rate_window_start"] == start else 0
    if count >= rate_limit():
        remaining = start + timedelta(seconds=WINDOW_SECONDS) - now
        return max(1, math.ceil(remaining.total_seconds()))
    ApiToken.objects.filter(pk=token_id).update(
        rate_window_start=start, rate_window_count=count + 1, last_used_at=now
    )
    return None
