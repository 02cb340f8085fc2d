"""/appointment-types: what can be booked, and the free times of one type (the starts the desk's
booking page offers, from the same availability code), so a booking needs no page scraping."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from taut import clock
from taut.api.auth import ApiContext, reader
from taut.api.errors import ApiError
from taut.api.schemas import READ_ERRORS, IsoDate, UserRef, user_ref
from taut.audit.models import Action
from taut.clinics.models import Location
from taut.clinics.roles import Permission
from taut.scheduling.availability import free_slots_for, practitioner_of, practitioners_of
from taut.scheduling.models import AppointmentType

PREFIX = "/appointment-types"
router = Router(tags=["scheduling"])
MAX_DAYS = 31


class AppointmentTypeOut(Schema):
    id: int
    name: str
    kind: str
    minutes: int
    bookable_online: bool


class AppointmentTypeList(Schema):
    items: list[AppointmentTypeOut]


class FreeTimeQuery(Schema):
    practitioner: UUID | None = Field(None, description="Only this clinician's free times.")
    location: UUID | None = Field(None, description="Only free times at this location.")
    date_from: IsoDate | None = Field(
        None, description="The first day (the clinic's local date); today when left out."
    )
    date_to: IsoDate | None = Field(
        None, description=f"The last day, at most {MAX_DAYS} days on; date_from + 6 when left out."
    )


class FreeTimeOut(Schema):
    starts_at: datetime
    ends_at: datetime
    appointment_type: int
    practitioner: UserRef
    location: UUID


class FreeTimeList(Schema):
    items: list[FreeTimeOut]


def type_out(appointment_type: AppointmentType) -> dict[str, Any]:
    return {
        "id": appointment_type.pk,
        "name": appointment_type.name,
        "kind": appointment_type.kind,
        "minutes": appointment_type.minutes,
        "bookable_online": appointment_type.bookable_online,
    }


@router.get(
    "", response={200: AppointmentTypeList, **READ_ERRORS}, auth=reader(Permission.SCHEDULE_BOOK)
)
def appointment_type_list(request: HttpRequest) -> dict[str, Any]:
    """The clinic's active appointment types, in the booking page's order; `id` is what
    `POST /patients/{id}/appointments` takes as `appointment_type`."""
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    types = AppointmentType.objects.for_clinic(context.clinic).filter(is_active=True)
    return {"items": [type_out(t) for t in types.order_by("order", "name", "pk")]}


def _days(context: ApiContext, query: FreeTimeQuery) -> list[dt.date]:
    first = query.date_from or clock.today_in(context.clinic.zone)
    last = query.date_to or first + dt.timedelta(days=6)
    if last < first:
        raise ApiError(
            422, "The range ends before it starts.", fields={"date_to": ["Before date_from."]}
        )
    if (last - first).days >= MAX_DAYS:
        raise ApiError(
            422,
            f"At most {MAX_DAYS} days at a time.",
            fields={"date_to": [f"More than {MAX_DAYS} days after date_from."]},
        )
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


@router.get(
    "/{type_id}/free-times",
    response={200: FreeTimeList, **READ_ERRORS},
    auth=reader(Permission.SCHEDULE_BOOK),
)
def free_time_list(
    request: HttpRequest, type_id: int, query: Query[FreeTimeQuery]
) -> dict[str, Any]:
    """The free starts of this appointment type, by time: each one a
    `POST /patients/{id}/appointments` with these `starts_at`, `practitioner` and `location`
    books (unless someone takes it first: 409)."""
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    clinic = context.clinic
    appointment_type = (
        AppointmentType.objects.for_clinic(clinic).filter(pk=type_id, is_active=True).first()
    )
    if appointment_type is None:
        raise Http404("Not an appointment type of this clinic.")
    practitioners = practitioners_of(clinic)
    if query.practitioner is not None:
        chosen = practitioner_of(clinic, query.practitioner)
        if chosen is None:
            raise Http404("Not a practitioner of this clinic.")
        practitioners = [chosen]
    location = None
    if query.location is not None:
        location = Location.objects.for_clinic(clinic).filter(public_id=query.location).first()
        if location is None:
            raise Http404("Not a location of this clinic.")
    now = clock.now()
    items = []
    for day in _days(context, query):
        for found in free_slots_for(
            clinic=clinic,
            appointment_type=appointment_type,
            day=day,
            now=now,
            practitioners=practitioners,
        ):
            if location is None or found.location.pk == location.pk:
                items.append(
                    {
                        "starts_at": found.slot.start,
                        "ends_at": found.slot.end,
                        "appointment_type": appointment_type.pk,
                        "practitioner": user_ref(found.practitioner),
                        "location": found.location.public_id,
                    }
                )
    context.audit(request, action=Action.VIEW, object_type="free_times", object_id=str(type_id))
    return {"items": items}
