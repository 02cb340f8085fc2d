"""Text messages through Twilio, faked at the HTTP edge (`responses` answers the library's
requests); Twilio's calls back to Taut signed as Twilio signs them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
import responses
from django.test import Client
from twilio.request_validator import RequestValidator

from taut import clock
from taut.messaging.models import (
    Channel,
    DeskRequest,
    Kind,
    OutboundMessage,
    RequestKind,
    SmsOptOut,
    Status,
)
from taut.messaging.services import message_to_patient
from taut.patients.services import _refresh_search_keys
from taut.scheduling.models import Appointment
from tests.conftest import World, run_due_tasks
from tests.scheduling.conftest import at, book, make_desk, next_working_day

SID = "AC" + "0" * 32
TOKEN = "twilio-test-token"
SENDER = "+17205550100"
API = f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages.json"
BASE = "https://clinic.example.com"


@pytest.fixture(autouse=True)
def twilio(settings: Any, clinic_clock: Any) -> Iterator[responses.RequestsMock]:
    settings.TAUT_SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = SID
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_FROM = SENDER
    settings.TAUT_BASE_URL = BASE
    with responses.RequestsMock(assert_all_requests_are_fired=False) as fake:
        yield fake


def _renumber(patient: Any, phone: str) -> None:
    patient.phone = phone
    _refresh_search_keys(patient)
    patient.save()


def _texting(world: World) -> Any:
    _renumber(world.patient_b, "(720) 555-0199")  # by default both personas share a number
    patient = world.patient_a
    patient.email = ""
    patient.phone = "(303) 555-0142"
    patient.save()
    return patient


def _queue(world: World) -> OutboundMessage:
    message = message_to_patient(
        patient=_texting(world), kind=Kind.CLINIC_MESSAGE, subject="s", body="b"
    )
    assert message is not None and message.channel == Channel.SMS
    return message


def _accepted(sid: str = "SM" + "1" * 32) -> dict[str, Any]:
    return {"sid": sid, "status": "queued", "account_sid": SID, "to": "+13035550142"}


def test_a_text_goes_to_twilio_in_e164_with_a_status_callback(
    world: World, twilio: responses.RequestsMock
) -> None:
    twilio.add(responses.POST, API, json=_accepted(), status=201)
    message = _queue(world)
    run_due_tasks()
    message.refresh_from_db()
    assert message.status == Status.SENT and message.provider_id == "SM" + "1" * 32
    sent = parse_qs(twilio.calls[0].request.body)
    assert sent["To"] == ["+13035550142"] and sent["From"] == [SENDER]
    assert sent["StatusCallback"] == [f"{BASE}/messages/twilio/status/"]
    assert sent["Body"][0].startswith("Clinic A sent you a message.")


def test_a_messaging_service_replaces_the_sending_number(
    world: World, twilio: responses.RequestsMock, settings: Any
) -> None:
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "2" * 32
    twilio.add(responses.POST, API, json=_accepted(), status=201)
    _queue(world)
    run_due_tasks()
    sent = parse_qs(twilio.calls[0].request.body)
    assert sent["MessagingServiceSid"] == ["MG" + "2" * 32] and "From" not in sent


def test_an_invalid_number_is_recorded_as_failed_with_twilios_reason(
    world: World, twilio: responses.RequestsMock
) -> None:
    twilio.add(
        responses.POST,
        API,
        status=400,
        json={
            "code": 21211,
            "message": "The 'To' number +13035550142 is not a valid phone number.",
            "more_info": "https://www.twilio.com/docs/errors/21211",
            "status": 400,
        },
    )
    message = _queue(world)
    run_due_tasks()
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert "21211" in message.error and "is not a valid phone number" in message.error
    assert run_due_tasks(at=clock.now() + dt.timedelta(days=1)) == 0  # not tried again


def test_a_twilio_server_error_is_tried_again_later(
    world: World, twilio: responses.RequestsMock
) -> None:
    twilio.add(responses.POST, API, status=503, json={"code": 20503, "message": "Unavailable"})
    twilio.add(responses.POST, API, status=201, json=_accepted())
    message = _queue(world)
    run_due_tasks()
    message.refresh_from_db()
    assert message.status == Status.QUEUED and message.attempts == 1 and "503" in message.error
    assert run_due_tasks() == 0  # not at once: after a pause
    assert run_due_tasks(at=clock.now() + dt.timedelta(minutes=2)) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 2 and message.error == ""


def _signed_post(path: str, fields: dict[str, str], *, token: str = TOKEN) -> Any:
    signature = RequestValidator(token).compute_signature(BASE + path, fields)
    return Client().post(path, fields, headers={"X-Twilio-Signature": signature})


def _sent(world: World, twilio: responses.RequestsMock) -> OutboundMessage:
    twilio.add(responses.POST, API, json=_accepted(), status=201)
    message = _queue(world)
    run_due_tasks()
    message.refresh_from_db()
    return message


def test_status_callbacks_update_the_message(world: World, twilio: responses.RequestsMock) -> None:
    message = _sent(world, twilio)
    path = "/messages/twilio/status/"
    fields = {"MessageSid": message.provider_id, "MessageStatus": "undelivered"}
    answer = _signed_post(path, {**fields, "ErrorCode": "30003"})
    assert answer.status_code == 204
    message.refresh_from_db()
    assert message.status == Status.UNDELIVERED and "30003" in message.error
    # A late "sent" never moves it back.
    _signed_post(path, {**fields, "MessageStatus": "sent"})
    message.refresh_from_db()
    assert message.status == Status.UNDELIVERED


def test_a_delivered_callback_marks_it_delivered(
    world: World, twilio: responses.RequestsMock
) -> None:
    message = _sent(world, twilio)
    fields = {"MessageSid": message.provider_id, "MessageStatus": "delivered"}
    assert _signed_post("/messages/twilio/status/", fields).status_code == 204
    message.refresh_from_db()
    assert message.status == Status.DELIVERED


@pytest.mark.parametrize("path", ["/messages/twilio/status/", "/messages/twilio/inbound/"])
def test_a_callback_not_signed_by_twilio_is_refused(
    world: World, twilio: responses.RequestsMock, path: str
) -> None:
    message = _sent(world, twilio)
    fields = {"MessageSid": message.provider_id, "MessageStatus": "delivered"}
    fields |= {"From": "+13035550142", "Body": "STOP"}
    assert Client().post(path, fields).status_code == 403
    assert _signed_post(path, fields, token="someone-elses-token").status_code == 403
    tampered = RequestValidator(TOKEN).compute_signature(BASE + path, fields)
    answer = Client().post(path, {**fields, "Body": "C"}, headers={"X-Twilio-Signature": tampered})
    assert answer.status_code == 403
    message.refresh_from_db()
    assert message.status == Status.SENT
    assert not SmsOptOut.objects.exists()


def _reply(body: str, number: str = "+13035550142") -> Any:
    return _signed_post(
        "/messages/twilio/inbound/",
        {"From": number, "To": SENDER, "Body": body, "MessageSid": "SMx"},
    )


@pytest.mark.parametrize(
    "word", ["STOP", "stop", "StopAll", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"]
)
def test_stop_opts_the_number_out_until_start(
    world: World, twilio: responses.RequestsMock, word: str
) -> None:
    patient = _texting(world)
    assert _reply(word).status_code == 200
    assert SmsOptOut.objects.filter(number="+13035550142").exists()
    assert (
        message_to_patient(patient=patient, kind=Kind.CLINIC_MESSAGE, subject="", body="") is None
    )
    _reply("START")
    assert not SmsOptOut.objects.exists()
    assert message_to_patient(patient=patient, kind=Kind.CLINIC_MESSAGE, subject="", body="")


def test_a_text_queued_before_stop_is_not_sent(
    world: World, twilio: responses.RequestsMock
) -> None:
    message = _queue(world)
    _reply("STOP")
    run_due_tasks()
    message.refresh_from_db()
    assert message.status == Status.CANCELLED and "STOP" in message.error
    assert len(twilio.calls) == 0  # nothing reached Twilio


def test_c_confirms_the_patients_next_visit(world: World, twilio: responses.RequestsMock) -> None:
    _texting(world)
    desk = make_desk(world)
    day = next_working_day()
    later = book(desk, at(day + dt.timedelta(days=7), 10))
    first = book(desk, at(day, 9))
    answer = _reply(" c ")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/xml")
    first.refresh_from_db()
    later.refresh_from_db()
    assert first.confirmed_at is not None and later.confirmed_at is None
    text = answer.content.decode()
    assert "Clinic A: thank you, your appointment on" in text and "09:00" in text
    assert first.appointment_type.name not in text
    assert first.practitioner.get_full_name() not in text


def test_c_without_a_visit_ahead_lands_in_the_inbox(
    world: World, twilio: responses.RequestsMock
) -> None:
    _texting(world)
    _reply("C")
    request = DeskRequest.objects.get()
    assert request.kind == RequestKind.TEXT_REPLY and request.patient == world.patient_a
    assert not Appointment.objects.filter(confirmed_at__isnull=False).exists()


def test_r_asks_the_front_desk_for_a_call_back(
    world: World, twilio: responses.RequestsMock
) -> None:
    _texting(world)
    answer = _reply("R")
    request = DeskRequest.objects.get()
    assert request.kind == RequestKind.CALL_BACK and request.clinic == world.clinic_a
    assert request.patient == world.patient_a and request.phone == "+13035550142"
    assert "we will call you back" in answer.content.decode()
    page = Client()
    page.force_login(world.frontdesk_a)
    shown = page.get("/messages/").content.decode()
    assert "Asked for a call back" in shown and "Ada Lovelace" in shown


def test_an_unknown_reply_lands_in_the_staff_inbox(
    world: World, twilio: responses.RequestsMock
) -> None:
    _texting(world)
    answer = _reply("Can I bring my daughter?")
    assert "<Message>" not in answer.content.decode()
    request = DeskRequest.objects.get()
    assert request.kind == RequestKind.TEXT_REPLY and request.body == "Can I bring my daughter?"


def test_a_number_two_clinics_know_goes_to_the_clinic_that_texted_it(
    world: World, twilio: responses.RequestsMock
) -> None:
    _renumber(world.patient_b, "+1 303 555 0142")
    _sent(world, twilio)  # clinic A texted the number
    _reply("Running late")
    assert DeskRequest.objects.for_clinic(world.clinic_a).count() == 1
    assert DeskRequest.objects.for_clinic(world.clinic_b).count() == 0


def test_the_twilio_sender_refuses_to_start_without_credentials() -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "TAUT_SMS_BACKEND": "twilio", "TWILIO_ACCOUNT_SID": ""}
    result = subprocess.run(
        [sys.executable, "-c", "import taut.clinic.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "TWILIO_ACCOUNT_SID" in result.stderr
