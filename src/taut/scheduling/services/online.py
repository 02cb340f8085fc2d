"""Online booking by patients: who is booking, their portal account, and the booking itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest

from taut.audit.models import Action, AuditEntry
from taut.clinics.models import Clinic, Location
from taut.common.proxies import client_ip
from taut.patients.models import Patient
from taut.patients.services import patient_create
from taut.scheduling import notices
from taut.scheduling.models import Appointment, AppointmentType, BookingChannel
from taut.scheduling.services.booking import BookingRefused, appointment_book


def _matching_patient(clinic: Clinic, data: dict[str, Any]) -> Patient | None:
    """The clinic's patient with this email and date of birth, if there is exactly one.

    Nothing about the match is shown to the person booking; messages go to the address on
    record, so a stranger who types someone's details learns nothing and books nothing for them
    that the real patient does not hear about."""
    email = str(data["email"]).strip().lower()
    found = list(
        Patient.objects.for_clinic(clinic).filter(
            email_key=email, date_of_birth=data["date_of_birth"], archived_at__isnull=True
        )[:2]
    )
    return found[0] if len(found) == 1 else None


# A person books a handful of visits at most; more from one address in an hour is a script.
ONLINE_BOOKINGS_PER_HOUR = 5


def _too_many_bookings(request: HttpRequest | None, clinic: Clinic, now: dt.datetime) -> bool:
    """Counted from the audit log, which records each booking with the client's address."""
    recent = AuditEntry.objects.filter(
        clinic=clinic,
        at__gte=now - dt.timedelta(hours=1),
        object_type="appointment",
        action=Action.CREATE,
        ip_address=client_ip(request),
        detail__channel=BookingChannel.ONLINE.value,
    )
    return recent.count() >= ONLINE_BOOKINGS_PER_HOUR


def _portal_username(email: str) -> str:
    users = get_user_model().objects
    base = email.strip().lower()
    candidate, n = base, 1
    while users.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def portal_account_open(*, patient: Patient) -> Any:
    """Give the patient a portal login with no password yet, and invite them to set one."""
    if patient.portal_user is not None:
        return patient.portal_user
    user = get_user_model().objects.create_user(
        username=_portal_username(patient.email or str(patient.public_id)),
        email=patient.email,
        first_name=patient.given_name,
        last_name=patient.family_name,
    )
    user.set_unusable_password()
    user.save()
    patient.portal_user = user
    patient.save(update_fields=["portal_user"])
    notices.invite_to_portal(patient)
    return user


@transaction.atomic
def online_booking_make(
    *,
    request: HttpRequest | None,
    clinic: Clinic,
    patient: Patient | None,
    details: dict[str, Any] | None,
    appointment_type: AppointmentType,
    practitioner: Any,
    location: Location,
    starts_at: dt.datetime,
    now: dt.datetime,
) -> Appointment:
    """Book for a signed-in portal patient, or for someone who left their details: a known
    patient (same email and birth date) or a new record, invited to the portal."""
    if _too_many_bookings(request, clinic, now):
        raise BookingRefused(
            ["Too many bookings from this connection in the last hour; please call us."]
        )
    if patient is None:
        assert details is not None  # noqa: S101 - the view passes one or the other
        patient = _matching_patient(clinic, details)
        if patient is None:
            patient = patient_create(
                request=request,
                actor=None,
                clinic=clinic,
                data={"sex": "unknown", "address": "", **details},
            )
    appointment = appointment_book(
        request=request,
        actor=patient.portal_user,
        patient=patient,
        appointment_type=appointment_type,
        practitioner=practitioner,
        location=location,
        starts_at=starts_at,
        channel=BookingChannel.ONLINE,
        now=now,
    )
    if patient.portal_user is None and patient.email:
        portal_account_open(patient=patient)
    return appointment
