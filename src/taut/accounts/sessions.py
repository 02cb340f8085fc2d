"""Sessions end after TAUT_SESSION_IDLE_MINUTES without a request, without a write per request.

Django can slide a session's expiry forward on every request (SESSION_SAVE_EVERY_REQUEST), but
that writes the session row on every request of every signed-in user. Here a request saves the
session (which moves its expiry SESSION_COOKIE_AGE ahead) only when the last save is at least
REFRESH_AFTER old. A session therefore ends at most SESSION_COOKIE_AGE after its last request,
and at least SESSION_COOKIE_AGE - REFRESH_AFTER after it: never later than the idle timeout says.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from taut import clock

REFRESH_AFTER = 60  # seconds
SAVED_AT = "_taut_saved_at"


class IdleSessionMiddleware:
    """Placed after SessionMiddleware, so that its mark is set before the session is saved."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = request.session
        if session.is_empty():
            return response  # no session cookie and nothing stored
        saved_at = session.get(SAVED_AT)  # loads the session
        if session.session_key is None:
            return response  # the cookie named a session that has ended: nothing to slide
        now = int(clock.now().timestamp())
        if not isinstance(saved_at, int) or now - saved_at >= REFRESH_AFTER or saved_at > now:
            session[SAVED_AT] = now  # marks the session modified: SessionMiddleware saves it
        return response
