"""Error pages that say what happened in plain words."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = str(exception) if exception and str(exception) else "You may not open this page."
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Also what Django answers when the session could not be saved (SessionInterrupted), e.g.
    # because the database connection dropped: so, like the 500 page, it needs no database.
    return HttpResponse(loader.render_to_string("errors/400.html"), status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request: its context processors query the database, and the database
    # may be what just failed (a dropped connection). The page needs no context.
    return HttpResponse(loader.render_to_string("errors/500.html"), status=500)
