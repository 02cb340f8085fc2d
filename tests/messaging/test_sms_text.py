"""What a text message may say: the clinic's wording, filled from a whitelist, never clinical."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from taut.messaging import sms
from taut.messaging.models import Channel, Kind, SmsTemplate
from taut.messaging.services import message_queue
from taut.messaging.sms import e164
from taut.messaging.sms_text import (
    PLACEHOLDERS,
    SmsFields,
    SmsTemplateInvalid,
    sms_body,
    sms_template_check,
)
from tests.conftest import World, client_for, run_due_tasks
from tests.scheduling.conftest import at, book, make_desk, next_working_day


def test_the_fields_a_text_can_carry_are_exactly_the_whitelist() -> None:
    assert tuple(f.name for f in dataclasses.fields(SmsFields)) == PLACEHOLDERS


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{clinic}: your {visit_type} is on {date}", "Unknown placeholder visit_type"),
        ("{clinic}: see {patient.diagnosis}", "Unknown placeholder patient.diagnosis"),
        ("{clinic} on {date!r}", "write placeholders as a name in braces"),
        ("{clinic} at {time:>20}", "write placeholders as a name in braces"),
        ("{clinic} at {}", "write placeholders as a name in braces"),
        ("{clinic at {time}", "brace"),
        ("   ", "Write the message"),
        ("{clinic} " + "x" * 400, "under 320 characters"),
    ],
)
def test_a_template_with_anything_but_known_placeholders_is_refused(text: str, reason: str) -> None:
    with pytest.raises(SmsTemplateInvalid) as refused:
        sms_template_check(text)
    assert reason.lower() in refused.value.message.lower()
    assert refused.value.message.startswith("Text:")


def test_a_valid_template_is_kept_with_its_spaces_tidied() -> None:
    assert sms_template_check(" {clinic}:  see you {date} at {time} ") == (
        "{clinic}: see you {date} at {time}"
    )


def test_a_clinics_own_wording_replaces_the_default(world: World) -> None:
    SmsTemplate.objects.create(
        clinic=world.clinic_a,
        kind=Kind.REMINDER,
        text="Hi from {clinic}! {date} {time} at {location}.",
    )
    fields = SmsFields(clinic="Clinic A", date="Tue 24 Nov", time="09:00", location="A main")
    assert sms_body(clinic=world.clinic_a, kind=Kind.REMINDER, fields=fields) == (
        "Hi from Clinic A! Tue 24 Nov 09:00 at A main."
    )
    other = sms_body(clinic=world.clinic_b, kind=Kind.REMINDER, fields=fields)
    assert other.startswith("Clinic A: a reminder of your appointment on Tue 24 Nov at 09:00")


def test_a_template_row_written_around_the_check_is_still_refused_at_use(world: World) -> None:
    SmsTemplate.objects.create(clinic=world.clinic_a, kind=Kind.REMINDER, text="{notes}")
    with pytest.raises(SmsTemplateInvalid):
        sms_body(clinic=world.clinic_a, kind=Kind.REMINDER, fields=SmsFields(clinic="A"))


def test_a_text_body_not_made_from_the_whitelist_cannot_be_queued(world: World) -> None:
    with pytest.raises(TypeError, match="sms_body"):
        message_queue(
            clinic=world.clinic_a,
            kind=Kind.REMINDER,
            channel=Channel.SMS,
            recipient="+13035550142",
            body="Your dry needling for neck pain is tomorrow",
        )


def test_booking_texts_name_no_visit_type_practitioner_or_advice(
    world: World, clinic_clock: Any
) -> None:
    sms.outbox.clear()
    patient = world.patient_a
    patient.email = ""
    patient.save()
    desk = make_desk(world)
    day = next_working_day() + dt.timedelta(days=7)
    appointment = book(desk, at(day, 10))
    run_due_tasks(at=appointment.starts_at)
    bodies = [m.body for m in sms.outbox]
    assert len(bodies) == 2  # the confirmation and the reminder
    for body in bodies:
        assert body.startswith("Clinic A: ") and "10:00" in body and "A main" in body
        for clinical in (
            appointment.appointment_type.name,
            appointment.practitioner.get_full_name(),
            "needl",
            "faint",
        ):
            assert clinical.lower() not in body.lower()


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("(303) 555-0142", "+13035550142"),
        ("1-303-555-0142", "+13035550142"),
        ("+44 20 7946 0958", "+442079460958"),
        ("0044 20 7946 0958", "+442079460958"),
    ],
)
def test_numbers_are_written_for_the_provider_in_e164(written: str, number: str) -> None:
    assert e164(written) == number


def test_an_owner_words_the_reminder_and_a_bad_placeholder_is_shown_beside_the_box(
    world: World,
) -> None:
    owner = client_for(world.owner_a)
    assert "/messages/texts/" in owner.get("/messages/").content.decode()
    assert (
        "/messages/texts/" not in client_for(world.frontdesk_a).get("/messages/").content.decode()
    )
    page = owner.get("/messages/texts/")
    assert page.status_code == 200 and "{date}" in page.content.decode()
    refused = owner.post("/messages/texts/", {Kind.REMINDER.value: "{clinic} {diagnosis}"})
    assert refused.status_code == 400
    assert "Appointment reminder: Text: Unknown placeholder diagnosis" in refused.content.decode()
    assert not SmsTemplate.objects.exists()
    saved = owner.post("/messages/texts/", {Kind.REMINDER.value: "{clinic}: see you {date}"})
    assert saved.status_code == 302
    [row] = SmsTemplate.objects.for_clinic(world.clinic_a)
    assert (row.kind, row.text) == (Kind.REMINDER, "{clinic}: see you {date}")
    assert client_for(world.frontdesk_a).get("/messages/texts/").status_code == 403


def test_a_wording_with_a_nul_is_refused_and_no_other_wording_of_the_post_is_saved(
    world: World,
) -> None:
    owner = client_for(world.owner_a)
    refused = owner.post(
        "/messages/texts/",
        {Kind.REMINDER.value: "{clinic}: see you {date}", Kind.DIARY_PROMPT.value: "{clinic}\x00"},
    )
    assert refused.status_code == 400
    assert "control characters" in refused.content.decode()
    assert not SmsTemplate.objects.filter(clinic=world.clinic_a).exists()
