"""Signing in sends each person to where their work starts."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, World, client_for
from tests.diary.conftest import answered_with_red_flag


def _landing(username: str) -> str:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": PASSWORD}, follow=True
    )
    return response.redirect_chain[-1][0]


def test_a_clinician_lands_on_todays_schedule_and_the_others_where_they_work(
    world: World,
) -> None:
    assert _landing("clinician_a") == reverse("scheduling:day")
    assert _landing("frontdesk_a") == reverse("patients:list")
    assert _landing("owner_a") == reverse("patients:list")
    assert _landing("portal_a") == reverse("portal:home")


def test_the_clinicians_landing_page_shows_the_open_red_flag_alerts(world: World) -> None:
    answered = answered_with_red_flag(world)
    page = client_for(world.clinician_a).get(reverse("scheduling:day")).content.decode()
    assert "Open red-flag alerts" in page
    assert reverse("diary:alert", kwargs={"alert_id": answered.alert.public_id}) in page
