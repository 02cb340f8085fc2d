"""The patient's appointments: see them, add them to a calendar, cancel under the policy."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from taut import clock
from taut.audit.services import audit_patient_read
from taut.portal.access import patient_required
from taut.scheduling.availability import policy_for
from taut.scheduling.calendar import patient_calendar_file
from taut.scheduling.selectors import appointment_of_patient, appointments_of_patient
from taut.scheduling.services import BookingRefused, appointment_cancel


@patient_required
def portal_appointments(request: HttpRequest) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    audit_patient_read(request=request, patient=patient, object_type="appointments")
    return render(
        request,
        "portal/appointments.html",
        {
            "patient": patient,
            "appointments": appointments_of_patient(patient=patient, now=clock.now()),
            "policy": policy_for(patient.clinic),
        },
    )


@require_GET
@patient_required
def portal_appointment_ics(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    appointment = appointment_of_patient(patient=patient, public_id=appointment_id)
    audit_patient_read(request=request, patient=patient, object_type="appointment_calendar")
    response = HttpResponse(
        patient_calendar_file(appointment, now=clock.now()), content_type="text/calendar"
    )
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


@require_POST
@patient_required
def portal_appointment_cancel(request: HttpRequest, appointment_id: uuid.UUID) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    appointment = appointment_of_patient(patient=patient, public_id=appointment_id)
    reason = request.POST.get("reason", "").strip()[:300] or "Cancelled by the patient online"
    try:
        cancelled = appointment_cancel(
            request=request,
            actor=request.user,
            appointment=appointment,
            reason=reason,
            now=clock.now(),
        )
    except BookingRefused as refusal:
        for reason_text in refusal.reasons:
            messages.error(request, reason_text)
    else:
        fee = f" A late-cancellation fee of {cancelled.fee} applies." if cancelled.fee else ""
        messages.success(request, f"Your appointment is cancelled.{fee}")
    return redirect("portal:appointments")
