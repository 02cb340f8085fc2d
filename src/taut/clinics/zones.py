"""Which time zone a request's pages are read in: one mechanism for staff, portal and public pages.

Staff read their membership's clinic, a patient in the portal reads their own clinic, a public page
reads the clinic named in its URL. Records tied to a location (appointments, sessions) override it
with the location's zone where they are shown. Stored values stay UTC throughout.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from taut.clinics.models import Clinic


def zone_of_request(request: HttpRequest, view_kwargs: dict[str, Any]) -> zoneinfo.ZoneInfo | None:
    membership = getattr(request, "membership", None)
    if membership is not None:
        return membership.clinic.zone  # type: ignore[no-any-return]
    clinics = Clinic.objects.only("time_zone")
    slug = view_kwargs.get("clinic_slug")
    if slug:
        clinic = clinics.filter(slug=slug).first()
    elif request.user.is_authenticated:
        # A portal account: the clinic of the patient it belongs to (staff have a membership).
        clinic = clinics.filter(
            patients__portal_user=request.user, patients__archived_at__isnull=True
        ).first()
    else:
        clinic = None
    return clinic.zone if clinic is not None else None


class ClinicTimeZoneMiddleware:
    """Activates the zone of the request's clinic for views and templates (after the membership
    middleware); pages without a clinic stay in UTC."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        zone = zone_of_request(request, view_kwargs)
        if zone is not None:
            timezone.activate(zone)
