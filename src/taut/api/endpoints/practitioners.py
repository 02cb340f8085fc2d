"""/practitioners: the clinic's clinicians, the people a patient is booked with."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from taut.api.auth import ApiContext, reader
from taut.api.schemas import READ_ERRORS
from taut.clinics.roles import Permission
from taut.scheduling.availability import practitioners_of

PREFIX = "/practitioners"
router = Router(tags=["scheduling"])


class PractitionerOut(Schema):
    id: UUID
    name: str


class PractitionerList(Schema):
    items: list[PractitionerOut]


@router.get(
    "", response={200: PractitionerList, **READ_ERRORS}, auth=reader(Permission.SCHEDULE_BOOK)
)
def practitioner_list(request: HttpRequest) -> dict[str, Any]:
    """Active clinicians of the token's clinic, by name; `id` is what a booking and the free
    times take as `practitioner`."""
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    return {
        "items": [
            {"id": user.public_id, "name": user.display_name}
            for user in practitioners_of(context.clinic)
        ]
    }
