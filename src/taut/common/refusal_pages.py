"""The pages' one map from a service refusal (taut.common.refusals) to what the person sees.

A view that knows better (a form to show again, a page of its own) catches `Refused` itself; any
refusal that leaves a view reaches `RefusalMiddleware`, which answers the refusal's status with
its reasons on the refusal page (a fragment for htmx), instead of a server error. `show_refusal`
is the one way a view that redirects puts the reasons in the page's messages.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from taut.common.refusals import Refused


def show_refusal(request: HttpRequest, refusal: Refused, *, prefix: str = "") -> None:
    """The refusal's reasons as the next page's error message."""
    messages.error(request, f"{prefix}{refusal.message}")


def refusal_page(request: HttpRequest, refusal: Refused) -> HttpResponse:
    fragment = bool(getattr(request, "htmx", False))
    template = "errors/_refused.html" if fragment else "errors/refused.html"
    return render(
        request,
        template,
        {"reasons": refusal.reasons, "fields": refusal.fields},
        status=refusal.status,
    )


class RefusalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Refused):
            return refusal_page(request, exception)
        return None
