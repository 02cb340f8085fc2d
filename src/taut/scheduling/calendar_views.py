"""The desk's calendar: day and week time grids with a column per practitioner or per room, fed
as JSON; dragging a visit (or its end) moves it through the booking service, refusals and all.

FullCalendar's standard bundle (MIT, vendored) has no resource columns (those are premium), so
each column is its own calendar over its own feed: a day is N side-by-side day grids, a week is one
column's week grid. See docs/scheduling.md, "Calendar"."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from csp.constants import NONCE
from csp.decorators import csp_update
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinical import scheduling as core
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.models import Clinic
from taut.clinics.roles import Permission
from taut.common.context import AuditContext
from taut.common.refusals import Invalid, Refused
from taut.common.times import local_text
from taut.scheduling import services
from taut.scheduling.availability import practitioner_of, practitioners_of
from taut.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    BookingChannel,
    Resource,
    ResourceKind,
)
from taut.scheduling.selectors import (
    calendar_appointments,
    get_appointment_for,
    get_resource_for,
    resources_of,
)

# How many colours the stylesheet gives appointment types (taut.css, .type-0 ... .type-5).
TYPE_COLOURS = 6
# A feed answers for at most this many days: a week view with its neighbours, never a year.
MAX_FEED_DAYS = 42
LEGEND_STATUSES = [
    (AppointmentStatus.BOOKED, "Booked: can be dragged"),
    (AppointmentStatus.ARRIVED, "Arrived"),
    (AppointmentStatus.COMPLETED, "Attended"),
    (AppointmentStatus.NO_SHOW, "Did not attend"),
]


@dataclass(frozen=True)
class CalendarColumn:
    """One calendar on the page: a practitioner's or a resource's bookings."""

    param: str  # the feed's query parameter: "practitioner" or "resource"
    public_id: str
    label: str
    detail: str = ""


def _columns(clinic: Clinic, by: str) -> list[CalendarColumn]:
    if by == "room":
        return [
            CalendarColumn("resource", str(r.public_id), r.name, f"{r.get_kind_display()}")
            for r in resources_of(clinic=clinic)
        ]
    return [
        CalendarColumn("practitioner", str(p.public_id), p.get_full_name() or p.username)
        for p in practitioners_of(clinic)
    ]


def _type_colours(clinic: Clinic) -> dict[int, int]:
    types = AppointmentType.objects.for_clinic(clinic).order_by("order", "pk")
    return {t.pk: index % TYPE_COLOURS for index, t in enumerate(types)}


def _day(request: StaffRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return clock.today_in(request.membership.clinic.zone)


# FullCalendar injects its stylesheet (one nonced <style>), whose icon font is a data: URL.
@csp_update({"style-src": [NONCE], "font-src": ["data:"]})
@staff_required(Permission.SCHEDULE_BOOK)
def calendar_page(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    by = "room" if request.GET.get("by") == "room" else "practitioner"
    span = "week" if request.GET.get("view") == "week" else "day"
    day = _day(request)
    columns = _columns(clinic, by)
    chosen = next((c for c in columns if c.public_id == request.GET.get("column")), None)
    if span == "week" and columns:
        columns = [chosen or columns[0]]
    step = dt.timedelta(days=7 if span == "week" else 1)
    colours = _type_colours(clinic)
    types = AppointmentType.objects.for_clinic(clinic).filter(is_active=True)
    return render(
        request,
        "scheduling/calendar.html",
        {
            "by": by,
            "span": span,
            "day": day,
            "previous": day - step,
            "next": day + step,
            "today": clock.today_in(clinic.zone),
            "columns": columns,
            "all_columns": _columns(clinic, by),
            "chosen": columns[0] if span == "week" and columns else None,
            "legend_types": [(t, colours[t.pk]) for t in types],
            "legend_statuses": LEGEND_STATUSES,
            "grid_view": "timeGridWeek" if span == "week" else "timeGridDay",
            "clinic": clinic,
        },
    )


def _wall_time(value: Any, clinic: Clinic) -> dt.datetime:
    """A calendar time: wall-clock in the clinic's zone (FullCalendar's named-zone form, no
    offset), or an ISO time with its offset."""
    if not isinstance(value, str):
        raise ValueError("not a time")
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is not None:
        return parsed
    return core.local_instant(parsed.date(), parsed.time(), clinic.zone)


def _wall_text(value: dt.datetime, clinic: Clinic) -> str:
    return value.astimezone(clinic.zone).replace(tzinfo=None).isoformat(timespec="seconds")


def _event(appointment: Appointment, clinic: Clinic, colours: dict[int, int]) -> dict[str, Any]:
    patient = appointment.patient
    title = f"{patient.given_name} {patient.family_name} · {appointment.appointment_type.name}"
    if appointment.status != AppointmentStatus.BOOKED:
        title = f"{appointment.status_label}: {title}"  # the status in words, not colour alone
    held = ", ".join(r.name for r in (appointment.room, appointment.device) if r is not None)
    public_id = appointment.public_id
    return {
        "id": str(public_id),
        "title": f"{title} · {held}" if held else title,
        "start": _wall_text(appointment.starts_at, clinic),
        "end": _wall_text(appointment.ends_at, clinic),
        "url": reverse("scheduling:appointment", kwargs={"appointment_id": public_id}),
        "classNames": [
            f"type-{colours.get(appointment.appointment_type_id, 0)}",
            f"status-{appointment.status}",
        ],
        "editable": appointment.status == AppointmentStatus.BOOKED,
        "extendedProps": {
            "move": reverse("scheduling:calendar_move", kwargs={"appointment_id": public_id}),
            "status": appointment.status_label,
        },
    }


def _refused(refusal: Refused) -> JsonResponse:
    """A refusal as the calendar's script reads it: every reason, and the field each is about."""
    fields = refusal.fields or {"start": refusal.message}
    body = {"error": {"code": refusal.code, "message": refusal.message, "fields": fields}}
    return JsonResponse(body, status=refusal.status)


