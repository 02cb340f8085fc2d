"""/appointments: the clinic's bookings (read, cancel); booking is under each patient,
`POST /patients/{patient_id}/appointments`, with the same rules as the desk's booking page."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from taut import clock
from taut.api.auth import ApiContext, reader, writer
from taut.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    BodyIn,
    IsoDatetime,
    NextCursor,
    PageQuery,
    RequiredText,
    ShortText,
    UserRef,
    ids,
    page_of,
    user_ref,
)
from taut.audit.models import Action
from taut.clinics.models import Location
from taut.clinics.roles import Permission
from taut.patients.selectors import get_patient_for
from taut.scheduling import services
from taut.scheduling.availability import practitioner_of
from taut.scheduling.models import Appointment, AppointmentStatus, AppointmentType, BookingChannel
from taut.scheduling.selectors import get_appointment_for

PREFIX = "/appointments"
router = Router(tags=["appointments"])


class AppointmentOut(Schema):
    id: UUID
    patient: UUID
    practitioner: UserRef
    location: UUID
    appointment_type: str
    appointment_type_id: int = Field(description="The type's id, as GET /appointment-types gives.")
    kind: str
    starts_at: datetime
    ends_at: datetime
    status: AppointmentStatus
    channel: BookingChannel
    cancelled_at: datetime | None
    cancellation_reason: str
    fee: str | None = Field(description="A late-cancellation or missed-visit fee, as a decimal.")


class AppointmentPage(Schema):
    limit: int
    next: NextCursor
    items: list[AppointmentOut]


class AppointmentQuery(PageQuery):
    patient: UUID | None = None
    practitioner: UUID | None = None
    status: AppointmentStatus | None = None
    starts_from: IsoDatetime | None = None
    starts_before: IsoDatetime | None = None


class AppointmentIn(BodyIn):
    appointment_type: int = Field(description="An appointment type id of the clinic.")
    practitioner: UUID
    location: UUID
    starts_at: IsoDatetime = Field(description="One of the free starts; ISO 8601 with offset.")
    note: ShortText = ""


class CancelIn(BodyIn):
    reason: RequiredText = Field(max_length=200)


def appointment_out(appointment: Appointment) -> dict[str, Any]:
    return {
        "id": appointment.public_id,
        "patient": appointment.patient.public_id,
        "practitioner": user_ref(appointment.practitioner),
        "location": appointment.location.public_id,
        "appointment_type": appointment.appointment_type.name,
        "appointment_type_id": appointment.appointment_type_id,
        "kind": appointment.appointment_type.kind,
        "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at,
        "status": appointment.status,
        "channel": appointment.channel,
        "cancelled_at": appointment.cancelled_at,
        "cancellation_reason": appointment.cancellation_reason,
        "fee": None if appointment.fee is None else str(appointment.fee),
    }


@router.get(
    "", response={200: AppointmentPage, **READ_ERRORS}, auth=reader(Permission.SCHEDULE_BOOK)
)
def appointment_list(request: HttpRequest, query: Query[AppointmentQuery]) -> dict[str, Any]:
    """The clinic's appointments by start time."""
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    rows = Appointment.objects.for_clinic(context.clinic).select_related(
        "patient", "practitioner", "location", "appointment_type"
    )
    if query.patient is not None:
        rows = rows.filter(
            patient=get_patient_for(membership=context.membership, public_id=query.patient)
        )
    if query.practitioner is not None:
        rows = rows.filter(practitioner__public_id=query.practitioner)
    if query.status is not None:
        rows = rows.filter(status=query.status)
    if query.starts_from is not None:
        rows = rows.filter(starts_at__gte=query.starts_from)
    if query.starts_before is not None:
        rows = rows.filter(starts_at__lt=query.starts_before)
    page, shown = page_of(rows.order_by("starts_at", "pk"), query, appointment_out)
    context.audit(
        request,
        action=Action.VIEW,
        object_type="appointments",
        object_id=str(query.patient or ""),
        patients=ids(a.patient.public_id for a in shown),
    )
    return page


@router.get(
    "/{appointment_id}",
    response={200: AppointmentOut, **READ_ERRORS},
    auth=reader(Permission.SCHEDULE_BOOK),
)
def appointment_detail(request: HttpRequest, appointment_id: UUID) -> dict[str, Any]:
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    appointment = get_appointment_for(membership=context.membership, public_id=appointment_id)
    context.audit(
        request,
        action=Action.VIEW,
        object_type="appointment",
        object_id=str(appointment.public_id),
        patient=str(appointment.patient.public_id),
    )
    return appointment_out(appointment)


@router.post(
    "/{appointment_id}/cancel",
    response={200: AppointmentOut, **WRITE_ERRORS},
    auth=writer(Permission.SCHEDULE_BOOK),
)
def appointment_cancel(
    request: HttpRequest, appointment_id: UUID, payload: CancelIn
) -> dict[str, Any]:
    """Cancel under the clinic's notice policy (a late fee may apply; see `fee`)."""
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    appointment = get_appointment_for(membership=context.membership, public_id=appointment_id)
    cancelled = services.appointment_cancel(
        request=request,
        actor=context.user,
        appointment=appointment,
        reason=payload.reason,
        now=clock.now(),
    )
    context.audit(
        request,
        action=Action.UPDATE,
        object_type="api_call",
        object_id=str(cancelled.public_id),
        operation="appointment_cancel",
    )
    return appointment_out(cancelled)


def appointment_book(
    request: HttpRequest, patient_id: UUID, payload: AppointmentIn
) -> Status[dict[str, Any]]:
    """Book a free start for the patient (mounted at POST /patients/{patient_id}/appointments)."""
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    patient = get_patient_for(membership=context.membership, public_id=patient_id)
    clinic = context.clinic
    appointment_type = (
        AppointmentType.objects.for_clinic(clinic).filter(pk=payload.appointment_type).first()
    )
    practitioner = practitioner_of(clinic, payload.practitioner)
    location = Location.objects.for_clinic(clinic).filter(public_id=payload.location).first()
    missing = [
        name
        for name, found in (
            ("appointment_type", appointment_type),
            ("practitioner", practitioner),
            ("location", location),
        )
        if found is None
    ]
    if missing:
        raise Http404(f"Not a {', '.join(missing)} of this clinic.")
    appointment = services.appointment_book(
        request=request,
        actor=context.user,
        patient=patient,
        appointment_type=appointment_type,  # type: ignore[arg-type]
        practitioner=practitioner,
        location=location,  # type: ignore[arg-type]
        starts_at=payload.starts_at,
        channel=BookingChannel.DESK,
        now=clock.now(),
        note=payload.note,
    )
    context.audit(
        request,
        action=Action.CREATE,
        object_type="api_call",
        object_id=str(appointment.public_id),
        operation="appointment_book",
    )
    return Status(201, appointment_out(appointment))
