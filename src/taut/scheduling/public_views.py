"""The clinic's public booking page: pick a visit, a practitioner or anyone, a free time; then
leave contact details (or book as the signed-in patient)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from taut import clock
from taut.clinics.models import Clinic
from taut.patients.selectors import patient_for_portal_user
from taut.scheduling.availability import appointment_types_for, policy_for, practitioners_of
from taut.scheduling.forms import OnlinePatientForm, SlotChoiceForm
from taut.scheduling.models import AppointmentType
from taut.scheduling.selectors import online_booking_just_made
from taut.scheduling.services import BookingRefused
from taut.scheduling.services.online import online_booking_make
from taut.scheduling.services.setup import scheduling_defaults_ensure
from taut.scheduling.slots import chosen_slot, search_slots, slot_value


def _clinic(clinic_slug: str) -> Clinic:
    clinic = get_object_or_404(Clinic, slug=clinic_slug)
    if not policy_for(clinic).online_booking:
        raise Http404("This clinic does not take bookings online.")
    return clinic


def _portal_patient(request: HttpRequest, clinic: Clinic) -> Any:
    if not request.user.is_authenticated:
        return None
    patient = patient_for_portal_user(user=request.user)
    return patient if patient is not None and patient.clinic_id == clinic.pk else None


def booking_start(request: HttpRequest, clinic_slug: str) -> HttpResponse:
    clinic = _clinic(clinic_slug)
    scheduling_defaults_ensure(clinic=clinic)
    policy = policy_for(clinic)
    types = AppointmentType.objects.for_clinic(clinic).filter(is_active=True, bookable_online=True)
    search = search_slots(
        request,
        clinic=clinic,
        types=types,
        practitioners=practitioners_of(clinic),
        min_notice_minutes=policy.min_notice_minutes,
        days_ahead=policy.days_ahead,
    )
    return render(
        request,
        "scheduling/public_start.html",
        {
            "clinic": clinic,
            "types": appointment_types_for(clinic, online=True),
            "search": search,
            "choices": [(slot_value(f), f) for f in search.slots],
            "choice": SlotChoiceForm(),
            "policy": policy,
            "patient": _portal_patient(request, clinic),
        },
    )


@require_POST
def booking_details(request: HttpRequest, clinic_slug: str) -> HttpResponse:
    clinic = _clinic(clinic_slug)
    choice = SlotChoiceForm(request.POST)
    patient = _portal_patient(request, clinic)
    confirming = request.POST.get("step") == "confirm"
    details = OnlinePatientForm(
        request.POST if confirming else None, today=clock.today_in(clinic.zone)
    )
    try:
        if not choice.is_valid():
            raise BookingRefused(["Please choose a time first."])
        chosen = chosen_slot(clinic, choice, online=True)
        if confirming and (patient is not None or details.is_valid()):
            appointment = online_booking_make(
                request=request,
                clinic=clinic,
                patient=patient,
                details=None if patient is not None else details.cleaned_data,
                appointment_type=chosen.appointment_type,
                practitioner=chosen.practitioner,
                location=chosen.location,
                starts_at=chosen.start,
                now=clock.now(),
            )
            request.session["booked"] = str(appointment.public_id)
            return redirect("booking:done", clinic_slug=clinic.slug)
    except BookingRefused as refusal:
        return render(
            request,
            "scheduling/public_refused.html",
            {"clinic": clinic, "reasons": refusal.reasons},
            status=409,
        )
    return render(
        request,
        "scheduling/public_details.html",
        {
            "clinic": clinic,
            "details": details,
            "patient": patient,
            "slot": choice.cleaned_data["slot"],
            "appointment_type": chosen.appointment_type,
            "practitioner": chosen.practitioner,
            "location": chosen.location,
            "start": chosen.start,
        },
        status=422 if details.errors else 200,
    )


def booking_done(request: HttpRequest, clinic_slug: str) -> HttpResponse:
    """The confirmation repeats what was booked: the visit, when, where and with whom (the booking
    this browser just made, kept in its session; never a name)."""
    clinic = get_object_or_404(Clinic, slug=clinic_slug)
    booked = online_booking_just_made(clinic=clinic, public_id=request.session.get("booked"))
    return render(request, "scheduling/public_done.html", {"clinic": clinic, "booked": booked})
