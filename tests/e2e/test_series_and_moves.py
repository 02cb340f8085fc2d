"""In real Chromium: a clinician books a series from a care plan (a conflict in the preview,
skipped), and a patient moves a visit in the portal after reading what it costs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from taut.scheduling.models import Appointment, AppointmentStatus, Series
from taut.scheduling.services import setup
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import serious_accessibility_violations, sign_in
from tests.scheduling.conftest import at, book, make_desk, make_plan, next_working_day

pytestmark = pytest.mark.e2e

WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def test_the_clinician_books_a_series_skipping_a_conflict(
    transactional_db: None, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    make_desk(world)
    plan = make_plan(world)
    first = next_working_day()
    week_two = first + dt.timedelta(days=7)
    setup.time_off_add(
        request=None,
        actor=world.owner_a,
        clinic=world.clinic_a,
        practitioner=world.clinician_a,
        starts_at=at(week_two, 0),
        ends_at=at(week_two + dt.timedelta(days=1), 0),
        reason="Course",
    )
    sign_in(page, live_server.url, world.clinician_a.username, PASSWORD)
    page.goto(f"{live_server.url}/schedule/plans/{plan.public_id}/")
    series = page.locator("section", has=page.get_by_role("heading", name="Book a series"))
    series.get_by_label("Visit", exact=True).select_option(label="Initial evaluation (45 min)")
    series.get_by_label("With").select_option(label=world.clinician_a.get_full_name())
    for name in WEEKDAY_NAMES:
        series.get_by_label(name).set_checked(name == WEEKDAY_NAMES[first.weekday()])
    series.get_by_label("Visits").fill("3")
    series.get_by_label("Starting on").fill(first.isoformat())
    series.get_by_label("Time", exact=True).fill("10:00")
    series.get_by_role("button", name="Preview the series").click()

    expect(page.get_by_role("heading", name="Series preview")).to_be_visible()
    expect(page.get_by_text("holiday or time off")).to_be_visible()
    assert not serious_accessibility_violations(page)
    shoot("series-preview")
    page.get_by_label("Choice for visit 2").select_option(label="Skip this visit")
    page.get_by_role("button", name="Book the series").click()
    expect(page.get_by_text("Booked 2 visits in a series.")).to_be_visible()
    assert Series.objects.get().appointments.filter(status=AppointmentStatus.BOOKED).count() == 2


def test_a_patient_moves_a_visit_in_the_portal(
    transactional_db: None, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    desk = make_desk(world)
    day = next_working_day()
    mine = book(desk, at(day, 9))
    sign_in(page, live_server.url, world.portal_user_a.username, PASSWORD)
    page.goto(f"{live_server.url}/portal/appointments/")
    page.get_by_role("link", name="Move this appointment").click()
    expect(page.get_by_role("heading", name="Move my appointment")).to_be_visible()
    later = day + dt.timedelta(days=7)
    page.get_by_label("Day", exact=True).fill(later.isoformat())
    page.get_by_role("button", name="Show free times").click()
    page.locator("#slots input[type=radio]").first.check()
    assert not serious_accessibility_violations(page)
    page.get_by_role("button", name="Choose this time").click()
    expect(page.get_by_role("heading", name="Confirm the move")).to_be_visible()
    expect(page.get_by_text("fee", exact=False).first).to_be_visible()
    shoot("portal-move-confirm")
    page.get_by_role("button", name="Confirm the move").click()
    expect(page.get_by_text("Your appointment is moved.")).to_be_visible()
    moved = Appointment.objects.get(rescheduled_from=mine)
    assert moved.starts_at.astimezone(moved.zone).date() == later
