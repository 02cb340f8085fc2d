"""The username django-axes counts failed sign-ins under, made safe to store.

Axes records an attempt before the sign-in form is validated, so a hostile username (thousands
of characters, a NUL byte) would reach its 255-character column as typed; PostgreSQL refuses
both, and the sign-in page would fail instead of saying the details are wrong."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

MAX_STORED = 150  # the longest username Taut accepts


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    if credentials:
        raw = credentials.get("username")
    else:
        raw = getattr(request, "POST", {}).get("username")
    text = str(raw or "")
    return text.replace("\x00", "")[:MAX_STORED]
