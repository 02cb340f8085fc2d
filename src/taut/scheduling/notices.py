"""What Taut tells patients about their bookings: the words, and the queueing of them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from taut.common.times import local_text
from taut.messaging.models import Kind
from taut.messaging.services import message_to_patient, messages_cancel
from taut.messaging.sms_text import SmsFields
from taut.patients.models import Patient
from taut.scheduling.calendar import patient_calendar_file
from taut.scheduling.models import Appointment

# What to wear comes from the clinics' own pages (shared/seeds/003: clothes that give access to the
# treatment area). Eating beforehand is the issue's request; the reason given is the seeds' own
# figure (seeds/001: fainting in about 0.3 %, mostly at the first session).
PREPARE = (
    "Before your visit:\n"
    "- Wear loose clothing that lets us reach the area being treated (shorts for legs and hips, "
    "a vest top for neck and shoulders).\n"
    "- Have something to eat beforehand: a few people feel faint during needling, most often at "
    "their first session.\n"
    "- Bring a list of your medicines, and tell us if anything has changed in your health."
)


def _when(appointment: Appointment) -> str:
    return local_text(appointment.starts_at, appointment.zone, r"l j F Y \a\t H:i T")


def _portal_link() -> str:
    return f"{settings.TAUT_BASE_URL}{reverse('portal:appointments')}"


def sms_fields(appointment: Appointment) -> SmsFields:
    """What a text message about the visit may say: no visit type, no practitioner."""
    return SmsFields(
        clinic=appointment.clinic.name,
        date=local_text(appointment.starts_at, appointment.zone, "D j M"),
        time=local_text(appointment.starts_at, appointment.zone, "H:i"),
        location=appointment.location.name,
        link=_portal_link(),
    )


def _details(appointment: Appointment) -> str:
    location = appointment.location
    return (
        f"{appointment.appointment_type.name} with {appointment.practitioner.get_full_name()}\n"
        f"{_when(appointment)}\n"
        f"{location.name}{', ' + location.address if location.address else ''}"
    )


def notify_booked(appointment: Appointment, *, now: dt.datetime, reminder_hours: int) -> None:
    clinic = appointment.clinic
    message_to_patient(
        patient=appointment.patient,
        kind=Kind.BOOKING_CONFIRMATION,
        subject=f"Your appointment at {clinic.name}",
        body=(
            f"Your appointment is booked.\n\n{_details(appointment)}\n\n{PREPARE}\n\n"
            f"See, move or cancel it: {_portal_link()}"
        ),
        about=appointment.about,
        calendar_file=patient_calendar_file(appointment, now=now),
        now=now,
        sms=sms_fields(appointment),
    )
    # In UTC: "24 hours before" is elapsed time, also across the night the clocks change.
    remind_at = appointment.starts_at.astimezone(dt.UTC) - dt.timedelta(hours=reminder_hours)
    if remind_at > now:
        message_to_patient(
            patient=appointment.patient,
            kind=Kind.REMINDER,
            subject=f"Reminder: your appointment at {clinic.name}",
            body=f"A reminder of your appointment.\n\n{_details(appointment)}\n\n{PREPARE}",
            about=appointment.about,
            send_after=remind_at,
            now=now,
            sms=sms_fields(appointment),
        )


def notify_cancelled(appointment: Appointment, *, fee_note: str) -> None:
    messages_cancel(clinic=appointment.clinic, about=appointment.about, kinds=[Kind.REMINDER])
    message_to_patient(
        patient=appointment.patient,
        kind=Kind.BOOKING_CANCELLED,
        subject=f"Appointment cancelled: {appointment.clinic.name}",
        body=f"This appointment is cancelled.\n\n{_details(appointment)}\n\n{fee_note}".strip(),
        about=appointment.about,
        sms=sms_fields(appointment),
    )


def withdraw_reminders(appointment: Appointment) -> None:
    messages_cancel(clinic=appointment.clinic, about=appointment.about, kinds=[Kind.REMINDER])


def invite_to_portal(patient: Patient) -> None:
    user = patient.portal_user
    assert user is not None  # noqa: S101 - callers create the account first
    link = settings.TAUT_BASE_URL + reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    message_to_patient(
        patient=patient,
        kind=Kind.PORTAL_INVITATION,
        subject=f"Your patient portal at {patient.clinic.name}",
        body=(
            f"{patient.clinic.name} has opened a patient portal account for you. In it you fill in "
            "your medical history before your first visit, read and sign the consent form, see "
            "your appointments and aftercare, and keep your symptom diary.\n\n"
            f"Choose your password here (the link works for a few days): {link}\n"
            f"Your username is: {user.get_username()}"
        ),
        about=f"patient:{patient.public_id}",
        sms=SmsFields(clinic=patient.clinic.name, link=link),
    )
