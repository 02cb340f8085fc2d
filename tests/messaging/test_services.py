from __future__ import annotations

import datetime as dt
from datetime import timedelta

from django.core import mail
from django.utils import timezone

from taut import clock
from taut.messaging import sms
from taut.messaging.models import Channel, Kind, OutboundMessage, Status
from taut.messaging.services import message_queue, message_to_patient, messages_cancel
from taut.messaging.tasks import MAX_ATTEMPTS
from tests.conftest import World, run_due_tasks


def test_a_queued_email_is_sent_by_the_worker_with_its_calendar_file(world: World) -> None:
    world.clinic_a.email = "desk@clinic-a.example.com"
    world.clinic_a.save()
    message = message_queue(
        clinic=world.clinic_a,
        kind=Kind.BOOKING_CONFIRMATION,
        channel=Channel.EMAIL,
        recipient="pat@example.com",
        subject="Your visit",
        body="See you soon.",
        calendar_file="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    )
    assert mail.outbox == []
    assert run_due_tasks() == 1
    message.refresh_from_db()
    assert message.status == Status.SENT and message.sent_at is not None
    [email] = mail.outbox
    assert email.to == ["pat@example.com"] and email.reply_to == ["desk@clinic-a.example.com"]
    assert email.attachments[0][0] == "appointment.ics"


def test_a_message_for_later_waits_until_it_is_due(world: World) -> None:
    later = timezone.now() + timedelta(hours=20)
    message_queue(
        clinic=world.clinic_a,
        kind=Kind.REMINDER,
        channel=Channel.EMAIL,
        recipient="pat@example.com",
        subject="Tomorrow",
        body="Reminder",
        send_after=later,
    )
    assert run_due_tasks() == 0
    assert run_due_tasks(at=later + timedelta(seconds=1)) == 1
    assert len(mail.outbox) == 1


def test_a_cancelled_reminder_is_never_sent(world: World) -> None:
    later = timezone.now() + timedelta(hours=20)
    message = message_queue(
        clinic=world.clinic_a,
        kind=Kind.REMINDER,
        channel=Channel.EMAIL,
        recipient="pat@example.com",
        body="Reminder",
        about="appointment:abc",
        send_after=later,
    )
    assert messages_cancel(clinic=world.clinic_a, about="appointment:abc") == 1
    run_due_tasks(at=later + timedelta(seconds=1))
    message.refresh_from_db()
    assert message.status == Status.CANCELLED
    assert mail.outbox == []


def test_cancelling_does_not_reach_another_clinics_messages(world: World) -> None:
    message_queue(
        clinic=world.clinic_b,
        kind=Kind.REMINDER,
        channel=Channel.EMAIL,
        recipient="b@example.com",
        body="x",
        about="appointment:same",
    )
    assert messages_cancel(clinic=world.clinic_a, about="appointment:same") == 0


def test_a_patient_without_email_gets_a_text_message(world: World) -> None:
    sms.outbox.clear()
    patient = world.patient_a
    patient.email = ""
    patient.phone = "+1 303 555 0199"
    patient.save()
    message = message_to_patient(
        patient=patient, kind=Kind.REMINDER, subject="Visit", body="Dry needling of the neck"
    )
    assert message is not None and message.channel == Channel.SMS
    run_due_tasks()
    # Without a date to fill the reminder's wording, the text falls back to the plain one; the
    # email's words never go by text.
    assert sms.outbox == [
        sms.TextMessage(
            to="+1 303 555 0199",
            body="Clinic A has a message for you. Please check your email or call the clinic.",
        )
    ]


def test_a_patient_with_no_contact_details_gets_nothing_queued(world: World) -> None:
    patient = world.patient_a
    patient.email = ""
    patient.phone = ""
    patient.save()
    assert message_to_patient(patient=patient, kind=Kind.REMINDER, subject="x", body="y") is None
    assert not OutboundMessage.objects.exists()


def test_a_transport_failure_is_retried_then_recorded_not_raised(
    world: World, settings: object
) -> None:
    settings.EMAIL_BACKEND = "tests.messaging.test_services.BrokenBackend"  # type: ignore[attr-defined]
    message = message_queue(
        clinic=world.clinic_a,
        kind=Kind.REMINDER,
        channel=Channel.EMAIL,
        recipient="pat@example.com",
        body="x",
    )
    run_due_tasks()
    message.refresh_from_db()
    assert message.status == Status.QUEUED and "mail server down" in message.error
    later = clock.now() + dt.timedelta(days=1)
    while run_due_tasks(at=later):
        pass
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.attempts == MAX_ATTEMPTS


class BrokenBackend:
    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise ConnectionError("mail server down")
