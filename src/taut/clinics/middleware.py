"""Attaches the signed-in staff member's current membership to every request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from taut.clinics.selectors import membership_current

SESSION_KEY = "taut_clinic_id"


class ClinicMembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            request.membership = membership_current(  # type: ignore[attr-defined]
                user=request.user, clinic_id=request.session.get(SESSION_KEY)
            )
        return self.get_response(request)
