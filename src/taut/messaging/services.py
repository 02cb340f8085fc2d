"""Queueing messages. Callers run inside their own transaction, so a message and the change it
announces are written together; the task row lives in the same database and commits with them."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from taut.clinics.models import Clinic
from taut.messaging.models import Channel, Kind, OutboundMessage, Status
from taut.messaging.tasks import deliver_message
from taut.patients.models import Patient


def patient_channel(patient: Patient) -> tuple[Channel, str] | None:
    """Email when the patient gave an address, otherwise a text message, otherwise nothing."""
    if patient.email:
        return Channel.EMAIL, patient.email
    if patient.phone:
        return Channel.SMS, patient.phone
    return None


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
) -> OutboundMessage:
    now = timezone.now()
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
) -> OutboundMessage | None:
    """Queue a message by the patient's own channel; None when there is no way to reach them."""
    route = patient_channel(patient)
    if route is None:
        return None
    channel, recipient = route
    if channel == Channel.SMS:
        body = f"{subject}\n{body}" if subject else body
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
    )


@transaction.atomic
def messages_cancel(*, clinic: Clinic, about: str, kinds: list[Kind] | None = None) -> int:
    """Withdraw messages not yet sent, e.g. the reminder of a visit that was cancelled."""
    pending = OutboundMessage.objects.for_clinic(clinic).filter(about=about, status=Status.QUEUED)
    if kinds:
        pending = pending.filter(kind__in=kinds)
    return pending.update(status=Status.CANCELLED)
