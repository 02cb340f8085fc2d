"""/locations: where the clinic sees patients."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from taut.api.auth import ApiContext, reader
from taut.api.schemas import READ_ERRORS
from taut.clinics.models import Location
from taut.clinics.roles import Permission

PREFIX = "/locations"
router = Router(tags=["scheduling"])


class LocationOut(Schema):
    id: UUID
    name: str
    address: str
    phone: str
    time_zone: str


class LocationList(Schema):
    items: list[LocationOut]


@router.get("", response={200: LocationList, **READ_ERRORS}, auth=reader(Permission.SCHEDULE_BOOK))
def location_list(request: HttpRequest) -> dict[str, Any]:
    """The clinic's active locations, by name; `id` is what a booking and the free times take as
    `location`."""
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    locations = Location.objects.for_clinic(context.clinic).filter(is_active=True)
    return {
        "items": [
            {
                "id": location.public_id,
                "name": location.name,
                "address": location.address,
                "phone": location.phone,
                "time_zone": location.time_zone,
            }
            for location in locations.order_by("name", "pk")
        ]
    }
