"""The patient's appointments in the portal: their own only, a calendar file, and cancelling
under the clinic's policy (a fee named when it applies, a second cancel refused)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from taut.scheduling.models import AppointmentStatus, BookingPolicy
from tests.conftest import client_for, make_patient
from tests.scheduling.conftest import TUESDAY, Desk, at, book


def _messages(response: object) -> list[str]:
    return [str(m) for m in response.context["messages"]]  # type: ignore[attr-defined]


def test_the_page_lists_the_patient_s_upcoming_visits_not_anyone_else_s(desk: Desk) -> None:
    mine = book(desk, at(TUESDAY, 9))
    sibling = make_patient(desk.world.clinic_a, "Byron", "Lovelace")
    theirs = book(desk, at(TUESDAY, 14), patient=sibling)
    page = client_for(desk.world.portal_user_a).get(reverse("portal:appointments"))
    text = page.content.decode()
    assert reverse("portal:appointment_ics", args=[mine.public_id]) in text
    assert reverse("portal:appointment_ics", args=[theirs.public_id]) not in text
    assert [a.pk for a in page.context["appointments"].upcoming] == [mine.pk]


def test_the_calendar_file_is_the_patient_s_own(desk: Desk) -> None:
    mine = book(desk, at(TUESDAY, 9))
    response = client_for(desk.world.portal_user_a).get(
        reverse("portal:appointment_ics", args=[mine.public_id])
    )
    assert response["Content-Type"] == "text/calendar"
    assert "DTSTART:20261124T160000Z" in response.content.decode()


def test_another_patient_s_calendar_file_is_not_found(desk: Desk) -> None:
    sibling = make_patient(desk.world.clinic_a, "Byron", "Lovelace")
    theirs = book(desk, at(TUESDAY, 9), patient=sibling)
    url = reverse("portal:appointment_ics", args=[theirs.public_id])
    assert client_for(desk.world.portal_user_a).get(url).status_code == 404
    assert client_for(desk.world.portal_user_b).get(url).status_code == 404


def test_the_calendar_file_answers_get_only(desk: Desk) -> None:
    mine = book(desk, at(TUESDAY, 9))
    url = reverse("portal:appointment_ics", args=[mine.public_id])
    assert client_for(desk.world.portal_user_a).post(url).status_code == 405


def test_cancelling_without_a_reason_records_that_the_patient_cancelled(desk: Desk) -> None:
    mine = book(desk, at(TUESDAY, 9))
    url = reverse("portal:appointment_cancel", args=[mine.public_id])
    response = client_for(desk.world.portal_user_a).post(url, {"reason": "  "}, follow=True)
    mine.refresh_from_db()
    assert mine.status == AppointmentStatus.CANCELLED
    assert mine.cancellation_reason == "Cancelled by the patient online"
    assert mine.cancelled_by == desk.world.portal_user_a
    assert "Your appointment is cancelled." in _messages(response)


def test_a_long_reason_from_the_portal_is_kept_to_three_hundred_characters(desk: Desk) -> None:
    mine = book(desk, at(TUESDAY, 9))
    url = reverse("portal:appointment_cancel", args=[mine.public_id])
    client_for(desk.world.portal_user_a).post(url, {"reason": "Away " * 100})
    mine.refresh_from_db()
    assert mine.status == AppointmentStatus.CANCELLED
    assert len(mine.cancellation_reason) <= 300 and mine.cancellation_reason.startswith("Away")


def test_a_late_cancel_in_the_portal_names_the_fee(desk: Desk, clinic_clock: object) -> None:
    BookingPolicy.objects.update_or_create(
        clinic=desk.world.clinic_a, defaults={"late_fee": Decimal("20.00")}
    )
    mine = book(desk, at(TUESDAY, 9))
    clinic_clock.move_to(at(TUESDAY, 8))  # type: ignore[attr-defined]
    url = reverse("portal:appointment_cancel", args=[mine.public_id])
    response = client_for(desk.world.portal_user_a).post(url, {"reason": "Ill"}, follow=True)
    assert any("late-cancellation fee of 20.00" in m for m in _messages(response))
    mine.refresh_from_db()
    assert mine.fee == Decimal("20.00")


def test_cancelling_twice_in_the_portal_is_refused_with_the_reason(desk: Desk) -> None:
    mine = book(desk, at(TUESDAY, 9))
    url = reverse("portal:appointment_cancel", args=[mine.public_id])
    client = client_for(desk.world.portal_user_a)
    client.post(url, {"reason": "Ill"})
    response = client.post(url, {"reason": "Again"}, follow=True)
    assert any("Only a booked appointment can be cancelled" in m for m in _messages(response))
    mine.refresh_from_db()
    assert mine.cancellation_reason == "Ill"


def test_a_patient_cannot_cancel_another_patient_s_visit(desk: Desk) -> None:
    sibling = make_patient(desk.world.clinic_a, "Byron", "Lovelace")
    theirs = book(desk, at(TUESDAY, 9), patient=sibling)
    url = reverse("portal:appointment_cancel", args=[theirs.public_id])
    assert client_for(desk.world.portal_user_a).post(url, {"reason": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == AppointmentStatus.BOOKED


def test_a_visit_that_has_started_moves_to_the_past(desk: Desk, clinic_clock: object) -> None:
    mine = book(desk, at(TUESDAY, 9))
    clinic_clock.move_to(at(TUESDAY, 9) + dt.timedelta(minutes=1))  # type: ignore[attr-defined]
    page = client_for(desk.world.portal_user_a).get(reverse("portal:appointments"))
    split = page.context["appointments"]
    assert split.upcoming == [] and [a.pk for a in split.past] == [mine.pk]
