"""The desk's schedule: day and week calendars, booking, and what happens to a booking."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from taut import clock
from taut.audit.services import audit_patient_read
from taut.charting.services import SessionRefused
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.models import Location
from taut.clinics.roles import Permission
from taut.diary.selectors import open_alerts_for
from taut.patients.selectors import get_patient_for
from taut.scheduling import services
from taut.scheduling.availability import policy_for, practitioners_of
from taut.scheduling.forms import CancelForm, SlotChoiceForm
from taut.scheduling.models import (
    Appointment,
    AppointmentType,
    BookingChannel,
    Resource,
    ResourceKind,
)
from taut.scheduling.selectors import (
    day_schedule,
    get_appointment_for,
    get_resource_for,
    resources_of,
    week_schedule,
)
from taut.scheduling.slots import chosen_slot, search_slots, show_refusal, slot_value


def _today(request: StaffRequest) -> dt.date:
    return clock.today_in(request.membership.clinic.zone)


def _day_param(request: StaffRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return _today(request)


@staff_required(Permission.SCHEDULE_BOOK)
def schedule_day(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    day = _day_param(request)
    locations = list(Location.objects.for_clinic(clinic).filter(is_active=True))
    location = next(
        (loc for loc in locations if str(loc.public_id) == request.GET.get("location")), None
    )
    columns = day_schedule(
        clinic=clinic, day=day, practitioners=practitioners_of(clinic), location=location
    )
    # Open red-flag alerts head the day's page for those who may act on them.
    alerts = (
        open_alerts_for(clinic=clinic) if request.membership.may(Permission.CLINICAL_VIEW) else []
    )
    return render(
        request,
        "scheduling/day.html",
        {
            "day": day,
            "today": _today(request),
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
            "columns": columns,
            "locations": locations,
            "location": location,
            "clinic": clinic,
            "alerts": alerts,
        },
    )


@staff_required(Permission.SCHEDULE_BOOK)
def schedule_week(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    practitioners = practitioners_of(clinic)
    if not practitioners:
        raise Http404("This clinic has no clinicians to show.")
    chosen = next(
        (p for p in practitioners if str(p.public_id) == request.GET.get("practitioner")),
        practitioners[0],
    )
    day = _day_param(request)
    monday = day - dt.timedelta(days=day.weekday())
    return render(
        request,
        "scheduling/week.html",
        {
            "practitioner": chosen,
            "practitioners": practitioners,
            "monday": monday,
            "previous": monday - dt.timedelta(days=7),
            "next": monday + dt.timedelta(days=7),
            "days": week_schedule(clinic=clinic, practitioner=chosen, monday=monday),
            "clinic": clinic,
        },
    )


def _chosen(request: StaffRequest, choice: SlotChoiceForm, field: str) -> Resource | None:
    """The room (or device) the desk picked, if any: the booking service checks it may be held."""
    public_id = choice.cleaned_data.get(field)
    if not public_id:
        return None
    return get_resource_for(membership=request.membership, public_id=public_id)


def _resource_choices(clinic: Any) -> dict[str, list[Resource]]:
    active = resources_of(clinic=clinic)
    return {
        "rooms": [r for r in active if r.kind == ResourceKind.ROOM],
        "devices": [r for r in active if r.kind != ResourceKind.ROOM],
    }


def _booking_page(
    request: StaffRequest, *, patient: Any, moving: Appointment | None, choice: SlotChoiceForm
) -> HttpResponse:
    clinic = request.membership.clinic
    types = AppointmentType.objects.for_clinic(clinic).filter(is_active=True)
    if moving is not None:
        types = types.filter(pk=moving.appointment_type_id)
    search = search_slots(
        request,
        clinic=clinic,
        types=types,
        practitioners=practitioners_of(clinic),
        appointment_type=moving.appointment_type if moving is not None else None,
    )
    return render(
        request,
        "scheduling/book.html",
        {
            "patient": patient,
            "moving": moving,
            "search": search,
            "choices": [(slot_value(f), f) for f in search.slots],
            "choice": choice,
            "clinic": clinic,
            **_resource_choices(clinic),
        },
        status=422 if choice.errors else 200,
    )


@staff_required(Permission.SCHEDULE_BOOK)
def schedule_book(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    choice = SlotChoiceForm(request.POST or None)
    if request.method == "POST" and choice.is_valid():
        try:
            chosen = chosen_slot(request.membership.clinic, choice)
            appointment = services.appointment_book(
                request=request,
                actor=request.user,
                patient=patient,
                appointment_type=chosen.appointment_type,
                practitioner=chosen.practitioner,
                location=chosen.location,
                starts_at=chosen.start,
                channel=BookingChannel.DESK,
                now=clock.now(),
                note=choice.cleaned_data["note"],
                room=_chosen(request, choice, "room"),
                device=_chosen(request, choice, "device"),
            )
        except services.BookingRefused as refusal:
            for reason in refusal.reasons:
                choice.add_error(None, reason)
        else:
            messages.success(request, "Booked. The patient's confirmation is on its way.")
            return redirect("scheduling:appointment", appointment_id=appointment.public_id)
    audit_patient_read(request=request, patient=patient, object_type="booking")
    return _booking_page(request, patient=patient, moving=None, choice=choice)


@staff_required(Permission.SCHEDULE_BOOK)
def appointment_detail(request: StaffRequest, appointment_id: uuid.UUID) -> HttpResponse:
    appointment = get_appointment_for(membership=request.membership, public_id=appointment_id)
    audit_patient_read(request=request, patient=appointment.patient, object_type="appointment")
    return render(
        request,
        "scheduling/appointment.html",
        {
            "appointment": appointment,
            "patient": appointment.patient,
            "cancel_form": CancelForm(),
            "policy": policy_for(appointment.clinic),
            "now": clock.now(),
            "clinic": appointment.clinic,
        },
    )


@require_POST
@staff_required(Permission.SCHEDULE_BOOK)
def appointment_cancel(request: StaffRequest, appointment_id: uuid.UUID) -> HttpResponse:
    appointment = get_appointment_for(membership=request.membership, public_id=appointment_id)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, f"Reason: {' '.join(str(e) for e in form.errors.get('reason', []))}"
        )
    else:
        try:
            cancelled = services.appointment_cancel(
                request=request,
                actor=request.user,
                appointment=appointment,
                reason=form.cleaned_data["reason"],
                now=clock.now(),
                waive_fee=form.cleaned_data["waive_fee"],
            )
        except services.BookingRefused as refusal:
            show_refusal(request, refusal)
        else:
            fee = f" Late-cancellation fee: {cancelled.fee}." if cancelled.fee else ""
            messages.success(
                request, f"Cancelled ({cancelled.cancellation_class.replace('_', ' ')}).{fee}"
            )
    return redirect("scheduling:appointment", appointment_id=appointment.public_id)


@require_POST
@staff_required(Permission.SCHEDULE_BOOK)
def appointment_arrived(request: StaffRequest, appointment_id: uuid.UUID) -> HttpResponse:
    appointment = get_appointment_for(membership=request.membership, public_id=appointment_id)
    try:
        services.appointment_mark_arrived(
            request=request, actor=request.user, appointment=appointment
        )
    except services.BookingRefused as refusal:
        show_refusal(request, refusal)
    return redirect("scheduling:appointment", appointment_id=appointment.public_id)


@require_POST
@staff_required(Permission.SCHEDULE_BOOK)
def appointment_no_show(request: StaffRequest, appointment_id: uuid.UUID) -> HttpResponse:
    appointment = get_appointment_for(membership=request.membership, public_id=appointment_id)
    try:
        services.appointment_mark_no_show(
            request=request, actor=request.user, appointment=appointment, now=clock.now()
        )
    except services.BookingRefused as refusal:
        show_refusal(request, refusal)
    return redirect("scheduling:appointment", appointment_id=appointment.public_id)


@require_POST
@staff_required(Permission.CLINICAL_EDIT)
def appointment_start_session(request: StaffRequest, appointment_id: uuid.UUID) -> HttpResponse:
    appointment = get_appointment_for(membership=request.membership, public_id=appointment_id)
    try:
        session = services.appointment_start_session(
            request=request,
            membership=request.membership,
            appointment=appointment,
            today=_today(request),
        )
    except (services.BookingRefused, SessionRefused) as refusal:
        show_refusal(request, refusal)
        return redirect("scheduling:appointment", appointment_id=appointment.public_id)
    return redirect(
        "charting:session", patient_id=appointment.patient.public_id, session_id=session.public_id
    )


@staff_required(Permission.SCHEDULE_BOOK)
def appointment_move(request: StaffRequest, appointment_id: uuid.UUID) -> HttpResponse:
    appointment = get_appointment_for(membership=request.membership, public_id=appointment_id)
    choice = SlotChoiceForm(request.POST or None)
    if request.method == "POST" and choice.is_valid():
        try:
            chosen = chosen_slot(request.membership.clinic, choice)
            moved = services.appointment_reschedule(
                request=request,
                actor=request.user,
                appointment=appointment,
                starts_at=chosen.start,
                practitioner=chosen.practitioner,
                location=chosen.location,
                channel=BookingChannel.DESK,
                now=clock.now(),
                room=_chosen(request, choice, "room"),
                device=_chosen(request, choice, "device"),
            )
        except services.BookingRefused as refusal:
            for reason in refusal.reasons:
                choice.add_error(None, reason)
        else:
            messages.success(request, "Moved. The patient is told the new time.")
            return redirect("scheduling:appointment", appointment_id=moved.public_id)
    audit_patient_read(request=request, patient=appointment.patient, object_type="appointment")
    return _booking_page(request, patient=appointment.patient, moving=appointment, choice=choice)