def _feed_range(request: StaffRequest, clinic: Clinic) -> tuple[dt.datetime, dt.datetime]:
    try:
        start = _wall_time(request.GET.get("start"), clinic)
        end = _wall_time(request.GET.get("end"), clinic)
    except ValueError as error:
        raise Invalid(
            ["Start and end: give both as ISO dates and times."],
            fields={"start": "an ISO date and time", "end": "an ISO date and time"},
        ) from error
    if not start < end <= start + dt.timedelta(days=MAX_FEED_DAYS):
        raise Invalid(
            [f"End: must come after the start, at most {MAX_FEED_DAYS} days later."],
            fields={"end": f"after the start, at most {MAX_FEED_DAYS} days later"},
        )
    return start, end


def _column_filter(request: StaffRequest) -> tuple[Any | None, Resource | None, str]:
    clinic = request.membership.clinic
    if "resource" in request.GET:
        resource = get_resource_for(
            membership=request.membership, public_id=request.GET["resource"]
        )
        return None, resource, f"resource:{resource.public_id}"
    practitioner = practitioner_of(clinic, request.GET.get("practitioner", ""))
    if practitioner is None:
        raise Http404("No such clinician in this clinic.")
    return practitioner, None, f"practitioner:{practitioner.public_id}"


@require_GET
@staff_required(Permission.SCHEDULE_BOOK)
def calendar_events(request: StaffRequest) -> JsonResponse:
    clinic = request.membership.clinic
    practitioner, resource, column = _column_filter(request)
    try:
        start, end = _feed_range(request, clinic)
    except Invalid as refusal:
        return _refused(refusal)
    rows = calendar_appointments(
        clinic=clinic, start=start, end=end, practitioner=practitioner, resource=resource
    )
    # One entry per feed read: which column, which span, whose names were shown.
    audit_record(
        ctx=AuditContext.from_request(request),
        clinic=clinic,
        action=Action.VIEW,
        object_type="calendar",
        object_id=column,
        detail={
            "from": start.isoformat(),
            "to": end.isoformat(),
            "patients": sorted({str(a.patient.public_id) for a in rows}),
        },
    )
    colours = _type_colours(clinic)
    return JsonResponse([_event(a, clinic, colours) for a in rows], safe=False)


def _move_request(request: StaffRequest, clinic: Clinic) -> dict[str, Any]:
    try:
        payload = json.loads(request.body or b"{}")
        start = _wall_time(payload.get("start"), clinic)
        end = _wall_time(payload.get("end"), clinic)
    except (ValueError, AttributeError) as error:
        raise Invalid(
            ["Start and end: give both as ISO dates and times."],
            fields={"start": "an ISO date and time", "end": "an ISO date and time"},
        ) from error
    if end <= start:
        raise Invalid(["End: must come after the start."], fields={"end": "after the start"})
    return {**payload, "start": start, "minutes": int((end - start).total_seconds() // 60)}


def _held_in_column(
    request: StaffRequest, payload: dict[str, Any]
) -> tuple[Resource | None, Resource | None]:
    """(room, device) to keep: dragged within a room's or a device's column, the visit keeps it."""
    if not payload.get("resource"):
        return None, None
    resource = get_resource_for(membership=request.membership, public_id=str(payload["resource"]))
    return (resource, None) if resource.kind == ResourceKind.ROOM else (None, resource)


@require_POST
@staff_required(Permission.SCHEDULE_BOOK)
def calendar_move(request: StaffRequest, appointment_id: uuid.UUID) -> JsonResponse:
    """Move (drag) or lengthen (resize) a visit: the same booking service and refusals as the
    move form; a refusal leaves the visit where it was."""
    appointment = get_appointment_for(membership=request.membership, public_id=appointment_id)
    clinic = request.membership.clinic
    try:
        payload = _move_request(request, clinic)
        room, device = _held_in_column(request, payload)
        moved = services.appointment_reschedule(
            request=request,
            actor=request.user,
            appointment=appointment,
            starts_at=payload["start"],
            practitioner=appointment.practitioner,
            location=appointment.location,
            channel=BookingChannel.DESK,
            now=clock.now(),
            minutes=payload["minutes"],
            room=room,
            device=device,
        )
    except Refused as refusal:
        return _refused(refusal)
    when = local_text(moved.starts_at, moved.zone, r"D j M, H:i")
    return JsonResponse(
        {
            "id": str(moved.public_id),
            "url": reverse("scheduling:appointment", kwargs={"appointment_id": moved.public_id}),
            "message": f"Moved to {when}. The patient is told the new time.",
        }
    )
