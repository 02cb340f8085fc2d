"""Scheduling reads: which day a booking belongs to in the clinic's zone (midnight, DST days,
the year's turn), a patient's upcoming and past visits, feeds, care-plan progress, and scoping."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.http import Http404

from taut.clinics.models import Location, Membership
from taut.scheduling.models import (
    Appointment,
    AppointmentStatus,
    BookingChannel,
    CalendarFeed,
    CarePlan,
)
from taut.scheduling.selectors import (
    PlanProgress,
    appointment_of_patient,
    appointments_of_patient,
    care_plan_active,
    day_schedule,
    feed_appointments,
    feed_of,
    get_appointment_for,
    get_care_plan_for,
    online_booking_just_made,
    week_schedule,
)
from taut.scheduling.services import appointment_cancel, appointment_mark_no_show, setup
from tests.conftest import make_patient
from tests.scheduling.conftest import NOW, TUESDAY, Desk, at, book, make_plan

DENVER = ZoneInfo("America/Denver")
FALL_BACK = dt.date(2026, 11, 1)


def _placed(desk: Desk, starts_at: dt.datetime, minutes: int = 30, **extra: Any) -> Appointment:
    """A booking written straight to the table: for times no working hours cover."""
    return Appointment.objects.create(
        clinic=desk.world.clinic_a,
        patient=extra.pop("patient", desk.world.patient_a),
        practitioner=extra.pop("practitioner", desk.world.clinician_a),
        location=extra.pop("location", desk.location),
        appointment_type=desk.type("initial_evaluation"),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        blocked_until=starts_at + dt.timedelta(minutes=minutes),
        channel=BookingChannel.DESK,
        booked_by=desk.world.frontdesk_a,
        **extra,
    )


def _day(desk: Desk, day: dt.date, **extra: Any) -> list[Appointment]:
    (column,) = day_schedule(
        clinic=desk.world.clinic_a, day=day, practitioners=[desk.world.clinician_a], **extra
    )
    return column.appointments


# Which day a booking is on


def test_a_booking_at_local_midnight_belongs_to_the_day_it_starts(desk: Desk) -> None:
    midnight = _placed(desk, dt.datetime(2026, 12, 2, 0, 0, tzinfo=DENVER))
    late = _placed(desk, dt.datetime(2026, 12, 1, 23, 30, tzinfo=DENVER))
    assert _day(desk, dt.date(2026, 12, 2)) == [midnight]
    assert _day(desk, dt.date(2026, 12, 1)) == [late]


def test_the_fall_back_day_holds_all_twenty_five_of_its_hours(desk: Desk) -> None:
    first_hour = _placed(desk, dt.datetime(2026, 11, 1, 0, 15, tzinfo=DENVER))
    repeated = _placed(desk, dt.datetime(2026, 11, 1, 8, 30, tzinfo=dt.UTC))  # 01:30 MST
    last = _placed(desk, dt.datetime(2026, 11, 1, 23, 15, tzinfo=DENVER))
    assert _day(desk, FALL_BACK) == [first_hour, repeated, last]
    assert _day(desk, FALL_BACK + dt.timedelta(days=1)) == []


def test_the_spring_forward_day_ends_at_its_own_midnight(desk: Desk) -> None:
    last = _placed(desk, dt.datetime(2027, 3, 14, 23, 15, tzinfo=DENVER))
    next_day = _placed(desk, dt.datetime(2027, 3, 15, 0, 0, tzinfo=DENVER))
    assert _day(desk, dt.date(2027, 3, 14)) == [last]
    assert _day(desk, dt.date(2027, 3, 15)) == [next_day]


def test_the_day_lists_cancelled_bookings_too_in_time_order(desk: Desk) -> None:
    later = book(desk, at(TUESDAY, 14))
    earlier = book(desk, at(TUESDAY, 9))
    appointment_cancel(
        request=None, actor=desk.world.frontdesk_a, appointment=later, reason="Ill", now=NOW
    )
    listed = _day(desk, TUESDAY)
    assert [a.pk for a in listed] == [earlier.pk, later.pk]
    assert listed[1].status == AppointmentStatus.CANCELLED


def test_the_day_can_be_narrowed_to_one_location(desk: Desk) -> None:
    annex = Location.objects.create(clinic=desk.world.clinic_a, name="Annex")
    here = _placed(desk, at(TUESDAY, 9))
    there = _placed(desk, at(TUESDAY, 10), location=annex)
    assert _day(desk, TUESDAY, location=annex) == [there]
    assert _day(desk, TUESDAY, location=desk.location) == [here]


def test_the_day_has_a_column_for_each_clinician_even_an_idle_one(
    desk: Desk, django_user_model: Any
) -> None:
    from taut.clinics.roles import Role
    from tests.conftest import make_user

    idle = make_user(django_user_model, "idle")
    Membership.objects.create(clinic=desk.world.clinic_a, user=idle, role=Role.CLINICIAN)
    book(desk, at(TUESDAY, 9))
    columns = day_schedule(
        clinic=desk.world.clinic_a, day=TUESDAY, practitioners=[desk.world.clinician_a, idle]
    )
    assert [len(c.appointments) for c in columns] == [1, 0]


def test_another_clinic_s_bookings_never_reach_a_clinic_s_day(desk: Desk) -> None:
    book(desk, at(TUESDAY, 9))
    columns = day_schedule(
        clinic=desk.world.clinic_b, day=TUESDAY, practitioners=[desk.world.clinician_a]
    )
    assert columns[0].appointments == []


def test_the_week_across_the_new_year_puts_each_visit_on_its_local_day(desk: Desk) -> None:
    eve = _placed(desk, dt.datetime(2026, 12, 31, 22, 0, tzinfo=DENVER))  # 05:00 UTC on the 1st
    new_year = _placed(desk, dt.datetime(2027, 1, 1, 9, 0, tzinfo=DENVER))
    sunday = _placed(desk, dt.datetime(2027, 1, 3, 23, 30, tzinfo=DENVER))
    week = dict(
        week_schedule(
            clinic=desk.world.clinic_a,
            practitioner=desk.world.clinician_a,
            monday=dt.date(2026, 12, 28),
        )
    )
    assert list(week) == [dt.date(2026, 12, 28) + dt.timedelta(days=i) for i in range(7)]
    assert week[dt.date(2026, 12, 31)] == [eve]
    assert week[dt.date(2027, 1, 1)] == [new_year]
    assert week[dt.date(2027, 1, 3)] == [sunday]


def test_the_week_of_the_fall_back_keeps_the_repeated_hour_on_sunday(desk: Desk) -> None:
    repeated = _placed(desk, dt.datetime(2026, 11, 1, 8, 30, tzinfo=dt.UTC))
    week = dict(
        week_schedule(
            clinic=desk.world.clinic_a,
            practitioner=desk.world.clinician_a,
            monday=dt.date(2026, 10, 26),
        )
    )
    assert week[FALL_BACK] == [repeated]


# A patient's visits


def test_upcoming_and_past_visits_are_split_at_now(desk: Desk) -> None:
    past = _placed(desk, at(NOW.date(), 7))
    starting_now = book(desk, at(NOW.date(), 8))
    future = book(desk, at(TUESDAY, 9))
    cancelled_future = book(desk, at(TUESDAY, 14))
    appointment_cancel(
        request=None,
        actor=desk.world.frontdesk_a,
        appointment=cancelled_future,
        reason="x",
        now=NOW,
    )
    split = appointments_of_patient(patient=desk.world.patient_a, now=NOW)
    assert [a.pk for a in split.upcoming] == [starting_now.pk, future.pk]
    assert {a.pk for a in split.past} == {past.pk, cancelled_future.pk}


def test_late_cancellations_and_missed_visits_are_counted(desk: Desk) -> None:
    from decimal import Decimal

    from taut.scheduling.models import BookingPolicy

    BookingPolicy.objects.update_or_create(
        clinic=desk.world.clinic_a, defaults={"late_fee": Decimal("10.00")}
    )
    late = book(desk, at(TUESDAY, 9))
    appointment_cancel(
        request=None, actor=desk.world.frontdesk_a, appointment=late, reason="x", now=at(TUESDAY, 8)
    )
    missed = book(desk, at(TUESDAY, 14))
    appointment_mark_no_show(
        request=None, actor=desk.world.frontdesk_a, appointment=missed, now=at(TUESDAY, 15)
    )
    on_time = book(desk, at(dt.date(2026, 11, 30), 9))
    appointment_cancel(
        request=None, actor=desk.world.frontdesk_a, appointment=on_time, reason="x", now=NOW
    )
    split = appointments_of_patient(patient=desk.world.patient_a, now=at(TUESDAY, 16))
    assert (split.late_cancellations, split.missed) == (1, 1)


def test_another_patient_s_appointment_is_not_found_through_this_patient(desk: Desk) -> None:
    sibling = make_patient(desk.world.clinic_a, "Byron", "Lovelace")
    theirs = book(desk, at(TUESDAY, 9), patient=sibling)
    with pytest.raises(Http404):
        appointment_of_patient(patient=desk.world.patient_a, public_id=theirs.public_id)
    assert appointment_of_patient(patient=sibling, public_id=theirs.public_id) == theirs


def test_appointments_and_plans_of_another_clinic_are_not_found(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    plan = make_plan(desk.world)
    theirs = Membership.objects.get(user=desk.world.owner_b)
    with pytest.raises(Http404):
        get_appointment_for(membership=theirs, public_id=appointment.public_id)
    with pytest.raises(Http404):
        get_care_plan_for(membership=theirs, public_id=plan.public_id)


@pytest.mark.parametrize("value", [None, "", "not-a-uuid", "6f1d3c2e-9b7a-4c1e-8d2f-3a4b5c6d7e8f"])
def test_a_confirmation_for_an_unknown_booking_shows_nothing(desk: Desk, value: Any) -> None:
    assert online_booking_just_made(clinic=desk.world.clinic_a, public_id=value) is None


def test_a_confirmation_is_never_shown_at_another_clinic(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    assert (
        online_booking_just_made(clinic=desk.world.clinic_b, public_id=appointment.public_id)
        is None
    )
    assert online_booking_just_made(clinic=desk.world.clinic_a, public_id=appointment.public_id)


# Feeds


def test_a_feed_of_a_deactivated_clinician_stops_working(desk: Desk) -> None:
    feed = setup.calendar_feed_renew(
        request=None, actor=desk.world.clinician_a, clinic=desk.world.clinic_a
    )
    assert feed_of(token=feed.token) == feed
    desk.world.clinician_a.is_active = False
    desk.world.clinician_a.save()
    with pytest.raises(Http404):
        feed_of(token=feed.token)


def test_a_renewed_feed_s_old_token_is_not_found(desk: Desk) -> None:
    old = setup.calendar_feed_renew(
        request=None, actor=desk.world.clinician_a, clinic=desk.world.clinic_a
    )
    setup.calendar_feed_renew(
        request=None, actor=desk.world.clinician_a, clinic=desk.world.clinic_a
    )
    with pytest.raises(Http404):
        feed_of(token=old.token)
    assert CalendarFeed.objects.count() == 1


def test_a_feed_reaches_thirty_days_back_and_a_year_ahead(desk: Desk) -> None:
    feed = setup.calendar_feed_renew(
        request=None, actor=desk.world.clinician_a, clinic=desk.world.clinic_a
    )
    inside_back = _placed(desk, NOW - dt.timedelta(days=30))
    _placed(desk, NOW - dt.timedelta(days=30, minutes=30))
    inside_ahead = _placed(desk, NOW + dt.timedelta(days=365) - dt.timedelta(minutes=30))
    _placed(desk, NOW + dt.timedelta(days=365))
    assert feed_appointments(feed=feed, now=NOW) == [inside_back, inside_ahead]


# Care plans


def test_the_active_plan_is_the_latest_one_not_closed(desk: Desk) -> None:
    assert care_plan_active(patient=desk.world.patient_a) is None
    make_plan(desk.world)
    newer = make_plan(desk.world, planned_sessions=6)
    assert care_plan_active(patient=desk.world.patient_a) == newer


@pytest.mark.parametrize(
    ("done", "remaining", "next_point", "due", "percent"),
    [
        (0, 6, 3, False, 0),
        (3, 3, 6, True, 50),
        (4, 2, 6, False, 67),
        (6, 0, None, True, 100),
        (8, 0, None, False, 100),  # more sessions than planned: never negative, never over 100
    ],
)
def test_plan_progress_counts_towards_reassessment(
    done: int, remaining: int, next_point: int | None, due: bool, percent: int
) -> None:
    plan = CarePlan(planned_sessions=6, reassess_at=[6, 3])
    progress = PlanProgress(plan, done, [])
    assert progress.remaining == remaining
    assert progress.next_reassessment == next_point
    assert progress.reassessment_due is due
    assert progress.percent == percent
