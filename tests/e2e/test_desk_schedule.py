"""The front desk books a patient from the patient page in real Chromium (the slot search swaps in
free times with htmx), moves the visit, then cancels it with a reason; the owner removes a break."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from taut.scheduling.models import Appointment, AppointmentStatus, WeeklyBreak
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import serious_accessibility_violations, sign_in
from tests.scheduling.conftest import make_desk, next_working_day

pytestmark = pytest.mark.e2e


def test_the_desk_books_moves_and_cancels_a_visit(
    transactional_db: None, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    make_desk(world)
    sign_in(page, live_server.url, world.frontdesk_a.username, PASSWORD)
    page.goto(f"{live_server.url}/patients/{world.patient_a.public_id}/")
    page.get_by_role("link", name="Book an appointment").click()
    page.get_by_label("Visit", exact=True).select_option(label="Follow-up / reassessment (30 min)")
    page.get_by_label("Day", exact=True).fill(next_working_day().isoformat())
    page.get_by_role("button", name="Find free times").click()
    times = page.locator("#slots input[type=radio]")
    expect(times.first).to_be_visible()
    assert not serious_accessibility_violations(page)
    shoot("desk-free-times")
    times.first.check()
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_role("heading", name="Follow-up / reassessment")).to_be_visible()
    first = Appointment.objects.get()

    page.get_by_role("link", name="Move").click()
    page.get_by_label("Day", exact=True).fill(next_working_day().isoformat())
    page.get_by_role("button", name="Find free times").click()
    page.locator("#slots input[type=radio]").nth(4).check()
    page.get_by_role("button", name="Move to this time").click()
    expect(page.get_by_text("Moved. The patient is told the new time.")).to_be_visible()
    moved = Appointment.objects.get(rescheduled_from=first)
    assert moved.starts_at != first.starts_at

    page.get_by_label("Reason").fill("Patient is travelling")
    page.get_by_role("button", name="Cancel appointment").click()
    expect(page.get_by_role("status").get_by_text(re.compile(r"^Cancelled"))).to_be_visible()
    assert Appointment.objects.get(pk=moved.pk).status == AppointmentStatus.CANCELLED
    assert not serious_accessibility_violations(page)
    shoot("desk-cancelled")


def test_the_owner_removes_a_break_on_the_setup_page(
    transactional_db: None, world: World, live_server: Any, page: Any
) -> None:
    make_desk(world)
    sign_in(page, live_server.url, world.owner_a.username, PASSWORD)
    page.goto(f"{live_server.url}/schedule/setup/")
    assert not serious_accessibility_violations(page)
    before = WeeklyBreak.objects.count()
    page.get_by_role("button", name=re.compile(r"Remove.*Break Monday")).click()
    expect(page.get_by_text("Break removed.")).to_be_visible()
    assert WeeklyBreak.objects.count() == before - 1
