"""A new patient books online in real Chromium, gets the portal invitation by email, sets a
password from its link, and finds the booking in the portal; the desk sees it on the day view."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from taut.scheduling.models import Appointment
from tests.conftest import PASSWORD, World, run_due_tasks
from tests.e2e.conftest import serious_accessibility_violations, sign_in
from tests.scheduling.conftest import make_desk, next_working_day

pytestmark = pytest.mark.e2e


def test_a_new_patient_books_online_and_is_invited_to_the_portal(
    transactional_db: None, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    make_desk(world)
    day = next_working_day()
    page.goto(f"{live_server.url}/book/{world.clinic_a.slug}/")
    expect(page.get_by_role("heading", name=re.compile("Book an appointment"))).to_be_visible()
    page.get_by_label("Visit", exact=True).select_option(label="Initial evaluation (45 min)")
    page.get_by_label("Day", exact=True).fill(day.isoformat())
    page.get_by_role("button", name="Find free times").click()
    slots = page.locator("#slots input[type=radio]")
    expect(slots.first).to_be_visible()
    assert not serious_accessibility_violations(page)
    shoot("booking-slots")
    slots.first.check()
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Given name").fill("Nia")
    page.get_by_label("Family name").fill("Okoro")
    page.get_by_label("Date of birth").fill("1990-02-03")
    page.get_by_label("Phone").fill("(303) 555-0177")
    page.get_by_label("Email").fill("nia@example.com")
    assert not serious_accessibility_violations(page)
    page.get_by_role("button", name="Book this appointment").click()
    expect(page.get_by_role("heading", name="You are booked")).to_be_visible()
    shoot("booking-done")

    run_due_tasks()
    invitation = next(m for m in mail.outbox if "patient portal" in m.subject)
    body = str(invitation.body)
    username = re.search(r"Your username is: (\S+)", body)
    link = re.search(r"http://\S+/accounts/reset/\S+/", body)
    assert username and link
    assert any(m.attachments for m in mail.outbox if "Your appointment" in m.subject)

    page.goto(link.group(0).replace("http://127.0.0.1:8000", live_server.url))
    page.get_by_label("New password:", exact=True).fill("a-long-new-passphrase-77")
    page.get_by_label("New password confirmation:").fill("a-long-new-passphrase-77")
    page.get_by_role("button", name=re.compile("password", re.I)).click()
    sign_in(page, live_server.url, username.group(1), "a-long-new-passphrase-77")
    page.goto(f"{live_server.url}/portal/appointments/")
    expect(page.get_by_role("heading", name="Initial evaluation")).to_be_visible()
    assert not serious_accessibility_violations(page)
    shoot("portal-appointments")

    appointment = Appointment.objects.get(patient__family_name="Okoro")
    desk_page = page.context.browser.new_page()
    sign_in(desk_page, live_server.url, world.frontdesk_a.username, PASSWORD)
    desk_page.goto(
        f"{live_server.url}/schedule/?date={appointment.starts_at.astimezone(world.clinic_a.zone).date().isoformat()}"
    )
    expect(desk_page.get_by_text("Nia Okoro")).to_be_visible()
    assert not serious_accessibility_violations(desk_page)
    desk_page.close()
