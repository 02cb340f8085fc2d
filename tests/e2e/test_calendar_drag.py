"""The desk drags a visit on the calendar at tablet width in real Chromium: onto a free time it
moves (and stays moved after a reload); onto a taken time it is refused, goes back, and the
reason is read out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from taut.clinical.scheduling import local_instant
from taut.scheduling.models import Appointment, AppointmentStatus
from tests.conftest import PASSWORD, World, make_patient
from tests.e2e.conftest import serious_accessibility_violations, sign_in
from tests.scheduling.conftest import book, make_desk, next_working_day

pytestmark = pytest.mark.e2e

TABLET = {"width": 768, "height": 1024}


def _drag_to(page: Any, event: Any, wall_time: str) -> None:
    """Take the event near its top edge and let go with that point on the slot of `wall_time`."""
    event.scroll_into_view_if_needed()
    box = event.bounding_box()
    lane = page.locator(f"td.fc-timegrid-slot-lane[data-time='{wall_time}']").first
    target = lane.bounding_box()
    grab_x, grab_y = box["x"] + box["width"] / 2, box["y"] + 4
    page.mouse.move(grab_x, grab_y)
    page.mouse.down()
    page.mouse.move(grab_x, grab_y + 10, steps=3)  # past FullCalendar's drag threshold
    page.mouse.move(grab_x, target["y"] + 4, steps=10)
    page.mouse.up()


# Chrome logs every non-2xx answer to a fetch: the refused drag's 409 is the point of the test.
@pytest.mark.console_expects(r"status of 409 \(Conflict\)")
def test_the_desk_drags_a_visit_to_a_free_time_and_is_refused_a_taken_one(
    transactional_db: None, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    desk = make_desk(world)
    day = next_working_day()
    zone = world.clinic_a.zone
    mine = book(
        desk, local_instant(day, dt.time(10), zone), now=local_instant(day, dt.time(0), zone)
    )
    book(
        desk,
        local_instant(day, dt.time(9), zone),
        patient=make_patient(world.clinic_a, "Bo", "Busy"),
        now=local_instant(day, dt.time(0), zone),
    )
    page.set_viewport_size(TABLET)
    sign_in(page, live_server.url, world.frontdesk_a.username, PASSWORD)
    page.goto(f"{live_server.url}/schedule/grid/?date={day.isoformat()}")
    visit = page.locator("a.fc-event", has_text="Ada Lovelace")
    expect(visit).to_be_visible()
    assert not serious_accessibility_violations(page)
    shoot("calendar-day-tablet")

    _drag_to(page, visit, "11:00:00")
    expect(page.get_by_role("status")).to_contain_text("Moved to")
    moved = Appointment.objects.get(rescheduled_from=mine)
    assert moved.starts_at == local_instant(day, dt.time(11), zone)
    page.reload()
    visit = page.locator("a.fc-event", has_text="Ada Lovelace")
    expect(visit).to_contain_text("11:00")

    _drag_to(page, visit, "09:00:00")
    expect(page.get_by_role("status")).to_contain_text("Not moved:")
    expect(visit).to_contain_text("11:00")  # back where it was
    shoot("calendar-refused")
    assert Appointment.objects.get(pk=moved.pk).status == AppointmentStatus.BOOKED
    assert not Appointment.objects.filter(rescheduled_from=moved).exists()
