"""The patient's message thread: refusals named, markup shown as text, one patient's thread."""

from __future__ import annotations

import pytest
from django.urls import reverse

from taut.messaging.models import PatientMessage
from tests.conftest import World, client_for


def _send(world: World, body: str, user: object = None) -> object:
    client = client_for(user or world.portal_user_a)
    return client.post(reverse("portal:messages"), {"body": body}, follow=True)


def _messages(response: object) -> list[str]:
    return [str(m) for m in response.context["messages"]]  # type: ignore[attr-defined]


def test_a_message_is_sent_to_the_patient_s_own_clinic(world: World) -> None:
    _send(world, "Is parking free?")
    message = PatientMessage.objects.get()
    assert message.patient == world.patient_a and message.clinic == world.clinic_a
    assert message.author == world.portal_user_a


@pytest.mark.parametrize(
    ("body", "reason"),
    [("", "write something"), ("   ", "write something"), ("x" * 4001, "under 4000")],
)
def test_an_empty_or_too_long_message_is_refused_with_the_reason(
    world: World, body: str, reason: str
) -> None:
    response = _send(world, body)
    assert any(reason in m for m in _messages(response))
    assert not PatientMessage.objects.exists()


def test_a_message_with_a_null_character_is_refused(world: World) -> None:
    response = _send(world, "Hello\x00there")
    assert any("null character" in m for m in _messages(response))
    assert not PatientMessage.objects.exists()


def test_markup_in_a_message_is_shown_as_text(world: World) -> None:
    _send(world, "<img src=x onerror=alert(1)>")
    page = client_for(world.portal_user_a).get(reverse("portal:messages")).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_a_patient_sees_only_their_own_thread(world: World) -> None:
    _send(world, "From Ada")
    _send(world, "From Boris", user=world.portal_user_b)
    page = client_for(world.portal_user_a).get(reverse("portal:messages")).content.decode()
    assert "From Ada" in page and "From Boris" not in page
