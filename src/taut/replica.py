"""Reads that may go to a PostgreSQL streaming replica: reports, exports, the audit log.

Where a clinic network outgrows one database server, `DATABASE_REPLICA_URL` names a hot standby
(docs/deployment.md). Code that reads much and may see data a moment old marks itself:

- a view with `@reads_from_replica` (the dashboard, its CSV tables, the audit log; takings when
  they come), or
- any block with `with replica_reads():` (the bulk export task).

Inside, `ReplicaRouter` sends reads to the replica; writes (the view's own audit entry) and every
read inside a transaction stay on the primary. A person who has just written something (any
POST, PUT, PATCH or DELETE that succeeded: signing a note, say) reads from the primary for
TAUT_REPLICA_STALE_SECONDS afterwards, so they never miss their own change because the replica
is a moment behind: `ReadYourWritesMiddleware` marks their browser with a signed cookie.
Without a replica configured, everything reads from the primary and nothing is marked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PRIMARY = "default"
WROTE_COOKIE = "taut_wrote"
_SALT = "taut.replica.wrote"
_replica_reads: ContextVar[bool] = ContextVar("taut_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads in this block may come from the replica (when there is one)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_from_replica(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a view whose reads may be a moment old; its person's own recent writes excepted."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if wrote_recently(request):
            return view(request, *args, **kwargs)
        with replica_reads():
            return view(request, *args, **kwargs)

    wrapped.taut_reads_from_replica = True  # type: ignore[attr-defined]
    return wrapped


def wrote_recently(request: HttpRequest) -> bool:
    stamp = request.get_signed_cookie(
        WROTE_COOKIE, default=None, salt=_SALT, max_age=settings.TAUT_REPLICA_STALE_SECONDS
    )
    return stamp is not None


class ReadYourWritesMiddleware:
    """After a successful write by a signed-in person, their reads stay on the primary for a
    while (only where a replica is configured)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            replica_configured()
            and request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
            and response.status_code < 400
            and request.user.is_authenticated
        ):
            response.set_signed_cookie(
                WROTE_COOKIE,
                "1",
                salt=_SALT,
                max_age=settings.TAUT_REPLICA_STALE_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


class ReplicaRouter:
    """Reads marked as replica reads go to the replica, unless the primary is inside a
    transaction (a read there may need to see that transaction's own writes). Everything else,
    and every write and migration, is the primary's."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if (
            _replica_reads.get()
            and replica_configured()
            and not connections[PRIMARY].in_atomic_block
        ):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model: type, **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary: a row read from either may point
        # at a row read from the other.
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {PRIMARY, REPLICA, None} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY
