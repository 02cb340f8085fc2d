"""What the scheduling pages do with what people post: tampered or malformed slots, notes with
markup, reasons too long, set-up entries that make no sense, care plans without goals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from taut.scheduling.models import (
    Appointment,
    AppointmentStatus,
    CarePlan,
    CarePlanStatus,
    TimeOff,
    WeeklyBreak,
    WorkingHours,
)
from tests.conftest import client_for
from tests.scheduling.conftest import TUESDAY, Desk, at, book, make_plan

SCRIPT = "<script>alert('x')</script>"


def _slot(desk: Desk, start: dt.datetime, practitioner: Any = None) -> str:
    who = practitioner or desk.world.clinician_a
    return f"{who.public_id}|{desk.location.pk}|{start.isoformat()}"


def _book_post(desk: Desk, **fields: Any) -> Any:
    url = reverse("scheduling:book", args=[desk.world.patient_a.public_id])
    data = {
        "appointment_type": desk.type("initial_evaluation").pk,
        "slot": _slot(desk, at(TUESDAY, 9)),
        **fields,
    }
    return client_for(desk.world.frontdesk_a).post(url, data)


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# The booking page


def test_a_valid_slot_books_and_goes_to_the_appointment(desk: Desk) -> None:
    response = _book_post(desk, note="Prefers the left side")
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("scheduling:appointment", args=[appointment.public_id])
    assert appointment.note == "Prefers the left side"
    assert appointment.booked_by == desk.world.frontdesk_a


@pytest.mark.parametrize(
    ("slot", "reason"),
    [
        ("", "Choose a time."),
        ("garbage", "could not be read"),
        ("a|b", "could not be read"),
        ("x|1|2026-11-24T09:00:00", "could not be read"),  # no zone: a time nobody can place
        ("x|not-a-number|2026-11-24T09:00:00-07:00", "could not be read"),
        ("x|1|not-a-time", "could not be read"),
    ],
)
def test_a_slot_that_cannot_be_read_is_refused_on_the_page(
    desk: Desk, slot: str, reason: str
) -> None:
    response = _book_post(desk, slot=slot)
    assert response.status_code == 422
    assert reason in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_slot_naming_another_clinic_s_clinician_is_refused(desk: Desk) -> None:
    response = _book_post(desk, slot=_slot(desk, at(TUESDAY, 9), desk.world.clinician_b))
    assert response.status_code == 422
    assert "not one this clinic offers" in response.content.decode()
    assert not Appointment.objects.exists()


def test_an_appointment_type_of_another_clinic_is_refused(desk: Desk) -> None:
    from taut.scheduling.models import AppointmentType
    from taut.scheduling.services import setup

    setup.scheduling_defaults_ensure(clinic=desk.world.clinic_b)
    theirs = AppointmentType.objects.for_clinic(desk.world.clinic_b).first()
    assert theirs is not None
    response = _book_post(desk, appointment_type=theirs.pk)
    assert response.status_code == 422
    assert not Appointment.objects.exists()


def test_a_slot_outside_working_hours_is_refused_with_the_reason(desk: Desk) -> None:
    response = _book_post(desk, slot=_slot(desk, at(TUESDAY, 21)))
    assert response.status_code == 422
    assert "no longer free" in response.content.decode()


def test_a_note_over_three_hundred_characters_is_refused(desk: Desk) -> None:
    response = _book_post(desk, note="n" * 301)
    assert response.status_code == 422
    assert not Appointment.objects.exists()


def test_a_note_with_markup_is_shown_as_text(desk: Desk) -> None:
    _book_post(desk, note=SCRIPT)
    appointment = Appointment.objects.get()
    page = client_for(desk.world.clinician_a).get(
        reverse("scheduling:appointment", args=[appointment.public_id])
    )
    text = page.content.decode()
    assert SCRIPT not in text and "&lt;script&gt;" in text


@pytest.mark.parametrize(
    ("day", "reason"),
    [("2026-11-22", "today or a later day"), ("2027-11-24", "at most 365 days ahead")],
)
def test_the_slot_search_refuses_a_day_past_or_too_far(desk: Desk, day: str, reason: str) -> None:
    url = reverse("scheduling:book", args=[desk.world.patient_a.public_id])
    page = client_for(desk.world.frontdesk_a).get(
        url, {"day": day, "appointment_type": str(desk.type("initial_evaluation").pk)}
    )
    assert reason in page.content.decode()


def test_the_slot_search_lists_the_day_s_free_times(desk: Desk) -> None:
    book(desk, at(TUESDAY, 9))
    url = reverse("scheduling:book", args=[desk.world.patient_a.public_id])
    page = client_for(desk.world.frontdesk_a).get(
        url, {"day": "2026-11-24", "appointment_type": str(desk.type("initial_evaluation").pk)}
    )
    values = [value for value, _ in page.context["choices"]]
    assert _slot(desk, at(TUESDAY, 8)) in values
    assert _slot(desk, at(TUESDAY, 9)) not in values  # taken
    assert _slot(desk, at(TUESDAY, 12)) not in values  # lunch


# Cancelling, arriving, moving on the page


def _appointment_page(desk: Desk, appointment: Appointment, action: str, **post: Any) -> Any:
    url = reverse(f"scheduling:{action}", args=[appointment.public_id])
    return client_for(desk.world.frontdesk_a).post(url, post, follow=True)


def test_cancelling_on_the_page_without_a_reason_keeps_the_booking(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    response = _appointment_page(desk, appointment, "cancel", reason="")
    assert any("say why" in m for m in _messages(response))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_a_cancellation_reason_too_long_is_refused_naming_its_length(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    response = _appointment_page(desk, appointment, "cancel", reason="r" * 301)
    assert any("300" in m for m in _messages(response))


def test_cancelling_on_the_page_tells_the_desk_the_class(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    response = _appointment_page(desk, appointment, "cancel", reason="Work")
    assert any("Cancelled (on time)" in m for m in _messages(response))


def test_marking_arrival_twice_on_the_page_shows_the_refusal(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    _appointment_page(desk, appointment, "arrived")
    response = _appointment_page(desk, appointment, "arrived")
    assert any("Only a booked appointment" in m for m in _messages(response))


def test_marking_a_future_visit_missed_on_the_page_shows_the_refusal(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    response = _appointment_page(desk, appointment, "no_show")
    assert any("start has passed" in m for m in _messages(response))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_moving_on_the_page_books_the_new_time_and_cancels_the_old(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    url = reverse("scheduling:move", args=[appointment.public_id])
    response = client_for(desk.world.frontdesk_a).post(
        url,
        {
            "appointment_type": desk.type("initial_evaluation").pk,
            "slot": _slot(desk, at(TUESDAY, 14)),
        },
    )
    moved = Appointment.objects.get(rescheduled_from=appointment)
    assert response["Location"] == reverse("scheduling:appointment", args=[moved.public_id])
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_moving_a_cancelled_appointment_on_the_page_is_refused(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    _appointment_page(desk, appointment, "cancel", reason="Ill")
    url = reverse("scheduling:move", args=[appointment.public_id])
    response = client_for(desk.world.frontdesk_a).post(
        url,
        {
            "appointment_type": desk.type("initial_evaluation").pk,
            "slot": _slot(desk, at(TUESDAY, 14)),
        },
    )
    assert response.status_code == 422
    assert "Only a booked appointment can be moved" in response.content.decode()
    assert Appointment.objects.count() == 1


# Set-up forms


def _setup_post(desk: Desk, name: str, **data: Any) -> Any:
    return client_for(desk.world.owner_a).post(reverse(f"scheduling:{name}"), data)


def test_hours_that_end_before_they_start_name_the_end_field(desk: Desk) -> None:
    response = _setup_post(
        desk,
        "hours_add",
        practitioner=str(desk.world.clinician_a.public_id),
        location=desk.location.pk,
        weekday=5,
        start="12:00",
        end="09:00",
    )
    assert response.status_code == 422
    assert "The hours must end after they start." in response.content.decode()
    assert not WorkingHours.objects.filter(weekday=5).exists()


def test_overlapping_hours_on_the_page_are_refused_with_the_reason(desk: Desk) -> None:
    response = client_for(desk.world.owner_a).post(
        reverse("scheduling:hours_add"),
        {
            "practitioner": str(desk.world.clinician_a.public_id),
            "location": desk.location.pk,
            "weekday": 1,
            "start": "16:00",
            "end": "18:00",
        },
        follow=True,
    )
    assert any("overlap" in m for m in _messages(response))
    assert WorkingHours.objects.filter(weekday=1).count() == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("hours_add", {"weekday": 9, "start": "09:00", "end": "10:00"}),
        ("hours_add", {"weekday": 5, "start": "nine", "end": "10:00"}),
        ("break_add", {"weekday": 5, "start": "10:00", "end": "10:00"}),
        ("time_off_add", {"first_day": "2026-12-10", "last_day": "2026-12-09"}),
        ("time_off_add", {"first_day": "someday", "last_day": "2026-12-09"}),
        (
            "time_off_add",
            {"first_day": "2026-12-10", "last_day": "2026-12-10", "reason": "r" * 121},
        ),
    ],
)
def test_set_up_entries_that_make_no_sense_are_refused(
    desk: Desk, name: str, data: dict[str, Any]
) -> None:
    before = (WorkingHours.objects.count(), WeeklyBreak.objects.count(), TimeOff.objects.count())
    response = _setup_post(
        desk,
        name,
        practitioner=str(desk.world.clinician_a.public_id),
        location=desk.location.pk,
        **data,
    )
    assert response.status_code == 422
    after = (WorkingHours.objects.count(), WeeklyBreak.objects.count(), TimeOff.objects.count())
    assert after == before


def test_set_up_for_someone_who_is_not_a_clinician_is_refused(desk: Desk) -> None:
    response = _setup_post(
        desk,
        "break_add",
        practitioner=str(desk.world.frontdesk_a.public_id),
        weekday=5,
        start="10:00",
        end="11:00",
    )
    assert response.status_code == 422
    assert not WeeklyBreak.objects.filter(weekday=5).exists()


def test_time_off_reason_with_markup_is_shown_as_text(desk: Desk) -> None:
    _setup_post(
        desk,
        "time_off_add",
        practitioner=str(desk.world.clinician_a.public_id),
        first_day="2026-12-10",
        last_day="2026-12-10",
        reason="<b>x</b>",
    )
    page = client_for(desk.world.owner_a).get(reverse("scheduling:setup")).content.decode()
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


@pytest.mark.parametrize(
    "data",
    [
        {"cancellation_notice_hours": "337"},
        {"days_ahead": "0"},
        {"days_ahead": "366"},
        {"reminder_hours": "0"},
        {"late_fee": "-1"},
        {"min_notice_minutes": "-5"},
    ],
)
def test_a_booking_policy_out_of_bounds_is_not_saved(desk: Desk, data: dict[str, str]) -> None:
    from taut.scheduling.availability import policy_for

    valid = {
        "online_booking": "on",
        "min_notice_minutes": "120",
        "days_ahead": "60",
        "cancellation_notice_hours": "24",
        "late_fee": "",
        "reminder_hours": "24",
    }
    before = policy_for(desk.world.clinic_a)
    response = _setup_post(desk, "policy", **{**valid, **data})
    assert response.status_code == 422
    after = policy_for(desk.world.clinic_a)
    assert (after.cancellation_notice_hours, after.days_ahead, after.reminder_hours) == (
        before.cancellation_notice_hours,
        before.days_ahead,
        before.reminder_hours,
    )


# Care plans on the page


def _plan_post(desk: Desk, **fields: Any) -> Any:
    url = reverse("scheduling:plan_new", args=[desk.world.patient_a.public_id])
    data = {
        "goals": "Sleep through the night",
        "conditions": ["neck_shoulder_pain"],
        "planned_sessions": 4,
        "per_week": 1,
        "starts_on": "2026-11-23",
        "reassess_at": "",
        **fields,
    }
    return client_for(desk.world.clinician_a).post(url, data)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"goals": "  \n \n"}, "Goals: "),
        ({"reassess_at": "2, three"}, "whole session numbers"),
        ({"reassess_at": "0, 2"}, "between 1 and 4"),
        ({"reassess_at": "5"}, "between 1 and 4"),
        ({"conditions": ["not_a_condition"]}, "Conditions treated: "),
    ],
)
def test_a_care_plan_the_form_refuses_is_not_saved(
    desk: Desk, fields: dict[str, Any], reason: str
) -> None:
    response = _plan_post(desk, **fields)
    assert response.status_code == 422
    assert reason in response.content.decode()
    assert not CarePlan.objects.exists()


def test_reassessment_points_are_read_in_order_without_repeats(desk: Desk) -> None:
    response = _plan_post(desk, reassess_at="4; 2, 2")
    assert response.status_code == 302
    assert CarePlan.objects.get().reassess_at == [2, 4]


def test_goals_with_markup_are_shown_as_text(desk: Desk) -> None:
    _plan_post(desk, goals=SCRIPT)
    plan = CarePlan.objects.get()
    page = client_for(desk.world.owner_a).get(reverse("scheduling:plan", args=[plan.public_id]))
    text = page.content.decode()
    assert SCRIPT not in text and "&lt;script&gt;" in text


def test_closing_a_plan_with_an_unknown_status_leaves_it_active(desk: Desk) -> None:
    plan = make_plan(desk.world)
    url = reverse("scheduling:plan_close", args=[plan.public_id])
    response = client_for(desk.world.clinician_a).post(
        url, {"status": "deleted", "note": "x"}, follow=True
    )
    assert any("discharged or discontinued" in m for m in _messages(response))
    plan.refresh_from_db()
    assert plan.status == CarePlanStatus.ACTIVE


def test_booking_follow_ups_with_a_bad_count_names_the_field(desk: Desk) -> None:
    plan = make_plan(desk.world)
    url = reverse("scheduling:plan_book", args=[plan.public_id])
    response = client_for(desk.world.frontdesk_a).post(
        url,
        {
            "practitioner": str(desk.world.clinician_a.public_id),
            "appointment_type": desk.type("initial_evaluation").pk,
            "first_day": "2026-11-24",
            "time": "09:00",
            "sessions": "0",
        },
        follow=True,
    )
    assert any(m.startswith("How many follow-ups:") for m in _messages(response))
    assert not Appointment.objects.exists()
