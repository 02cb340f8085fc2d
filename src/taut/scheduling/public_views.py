"""The clinic's public booking page: pick a visit, a practitioner or anyone, a free time; then
leave contact details (or book as the signed-in patient)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from taut.audit.models import Action, AuditEntry
from taut.audit.services import client_ip
from taut.clinics.models import Clinic, Location
from taut.patients.selectors import patient_for_portal_user
from taut.scheduling.availability import appointment_types_for, policy_for, practitioners_of
from taut.scheduling.forms import OnlinePatientForm, SlotChoiceForm
from taut.scheduling.models import AppointmentType, BookingChannel
from taut.scheduling.services import BookingRefused
from taut.scheduling.services.online import online_booking_make
from taut.scheduling.services.setup import scheduling_defaults_ensure
from taut.scheduling.slots import search_slots, slot_value


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


# A person books a handful of visits at most; more from one address in an hour is a script.
ONLINE_BOOKINGS_PER_HOUR = 5


def _too_many_bookings(request: HttpRequest, clinic: Clinic) -> bool:
    """Counted from the audit log, which records each booking with the client's address."""
    since = timezone.now() - dt.timedelta(hours=1)
    recent = AuditEntry.objects.filter(
        clinic=clinic,
        at__gte=since,
        object_type="appointment",
        action=Action.CREATE,
        ip_address=client_ip(request),
        detail__channel=BookingChannel.ONLINE.value,
    )
    return recent.count() >= ONLINE_BOOKINGS_PER_HOUR


def _chosen(clinic: Clinic, form: SlotChoiceForm) -> tuple[Any, Location, AppointmentType, Any]:
    practitioner_id, location_id, start = form.parsed_slot()
    practitioner = next(
        (p for p in practitioners_of(clinic) if str(p.public_id) == practitioner_id), None
    )
    location = Location.objects.for_clinic(clinic).filter(pk=location_id).first()
    appointment_type = (
        AppointmentType.objects.for_clinic(clinic)
        .filter(pk=form.cleaned_data["appointment_type"], is_active=True, bookable_online=True)
        .first()
    )
    if practitioner is None or location is None or appointment_type is None:
        raise BookingRefused(["That time is not one this clinic offers; please choose again."])
    return practitioner, location, appointment_type, start


@require_POST
def booking_details(request: HttpRequest, clinic_slug: str) -> HttpResponse:
    clinic = _clinic(clinic_slug)
    choice = SlotChoiceForm(request.POST)
    patient = _portal_patient(request, clinic)
    confirming = request.POST.get("step") == "confirm"
    details = OnlinePatientForm(request.POST if confirming else None, today=timezone.now().date())
    try:
        if not choice.is_valid():
            raise BookingRefused(["Please choose a time first."])
        practitioner, location, appointment_type, start = _chosen(clinic, choice)
        if confirming and (patient is not None or details.is_valid()):
            if _too_many_bookings(request, clinic):
                raise BookingRefused(
                    ["Too many bookings from this connection in the last hour; please call us."]
                )
            appointment = online_booking_make(
                request=request,
                clinic=clinic,
                patient=patient,
                details=None if patient is not None else details.cleaned_data,
                appointment_type=appointment_type,
                practitioner=practitioner,
                location=location,
                starts_at=start,
                now=timezone.now(),
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
            "appointment_type": appointment_type,
            "practitioner": practitioner,
            "location": location,
            "start": start,
        },
        status=422 if details.errors else 200,
    )


def booking_done(request: HttpRequest, clinic_slug: str) -> HttpResponse:
    clinic = get_object_or_404(Clinic, slug=clinic_slug)
    return render(
        request,
        "scheduling/public_done.html",
        {"clinic": clinic, "booked": bool(request.session.get("booked"))},
    )
