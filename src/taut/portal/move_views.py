"""The patient moves a visit: choose a day and a free time of the same type, read what the move
costs under the clinic's policy, then confirm."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from taut import clock
from taut.audit.services import audit_patient_read
from taut.portal.access import patient_required
from taut.scheduling.availability import free_slots_for, policy_for, practitioners_of
from taut.scheduling.forms import SlotChoiceForm
from taut.scheduling.models import Appointment
from taut.scheduling.selectors import appointment_of_patient
from taut.scheduling.services import BookingRefused
from taut.scheduling.services.moves import appointment_move_by_patient, move_terms
from taut.scheduling.slots import chosen_slot, slot_value


def _day_asked(request: HttpRequest, appointment: Appointment) -> dt.date:
    today = clock.today_in(appointment.zone)
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = appointment.starts_at.astimezone(appointment.zone).date()
    return max(day, today)


def _choices(appointment: Appointment, day: dt.date) -> list[tuple[str, object]]:
    clinic = appointment.clinic
    found = free_slots_for(
        clinic=clinic,
        appointment_type=appointment.appointment_type,
        day=day,
        now=clock.now(),
        practitioners=practitioners_of(clinic),
        min_notice_minutes=policy_for(clinic).min_notice_minutes,
    )
    return [(slot_value(f), f) for f in found]


@patient_required
def portal_appointment_move(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    appointment = appointment_of_patient(patient=patient, public_id=appointment_id)
    audit_patient_read(request=request, patient=patient, object_type="appointment")
    choice = SlotChoiceForm(request.POST or None)
    context: dict[str, object] = {
        "appointment": appointment,
        "terms": move_terms(appointment=appointment, now=clock.now()),
        "policy": policy_for(patient.clinic),
    }
    if request.method == "POST" and choice.is_valid():
        try:
            chosen = chosen_slot(patient.clinic, choice, online=False)
            if chosen.appointment_type.pk != appointment.appointment_type_id:
                raise BookingRefused(["A visit can be moved to a time of the same kind only."])
            if request.POST.get("confirm") != "yes":
                context.update(chosen=chosen, slot=choice.cleaned_data["slot"])
                return render(request, "portal/move_confirm.html", context)
            appointment_move_by_patient(
                request=request,
                actor=request.user,
                appointment=appointment,
                starts_at=chosen.start,
                practitioner=chosen.practitioner,
                location=chosen.location,
                now=clock.now(),
            )
        except BookingRefused as refusal:
            for reason in refusal.reasons:
                choice.add_error(None, reason)
        else:
            messages.success(request, "Your appointment is moved. We have sent you the new time.")
            return redirect("portal:appointments")
    day = _day_asked(request, appointment)
    context.update(day=day, choices=_choices(appointment, day), choice=choice)
    return render(
        request, "portal/move.html", context, status=422 if choice.non_field_errors() else 200
    )
