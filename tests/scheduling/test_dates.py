"""Edge dates and times of booking: the last slot of the day, breaks and time off on their
boundaries, notice periods exactly at the limit, and the days the clocks change in Denver."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from taut.scheduling.availability import free_slots_for
from taut.scheduling.models import Appointment, BookingChannel, BookingPolicy
from taut.scheduling.services import (
    BookingRefused,
    appointment_cancel,
    appointment_mark_no_show,
    setup,
)
from tests.conftest import client_for
from tests.scheduling.conftest import NOW, THANKSGIVING, TUESDAY, Desk, at, book

DENVER = ZoneInfo("America/Denver")
UTC = dt.UTC
WEDNESDAY, FRIDAY = TUESDAY + dt.timedelta(days=1), THANKSGIVING + dt.timedelta(days=1)
NEW_YEARS_EVE = dt.date(2026, 12, 31)  # a Thursday
SPRING_FORWARD = dt.date(2027, 3, 14)  # a Sunday: 02:00 MST becomes 03:00 MDT
FALL_BACK = dt.date(2026, 11, 1)  # a Sunday: 02:00 MDT becomes 01:00 MST


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A wall-clock time in Denver, whatever its offset that day."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=DENVER)


def _starts(desk: Desk, day: dt.date, kind: str = "initial_evaluation", **extra: Any) -> list[Any]:
    found = free_slots_for(
        clinic=desk.world.clinic_a,
        appointment_type=desk.type(kind),
        day=day,
        now=extra.pop("now", NOW),
        practitioners=[desk.world.clinician_a],
        **extra,
    )
    return [f.slot.start for f in found]


def _sunday_hours(desk: Desk) -> None:
    setup.working_hours_add(
        request=None,
        actor=desk.world.owner_a,
        clinic=desk.world.clinic_a,
        practitioner=desk.world.clinician_a,
        location=desk.location,
        weekday=6,
        start=dt.time(8),
        end=dt.time(17),
    )


# The working day's edges


def test_the_last_slot_of_the_day_ends_exactly_at_closing(desk: Desk) -> None:
    last = book(desk, at(TUESDAY, 16, 15))  # 45 minutes: ends at 17:00
    assert last.ends_at == at(TUESDAY, 17)
    with pytest.raises(BookingRefused, match="no longer free"):
        book(desk, at(TUESDAY, 16, 30), patient=_other_patient(desk))


def test_a_short_visit_fits_after_the_last_long_one(desk: Desk) -> None:
    starts = _starts(desk, TUESDAY, "dry_needling")
    assert max(starts) == at(TUESDAY, 16, 45)
    assert min(starts) == at(TUESDAY, 8)


def test_a_visit_may_end_as_the_lunch_break_starts_and_start_as_it_ends(desk: Desk) -> None:
    starts = _starts(desk, TUESDAY)
    assert at(TUESDAY, 11, 15) in starts and at(TUESDAY, 13) in starts
    assert at(TUESDAY, 11, 30) not in starts and at(TUESDAY, 12, 45) not in starts


def test_a_booking_blocks_exactly_its_own_time(desk: Desk) -> None:
    book(desk, at(TUESDAY, 9))
    starts = _starts(desk, TUESDAY)
    assert at(TUESDAY, 8, 15) in starts  # ends 09:00, as the booking starts
    assert at(TUESDAY, 9, 45) in starts  # starts as the booking ends
    assert at(TUESDAY, 8, 30) not in starts and at(TUESDAY, 9, 30) not in starts


# Time off


def test_a_whole_day_off_leaves_the_days_around_it_open(desk: Desk) -> None:
    assert _starts(desk, THANKSGIVING) == []
    assert at(WEDNESDAY, 16, 15) in _starts(desk, WEDNESDAY)
    assert at(FRIDAY, 8) in _starts(desk, FRIDAY)


def test_time_off_across_several_days_blocks_each_of_them_up_to_its_minute(desk: Desk) -> None:
    first, last = dt.date(2026, 12, 1), dt.date(2026, 12, 3)
    setup.time_off_add(
        request=None,
        actor=desk.world.owner_a,
        clinic=desk.world.clinic_a,
        practitioner=desk.world.clinician_a,
        starts_at=at(first, 11),
        ends_at=at(last, 10),
        reason="Course",
    )
    assert max(_starts(desk, first)) == at(first, 10, 15)
    assert _starts(desk, first + dt.timedelta(days=1)) == []
    assert min(_starts(desk, last)) == at(last, 10)


def test_time_off_of_one_clinician_leaves_others_bookable(
    desk: Desk, django_user_model: Any
) -> None:
    from taut.clinics.models import Membership
    from taut.clinics.roles import Role
    from tests.conftest import make_user

    colleague = make_user(django_user_model, "colleague")
    Membership.objects.create(clinic=desk.world.clinic_a, user=colleague, role=Role.CLINICIAN)
    setup.working_hours_add(
        request=None,
        actor=desk.world.owner_a,
        clinic=desk.world.clinic_a,
        practitioner=colleague,
        location=desk.location,
        weekday=THANKSGIVING.weekday(),
        start=dt.time(9),
        end=dt.time(12),
    )
    found = free_slots_for(
        clinic=desk.world.clinic_a,
        appointment_type=desk.type("initial_evaluation"),
        day=THANKSGIVING,
        now=NOW,
        practitioners=[desk.world.clinician_a, colleague],
    )
    assert {f.practitioner for f in found} == {colleague}


def test_time_off_entered_on_the_page_covers_the_last_day_to_midnight(desk: Desk) -> None:
    client = client_for(desk.world.owner_a)
    response = client.post(
        reverse("scheduling:time_off_add"),
        {
            "practitioner": str(desk.world.clinician_a.public_id),
            "first_day": "2026-12-08",
            "last_day": "2026-12-09",
            "reason": "Conference",
        },
    )
    assert response.status_code == 302
    assert _starts(desk, dt.date(2026, 12, 8)) == [] and _starts(desk, dt.date(2026, 12, 9)) == []
    assert _starts(desk, dt.date(2026, 12, 10))


# Notice periods exactly at the limit


def test_an_online_booking_exactly_at_the_minimum_notice_is_taken(desk: Desk) -> None:
    # NOW is 08:00; the clinic asks for two hours' notice online.
    assert book(desk, at(NOW.date(), 10), channel=BookingChannel.ONLINE).pk
    with pytest.raises(BookingRefused, match="no longer free"):
        book(
            desk, at(NOW.date(), 9, 45), channel=BookingChannel.ONLINE, patient=_other_patient(desk)
        )


def test_the_clinic_s_own_notice_period_is_the_one_applied_online(desk: Desk) -> None:
    BookingPolicy.objects.update_or_create(
        clinic=desk.world.clinic_a, defaults={"min_notice_minutes": 24 * 60}
    )
    with pytest.raises(BookingRefused, match="no longer free"):
        book(desk, at(NOW.date(), 16, 15), channel=BookingChannel.ONLINE)
    assert book(desk, at(TUESDAY, 8), channel=BookingChannel.ONLINE).pk  # exactly a day ahead
    at_the_desk = book(desk, at(NOW.date(), 16, 15), patient=_other_patient(desk))
    assert at_the_desk.channel == BookingChannel.DESK  # the desk books inside the notice


@pytest.mark.parametrize(
    ("cancelled_at", "outcome", "fee"),
    [
        (at(TUESDAY - dt.timedelta(days=1), 9), "on_time", None),  # exactly 24 hours before
        (at(TUESDAY - dt.timedelta(days=1), 9, 1), "late", Decimal("30.00")),
        (at(TUESDAY, 9), "late", Decimal("30.00")),  # at the start itself
    ],
)
def test_a_cancellation_on_the_notice_deadline_is_in_time(
    desk: Desk, cancelled_at: dt.datetime, outcome: str, fee: Decimal | None
) -> None:
    BookingPolicy.objects.update_or_create(
        clinic=desk.world.clinic_a, defaults={"late_fee": Decimal("30.00")}
    )
    appointment = book(desk, at(TUESDAY, 9))
    cancelled = appointment_cancel(
        request=None,
        actor=desk.world.frontdesk_a,
        appointment=appointment,
        reason="Car trouble",
        now=cancelled_at,
    )
    assert (cancelled.cancellation_class, cancelled.fee) == (outcome, fee)


def test_a_visit_is_missed_only_after_its_start_minute(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    with pytest.raises(BookingRefused, match="start has passed"):
        appointment_mark_no_show(
            request=None, actor=desk.world.frontdesk_a, appointment=appointment, now=at(TUESDAY, 9)
        )
    missed = appointment_mark_no_show(
        request=None,
        actor=desk.world.frontdesk_a,
        appointment=appointment,
        now=at(TUESDAY, 9) + dt.timedelta(seconds=1),
    )
    assert missed.cancellation_class == "no_show"


# The days the clocks change


def test_on_the_spring_forward_sunday_hours_keep_their_wall_clock_times(desk: Desk) -> None:
    _sunday_hours(desk)
    starts = _starts(desk, SPRING_FORWARD)
    assert min(starts) == local(SPRING_FORWARD, 8)
    assert min(starts).astimezone(UTC).hour == 14  # 08:00 MDT
    assert max(starts) == local(SPRING_FORWARD, 16, 15)
    ordinary_sunday = _starts(desk, SPRING_FORWARD - dt.timedelta(days=7))
    assert len(starts) == len(ordinary_sunday)
    assert min(ordinary_sunday).astimezone(UTC).hour == 15  # 08:00 MST


def test_on_the_fall_back_sunday_hours_keep_their_wall_clock_times(desk: Desk) -> None:
    _sunday_hours(desk)
    before = dt.datetime(2026, 10, 30, 12, tzinfo=UTC)
    starts = _starts(desk, FALL_BACK, now=before)
    assert min(starts) == local(FALL_BACK, 8)
    assert min(starts).astimezone(UTC).hour == 15  # 08:00 MST, the day's new offset
    assert max(starts) == local(FALL_BACK, 16, 15)
    saturday_before = _starts(desk, FALL_BACK + dt.timedelta(days=7), now=before)
    assert len(starts) == len(saturday_before)


def test_a_booking_on_the_spring_forward_sunday_lasts_its_minutes(desk: Desk) -> None:
    _sunday_hours(desk)
    appointment = book(desk, local(SPRING_FORWARD, 8))
    assert appointment.ends_at - appointment.starts_at == dt.timedelta(minutes=45)
    assert appointment.ends_at.astimezone(DENVER).hour == 8


# The turn of the month and the year


def test_the_last_visit_of_the_year_shows_on_new_year_s_eve_not_new_year_s_day(
    desk: Desk,
) -> None:
    appointment = book(desk, at(NEW_YEARS_EVE, 16, 15))
    assert appointment.ends_at.astimezone(UTC).date() == dt.date(2027, 1, 1)
    client = client_for(desk.world.frontdesk_a)
    eve = client.get(reverse("scheduling:day"), {"date": "2026-12-31"}).content.decode()
    new_year = client.get(reverse("scheduling:day"), {"date": "2027-01-01"}).content.decode()
    detail = reverse("scheduling:appointment", args=[appointment.public_id])
    assert detail in eve and detail not in new_year


def test_the_week_view_across_the_new_year_runs_monday_to_sunday(desk: Desk) -> None:
    appointment = book(desk, at(NEW_YEARS_EVE, 9))
    page = client_for(desk.world.frontdesk_a).get(
        reverse("scheduling:week"), {"date": "2027-01-01"}
    )
    assert page.context["monday"] == dt.date(2026, 12, 28)
    assert reverse("scheduling:appointment", args=[appointment.public_id]) in page.content.decode()


def test_a_booking_on_the_last_day_of_a_month_is_kept_on_that_day(desk: Desk) -> None:
    last_of_november = dt.date(2026, 11, 30)  # a Monday
    appointment = book(desk, at(last_of_november, 16, 15))
    assert appointment.starts_at.astimezone(DENVER).date() == last_of_november


def test_a_mistyped_date_on_the_day_page_shows_today(desk: Desk) -> None:
    client = client_for(desk.world.frontdesk_a)
    for value in ("2026-02-30", "yesterday", "", "2026-13-01"):
        response = client.get(reverse("scheduling:day"), {"date": value})
        assert response.status_code == 200, value
        assert response.context["day"] == NOW.date(), value


def _other_patient(desk: Desk) -> Any:
    from tests.conftest import make_patient

    return make_patient(desk.world.clinic_a, "Grace", "Hopper")


def test_no_booking_is_made_by_a_refused_edge_time(desk: Desk) -> None:
    with pytest.raises(BookingRefused):
        book(desk, at(TUESDAY, 16, 30))
    assert not Appointment.objects.exists()
