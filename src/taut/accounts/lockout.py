"""The page django-axes shows a locked-out person (the lockout's records: `common/lockout.py`)."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_failure_limit
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from taut.common.lockout import cool_off


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The page axes shows once an account is locked: for how long, and how to get back in."""
    minutes = max(1, round(cool_off().total_seconds() / 60))
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes, "failures": get_failure_limit(request, credentials)},
        status=429,
    )
