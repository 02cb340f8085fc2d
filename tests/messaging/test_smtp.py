"""Email through Django's real SMTP backend to a real SMTP server (aiosmtpd) the tests start on a
free local port: what arrives is read back, and an address the server refuses is recorded."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from taut.messaging.models import Channel, Kind, Status, UndeliverableEmail
from taut.messaging.services import message_queue, message_to_patient, patient_channel
from tests.conftest import World, run_due_tasks

REFUSED = "gone@nowhere.example.com"


@dataclass
class Mailbox:
    received: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address == REFUSED:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        return "250 Message accepted"


@pytest.fixture
def smtp(settings: Any) -> Iterator[Mailbox]:
    mailbox = Mailbox()
    with socket.socket() as probe:  # a free port (aiosmtpd cannot start on port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.DEFAULT_FROM_EMAIL = "Clinic A <no-reply@clinic-a.example.com>"
        yield mailbox
    finally:
        controller.stop()


def _text_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "no text/plain part"
    return str(part.get_content())


def test_the_smtp_backend_delivers_a_message_with_its_headers_and_text_part(
    world: World, smtp: Mailbox
) -> None:
    world.clinic_a.email = "desk@clinic-a.example.com"
    world.clinic_a.save()
    message = message_queue(
        clinic=world.clinic_a,
        kind=Kind.BOOKING_CONFIRMATION,
        channel=Channel.EMAIL,
        recipient="ada@example.com",
        subject="Your appointment",
        body="See you on Tuesday.",
        calendar_file="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    )
    run_due_tasks()
    message.refresh_from_db()
    assert message.status == Status.SENT
    [arrived] = smtp.received
    assert arrived["Subject"] == "Your appointment"
    assert arrived["To"] == "ada@example.com"
    assert arrived["From"] == "Clinic A <no-reply@clinic-a.example.com>"
    assert arrived["Reply-To"] == "desk@clinic-a.example.com"
    assert arrived["Message-ID"] and arrived["Date"]
    assert _text_part(arrived).strip() == "See you on Tuesday."
    attachments = [a.get_filename() for a in arrived.iter_attachments()]
    assert attachments == ["appointment.ics"]


def test_an_address_the_server_refuses_is_recorded_as_bounced_and_shown_to_staff(
    world: World, smtp: Mailbox
) -> None:
    patient = world.patient_a
    patient.email = REFUSED
    patient.email_key = REFUSED
    patient.save()
    message = message_to_patient(
        patient=patient, kind=Kind.CLINIC_MESSAGE, subject="Hello", body="Hello"
    )
    assert message is not None and message.channel == Channel.EMAIL
    run_due_tasks()
    message.refresh_from_db()
    assert message.status == Status.BOUNCED and "550" in message.error
    assert smtp.received == []
    bounce = UndeliverableEmail.objects.for_clinic(world.clinic_a).get()
    assert bounce.address == REFUSED and "No such user" in bounce.reason
    # From now on Taut texts the patient instead, and the desk sees the bad address.
    assert patient_channel(patient) == (Channel.SMS, patient.phone)
    page = Client()
    page.force_login(world.frontdesk_a)
    shown = page.get("/messages/").content.decode()
    assert "Email addresses that bounced" in shown and REFUSED in shown and "Ada Lovelace" in shown
    other = Client()
    other.force_login(world.frontdesk_b)
    assert REFUSED not in other.get("/messages/").content.decode()


def test_a_mail_server_that_is_down_leaves_the_email_queued_for_later(
    world: World, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # discard: nothing listens
    message = message_queue(
        clinic=world.clinic_a,
        kind=Kind.REMINDER,
        channel=Channel.EMAIL,
        recipient="ada@example.com",
        subject="Tomorrow",
        body="Reminder",
    )
    run_due_tasks()
    message.refresh_from_db()
    assert message.status == Status.QUEUED and message.attempts == 1
    assert "Connection" in message.error


@pytest.mark.parametrize("kind", list(Kind))
def test_every_email_taut_sends_has_a_plain_text_part(
    world: World, smtp: Mailbox, kind: Kind
) -> None:
    message_queue(
        clinic=world.clinic_a,
        kind=kind,
        channel=Channel.EMAIL,
        recipient="ada@example.com",
        subject=kind.label,
        body=f"The words of a {kind.label} email.",
    )
    run_due_tasks()
    [arrived] = smtp.received
    assert kind.label in _text_part(arrived)


def test_the_password_reset_email_has_a_plain_text_part(world: World, smtp: Mailbox) -> None:
    answer = Client().post("/accounts/password-reset/", {"email": world.frontdesk_a.email})
    assert answer.status_code in (200, 302)
    run_due_tasks()
    assert smtp.received, "no reset email arrived"
    assert "reset" in _text_part(smtp.received[0]).lower()
