"""Queueing messages. Callers run inside their own transaction, so a message and the change it
announces are written together; the task row lives in the same database and commits with them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinics.models import Clinic
from taut.common.refusals import Refused
from taut.messaging.models import (
    Channel,
    Direction,
    Kind,
    OutboundMessage,
    PatientMessage,
    SmsOptOut,
    Status,
    UndeliverableEmail,
)
from taut.messaging.sms import e164
from taut.messaging.sms_text import SmsBody, SmsFields, sms_body
from taut.messaging.tasks import deliver_message
from taut.patients.models import Patient


def email_deliverable(clinic: Clinic, address: str) -> bool:
    key = address.strip().lower()
    return not UndeliverableEmail.objects.for_clinic(clinic).filter(address=key).exists()


def number_textable(phone: str) -> bool:
    return not SmsOptOut.objects.filter(number=e164(phone)).exists()


def patient_channel(patient: Patient) -> tuple[Channel, str] | None:
    """Email when the patient gave an address the mail server takes, otherwise a text message
    unless the number replied STOP, otherwise nothing."""
    if patient.email and email_deliverable(patient.clinic, patient.email):
        return Channel.EMAIL, patient.email
    if patient.phone and number_textable(patient.phone):
        return Channel.SMS, patient.phone
    return None


def portal_link(name: str = "portal:home") -> str:
    return settings.TAUT_BASE_URL + reverse(name)


@transaction.atomic
def message_queue(
    *,
    clinic: Clinic,
    kind: Kind,
    channel: Channel,
    recipient: str,
    body: str,
    subject: str = "",
    patient: Patient | None = None,
    about: str = "",
    send_after: datetime | None = None,
    calendar_file: str = "",
    now: datetime | None = None,
) -> OutboundMessage:
    """`now` is the caller's clock (services pass theirs), so a message is never due before the
    change it announces; without one, the wall clock. A text message's body must come from
    `sms_body` (taut.messaging.sms_text), which keeps clinical words out of text messages."""
    if channel == Channel.SMS and not isinstance(body, SmsBody):
        raise TypeError("A text message's body must be made by taut.messaging.sms_text.sms_body.")
    now = now or clock.now()
    send_after = max(send_after or now, now)
    message = OutboundMessage.objects.create(
        clinic=clinic,
        patient=patient,
        kind=kind,
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        about=about,
        send_after=send_after,
        calendar_file=calendar_file,
    )
    runner = deliver_message if send_after <= now else deliver_message.using(run_after=send_after)
    runner.enqueue(message.pk)
    return message


def message_to_patient(
    *,
    patient: Patient,
    kind: Kind,
    subject: str,
    body: str,
    about: str = "",
    send_after: datetime | None = None,
    calendar_file: str = "",
    now: datetime | None = None,
    sms: SmsFields | None = None,
) -> OutboundMessage | None:
    """Queue a message by the patient's own channel; None when there is no way to reach them.

    By email the patient gets `subject` and `body`; by text, the clinic's wording for `kind`
    filled from `sms` only (default: the clinic's name and a link to the portal)."""
    route = patient_channel(patient)
    if route is None:
        return None
    channel, recipient = route
    if channel == Channel.SMS:
        fields = sms or SmsFields(clinic=patient.clinic.name, link=portal_link())
        body = sms_body(clinic=patient.clinic, kind=kind, fields=fields)
    return message_queue(
        clinic=patient.clinic,
        patient=patient,
        kind=kind,
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        about=about,
        send_after=send_after,
        calendar_file=calendar_file if channel == Channel.EMAIL else "",
        now=now,
    )


@transaction.atomic
def messages_cancel(*, clinic: Clinic, about: str, kinds: list[Kind] | None = None) -> int:
    """Withdraw messages not yet sent, e.g. the reminder of a visit that was cancelled."""
    pending = OutboundMessage.objects.for_clinic(clinic).filter(about=about, status=Status.QUEUED)
    if kinds:
        pending = pending.filter(kind__in=kinds)
    return pending.update(status=Status.CANCELLED)


class MessageRefused(Refused):
    """A patient message that cannot be sent; the text says why."""


MAX_MESSAGE = 4000


def _message_body(body: str) -> str:
    text = body.strip()
    if not text:
        raise MessageRefused("Message: write something to send.")
    if len(text) > MAX_MESSAGE:
        raise MessageRefused(f"Message: keep it under {MAX_MESSAGE} characters.")
    if "\x00" in text:
        raise MessageRefused("Message: it contains a null character; please type it again.")
    return text


@transaction.atomic
def patient_message_send(
    *, request: Any, author: Any, patient: Patient, body: str, from_patient: bool
) -> PatientMessage:
    """Store a message in the patient's thread; staff hear of a patient's message by email
    (without its text), the patient of the clinic's reply by their own channel."""
    message = PatientMessage.objects.create(
        clinic=patient.clinic,
        patient=patient,
        direction=Direction.FROM_PATIENT if from_patient else Direction.FROM_CLINIC,
        body=_message_body(body),
        author=author,
        created_at=clock.now(),
    )
    audit_record(
        request=request,
        actor=author,
        clinic=patient.clinic,
        action=Action.CREATE,
        object_type="patient_message",
        object_id=str(message.public_id),
        detail={"patient": str(patient.public_id), "direction": message.direction},
    )
    link = settings.TAUT_BASE_URL
    if from_patient and patient.clinic.email:
        message_queue(
            clinic=patient.clinic,
            kind=Kind.CLINIC_MESSAGE,
            channel=Channel.EMAIL,
            recipient=patient.clinic.email,
            subject="A patient sent a message",
            body=f"A patient sent the clinic a message. Read it in Taut: {link}/messages/",
        )
    elif not from_patient:
        message_to_patient(
            patient=patient,
            kind=Kind.CLINIC_MESSAGE,
            subject=f"A message from {patient.clinic.name}",
            body=f"The clinic replied to you. Read it in your portal: {link}/portal/messages/",
            sms=SmsFields(clinic=patient.clinic.name, link=portal_link("portal:messages")),
        )
    return message


def patient_thread_mark_read(*, patient: Patient, direction: Direction) -> int:
    """Mark the other side's messages read when the thread is opened."""
    return (
        PatientMessage.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient, direction=direction, read_at__isnull=True)
        .update(read_at=clock.now())
    )


# A later status never moves a message back: Twilio's callbacks may arrive out of order.
PROVIDER_STATUSES = {
    "sent": (Status.SENT, 1),
    "delivered": (Status.DELIVERED, 2),
    "undelivered": (Status.UNDELIVERED, 2),
    "failed": (Status.FAILED, 2),
}
STATUS_RANK = {Status.QUEUED: 0, Status.SENT: 1}


@transaction.atomic
def sms_status_record(*, provider_id: str, provider_status: str, error_code: str = "") -> bool:
    """Record the provider's news of a sent text; False when it changes nothing."""
    known = PROVIDER_STATUSES.get(provider_status)
    if not provider_id or known is None:
        return False
    message = OutboundMessage.objects.select_for_update().filter(provider_id=provider_id).first()
    if message is None:
        return False
    status, rank = known
    if STATUS_RANK.get(Status(message.status), 3) >= rank:
        return False
    message.status = status
    if error_code:
        message.error = f"Twilio reported {provider_status}, error {error_code}."
    message.save(update_fields=["status", "error"])
    return True
