"""The public contact form: people get through, bots and floods do not, staff handle it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from taut import clock
from taut.messaging.contact import CONTACT_PER_HOUR, form_started
from taut.messaging.models import DeskRequest, RequestKind
from tests.conftest import World, client_for, run_due_tasks

URL = "/contact/a/"


@pytest.fixture(autouse=True)
def _fixed_clock(clinic_clock: Any) -> None:
    """The form signs the time it was shown; tests move the clock past the minimum fill time."""


def _filled(**changes: str) -> dict[str, str]:
    shown = clock.now() - dt.timedelta(seconds=20)
    return {
        "name": "Grace Hopper",
        "email": "grace@example.com",
        "phone": "",
        "message": "Do you treat tennis elbow? Is parking available?",
        "website": "",
        "started": form_started(shown),
        **changes,
    }


def test_the_form_is_shown_with_a_hidden_trap_field(world: World) -> None:
    page = Client().get(URL).content.decode()
    assert "Ask Clinic A a question" in page
    assert 'name="website"' in page and 'aria-hidden="true"' in page
    assert 'name="started"' in page


def test_a_question_lands_in_the_staff_inbox_and_the_sender_is_acknowledged(
    world: World,
) -> None:
    answer = Client().post(URL, _filled())
    assert answer.status_code == 302 and answer["Location"] == "/contact/a/sent/"
    request = DeskRequest.objects.for_clinic(world.clinic_a).get()
    assert request.kind == RequestKind.CONTACT and request.name == "Grace Hopper"
    assert request.sender_address == "127.0.0.1"
    assert "Thank you for writing to Clinic A" in Client().get(answer["Location"]).content.decode()
    run_due_tasks()
    [ack] = mail.outbox
    assert ack.to == ["grace@example.com"] and "received your question" in ack.body
    assert "tennis elbow" not in ack.body  # the question itself is not echoed
    inbox = client_for(world.frontdesk_a).get("/messages/").content.decode()
    assert "Grace Hopper" in inbox and "tennis elbow" in inbox
    assert "tennis elbow" not in client_for(world.frontdesk_b).get("/messages/").content.decode()


def test_staff_mark_a_request_handled(world: World) -> None:
    Client().post(URL, _filled())
    request = DeskRequest.objects.get()
    staff = client_for(world.frontdesk_a)
    answer = staff.post(f"/messages/requests/{request.public_id}/handled/")
    assert answer.status_code == 302
    request.refresh_from_db()
    assert request.handled_at is not None and request.handled_by == world.frontdesk_a
    again = staff.post(f"/messages/requests/{request.public_id}/handled/", follow=True)
    assert "already marked this request handled" in again.content.decode()


def test_another_clinics_staff_cannot_touch_the_request(world: World) -> None:
    Client().post(URL, _filled())
    request = DeskRequest.objects.get()
    answer = client_for(world.frontdesk_b).post(f"/messages/requests/{request.public_id}/handled/")
    assert answer.status_code == 404
    request.refresh_from_db()
    assert request.handled_at is None


def test_a_bot_that_fills_the_trap_is_thanked_and_nothing_is_stored(world: World) -> None:
    answer = Client().post(URL, _filled(website="https://spam.example.com"))
    assert answer.status_code == 302
    assert not DeskRequest.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"started": "forged"}, "started", "The form was damaged"),
        ({"message": ""}, "message", "This field is required"),
        ({"name": ""}, "name", "This field is required"),
        ({"email": "not-an-address"}, "email", "valid email address"),
        ({"email": "", "phone": ""}, "email", "Give an email address or a phone number"),
        (
            {"message": "see http://a.example http://b.example www.c.example"},
            "message",
            "at most 2 links",
        ),
        ({"message": "x" * 2001}, "message", "at most 2000 characters"),
    ],
)
def test_field_errors_name_the_field_and_the_reason(
    world: World, changes: dict[str, str], field: str, reason: str
) -> None:
    answer = Client().post(URL, _filled(**changes))
    assert answer.status_code == 400
    assert reason in answer.content.decode()
    assert field in answer.context["form"].errors
    assert not DeskRequest.objects.exists()


def test_a_form_sent_faster_than_a_person_types_is_refused(world: World) -> None:
    answer = Client().post(URL, _filled(started=form_started(clock.now())))
    assert answer.status_code == 400
    assert "faster than a person" in answer.content.decode()


def test_a_day_old_form_is_refused(world: World) -> None:
    old = form_started(clock.now() - dt.timedelta(days=2))
    assert "more than a day old" in Client().post(URL, _filled(started=old)).content.decode()


def test_one_address_may_ask_a_few_times_an_hour(world: World, clinic_clock: Any) -> None:
    visitor = Client()
    for _ in range(CONTACT_PER_HOUR):
        assert visitor.post(URL, _filled()).status_code == 302
    refused = visitor.post(URL, _filled())
    assert refused.status_code == 429
    assert "Too many questions from this address" in refused.content.decode()
    assert DeskRequest.objects.count() == CONTACT_PER_HOUR
    from_elsewhere = Client(REMOTE_ADDR="192.0.2.7").post(URL, _filled())
    assert from_elsewhere.status_code == 302
    clinic_clock.shift(dt.timedelta(hours=1, minutes=1))
    assert visitor.post(URL, _filled()).status_code == 302


def test_an_unknown_clinic_has_no_form(world: World) -> None:
    assert Client().get("/contact/no-such-clinic/").status_code == 404
