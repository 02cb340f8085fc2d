"""The sign-in lockout's records (django-axes): the username an attempt counts under, who is
locked now, and forgetting a username's failures. The page a locked-out person sees is the
accounts app's (`accounts/lockout.py`); the clinic's staff page reads and lifts locks through here.

Axes records an attempt before the sign-in form is validated, so a hostile username (thousands
of characters, a NUL byte) would reach its 255-character column as typed; PostgreSQL refuses
both, and the sign-in page would fail instead of saying the details are wrong."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset
from django.http import HttpRequest

from taut import clock

MAX_STORED = 150  # the longest username Taut accepts


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    if credentials:
        raw = credentials.get("username")
    else:
        raw = getattr(request, "POST", {}).get("username")
    text = str(raw or "")
    return text.replace("\x00", "")[:MAX_STORED]


def cool_off() -> timedelta:
    return get_cool_off() or timedelta(0)


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    """Which of these usernames are locked now, from any address."""
    failures = get_failure_limit(None, None)
    recent = AccessAttempt.objects.filter(
        username__in=list(usernames),
        failures_since_start__gte=failures,
        attempt_time__gte=clock.now() - cool_off(),
    )
    return set(recent.values_list("username", flat=True))


def lockout_clear(username: str) -> int:
    """Forget every failed attempt at this username, from every address; how many there were."""
    return int(reset(username=username))
