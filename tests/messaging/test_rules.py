"""Messaging rules on their edges: never due before now, cancelling only what is unsent and
asked for, a patient's thread refusals, who hears of a new message and what they are told."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from taut import clock
from taut.messaging.models import Channel, Direction, Kind, OutboundMessage, PatientMessage, Status
from taut.messaging.services import (
    MessageRefused,
    message_queue,
    messages_cancel,
    patient_channel,
    patient_message_send,
    patient_thread_mark_read,
)
from tests.conftest import CLINIC_NOW, World, make_patient


@pytest.fixture(autouse=True)
def _fixed_clock(clinic_clock: Any) -> None:
    """Messages are stamped and scheduled by the clock."""


def _queue(world: World, **extra: Any) -> OutboundMessage:
    fields: dict[str, Any] = {
        "clinic": world.clinic_a,
        "kind": Kind.REMINDER,
        "channel": Channel.EMAIL,
        "recipient": "ada@example.com",
        "body": "See you soon.",
        "about": "appointment:1",
        **extra,
    }
    return message_queue(**fields)


def test_a_message_asked_for_in_the_past_is_due_now_not_earlier(world: World) -> None:
    message = _queue(world, send_after=CLINIC_NOW - dt.timedelta(days=2), now=CLINIC_NOW)
    assert message.send_after == CLINIC_NOW


def test_a_message_for_later_keeps_its_time(world: World) -> None:
    later = CLINIC_NOW + dt.timedelta(hours=5)
    assert _queue(world, send_after=later, now=CLINIC_NOW).send_after == later


def test_without_a_caller_s_clock_the_message_is_due_at_the_clock_s_now(world: World) -> None:
    message = _queue(world)
    assert abs(message.send_after - clock.now()) < dt.timedelta(seconds=5)
    assert abs(message.send_after - CLINIC_NOW) < dt.timedelta(minutes=1)


def test_cancelling_withdraws_only_the_kinds_asked_for(world: World) -> None:
    reminder = _queue(world)
    confirmation = _queue(world, kind=Kind.BOOKING_CONFIRMATION)
    assert messages_cancel(clinic=world.clinic_a, about="appointment:1", kinds=[Kind.REMINDER]) == 1
    reminder.refresh_from_db()
    confirmation.refresh_from_db()
    assert reminder.status == Status.CANCELLED and confirmation.status == Status.QUEUED


def test_cancelling_leaves_sent_messages_and_other_subjects_alone(world: World) -> None:
    sent = _queue(world)
    OutboundMessage.objects.filter(pk=sent.pk).update(status=Status.SENT)
    other = _queue(world, about="appointment:2")
    assert messages_cancel(clinic=world.clinic_a, about="appointment:1") == 0
    other.refresh_from_db()
    assert other.status == Status.QUEUED
    assert OutboundMessage.objects.get(pk=sent.pk).status == Status.SENT


@pytest.mark.parametrize(
    ("email", "phone", "expected"),
    [
        ("a@example.com", "303 555 0100", (Channel.EMAIL, "a@example.com")),
        ("", "303 555 0100", (Channel.SMS, "303 555 0100")),
        ("", "", None),
    ],
)
def test_the_patient_s_channel_prefers_email_then_text(
    world: World, email: str, phone: str, expected: Any
) -> None:
    patient = make_patient(world.clinic_a, "Grace", "Hopper", email=email, phone=phone)
    assert patient_channel(patient) == expected


# The patient's thread


def _send(world: World, body: str, *, from_patient: bool = True) -> PatientMessage:
    author = world.portal_user_a if from_patient else world.clinician_a
    return patient_message_send(
        request=None, author=author, patient=world.patient_a, body=body, from_patient=from_patient
    )


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("", "write something"),
        (" \n\t ", "write something"),
        ("x" * 4001, "under 4000"),
        ("a\x00b", "null"),
    ],
)
def test_a_thread_message_is_refused_with_the_reason(world: World, body: str, reason: str) -> None:
    with pytest.raises(MessageRefused, match=reason):
        _send(world, body)
    assert not PatientMessage.objects.exists()


def test_a_message_of_exactly_the_limit_is_kept_trimmed(world: World) -> None:
    message = _send(world, "  " + "x" * 4000 + "  ")
    assert message.body == "x" * 4000


def test_the_clinic_hears_of_a_patient_s_message_without_its_text(world: World) -> None:
    world.clinic_a.email = "desk@clinic-a.example"
    world.clinic_a.save()
    _send(world, "My knee still hurts")
    notice = OutboundMessage.objects.get(kind=Kind.CLINIC_MESSAGE)
    assert notice.recipient == "desk@clinic-a.example"
    assert "knee" not in notice.body and "Ada" not in notice.body


def test_a_clinic_without_an_email_is_not_sent_a_notice(world: World) -> None:
    world.clinic_a.email = ""
    world.clinic_a.save()
    _send(world, "Hello")
    assert not OutboundMessage.objects.exists()


def test_the_patient_hears_of_the_clinic_s_reply_by_their_own_channel(world: World) -> None:
    _send(world, "Your next visit is Tuesday", from_patient=False)
    notice = OutboundMessage.objects.get(kind=Kind.CLINIC_MESSAGE)
    assert notice.recipient == world.patient_a.email
    assert "Tuesday" not in notice.body


def test_opening_the_thread_marks_only_the_other_side_s_messages_read(world: World) -> None:
    from_patient = _send(world, "Question")
    from_clinic = _send(world, "Answer", from_patient=False)
    assert patient_thread_mark_read(patient=world.patient_a, direction=Direction.FROM_CLINIC) == 1
    from_patient.refresh_from_db()
    from_clinic.refresh_from_db()
    assert from_clinic.read_at is not None and from_patient.read_at is None
    assert patient_thread_mark_read(patient=world.patient_a, direction=Direction.FROM_CLINIC) == 0
