"""A series from a care plan: each proposed visit with its conflict, a choice per conflict,
all booked in one transaction; then one visit, or it and all that follow, moved or cancelled."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from taut.scheduling.models import Appointment, AppointmentStatus, Series
from taut.scheduling.services import appointment_reschedule
from taut.scheduling.services.booking import BookingRefused
from taut.scheduling.services.series import (
    SKIP,
    SeriesSpec,
    series_book,
    series_cancel_following,
    series_move_following,
    series_preview,
)
from tests.conftest import make_patient
from tests.scheduling.conftest import NOW, THANKSGIVING, TUESDAY, Desk, at, book, make_plan

MONDAY = TUESDAY - dt.timedelta(days=1)


def spec(desk: Desk, **fields: Any) -> SeriesSpec:
    defaults: dict[str, Any] = {
        "appointment_type": desk.type("initial_evaluation"),
        "practitioner": desk.world.clinician_a,
        "first_day": TUESDAY,
        "time": dt.time(10),
        "weekdays": [TUESDAY.weekday(), THANKSGIVING.weekday()],
        "count": 4,
    }
    return SeriesSpec(**{**defaults, **fields})


def test_the_preview_names_each_conflict_and_offers_the_nearest_free_time(desk: Desk) -> None:
    plan = make_plan(desk.world)
    other = make_patient(desk.world.clinic_a, "Byron", "Lovelace")
    book(desk, at(TUESDAY + dt.timedelta(days=7), 10), patient=other)
    visits = series_preview(plan=plan, spec=spec(desk), now=NOW)
    assert [v.starts_at for v in visits] == [
        at(TUESDAY, 10),
        at(THANKSGIVING, 10),
        at(TUESDAY + dt.timedelta(days=7), 10),
        at(THANKSGIVING + dt.timedelta(days=7), 10),
    ]
    assert [v.conflict.split(":")[0] for v in visits] == [
        "",
        "holiday or time off",
        "double booking",
        "",
    ]
    assert visits[1].nearest is None  # the whole day is off
    assert visits[2].nearest is not None and visits[2].nearest != visits[2].starts_at


def test_the_preview_flags_breaks_and_hours(desk: Desk) -> None:
    plan = make_plan(desk.world)
    lunch = series_preview(plan=plan, spec=spec(desk, time=dt.time(12), count=1), now=NOW)
    evening = series_preview(plan=plan, spec=spec(desk, time=dt.time(18), count=1), now=NOW)
    assert lunch[0].conflict == "during a break"
    assert evening[0].conflict == "outside working hours"


def test_booking_skips_and_moves_as_chosen_in_one_series(desk: Desk) -> None:
    plan = make_plan(desk.world)
    other = make_patient(desk.world.clinic_a, "Byron", "Lovelace")
    book(desk, at(TUESDAY + dt.timedelta(days=7), 10), patient=other)
    visits = series_preview(plan=plan, spec=spec(desk), now=NOW)
    assert visits[2].nearest is not None
    series = series_book(
        request=None,
        actor=desk.world.frontdesk_a,
        plan=plan,
        spec=spec(desk),
        choices={2: SKIP, 3: visits[2].nearest.isoformat()},
        now=NOW,
    )
    starts = [a.starts_at for a in series.appointments.order_by("starts_at")]
    assert starts == [at(TUESDAY, 10), visits[2].nearest, at(THANKSGIVING + dt.timedelta(7), 10)]
    assert all(a.care_plan == plan for a in series.appointments.all())


def test_a_conflict_left_unchosen_books_nothing(desk: Desk) -> None:
    plan = make_plan(desk.world)
    with pytest.raises(BookingRefused) as refused:
        series_book(
            request=None,
            actor=desk.world.frontdesk_a,
            plan=plan,
            spec=spec(desk),
            choices={},
            now=NOW,
        )
    assert refused.value.reasons[0].startswith("Visit 2 (")
    assert not Appointment.objects.exists() and not Series.objects.exists()


def test_three_weekdays_are_refused_naming_the_field(desk: Desk) -> None:
    plan = make_plan(desk.world)
    with pytest.raises(BookingRefused) as refused:
        series_preview(plan=plan, spec=spec(desk, weekdays=[0, 1, 2]), now=NOW)
    assert refused.value.reasons[0].startswith("Days:")


def _weekly(desk: Desk) -> Series:
    plan = make_plan(desk.world)
    return series_book(
        request=None,
        actor=desk.world.frontdesk_a,
        plan=plan,
        spec=spec(desk, weekdays=[MONDAY.weekday()], first_day=TUESDAY, count=3),
        choices={},
        now=NOW,
    )


def test_cancelling_this_and_all_following_leaves_the_earlier_visits(desk: Desk) -> None:
    first, second, third = _weekly(desk).appointments.order_by("starts_at")
    series_cancel_following(
        request=None, actor=desk.world.frontdesk_a, appointment=second, reason="Away", now=NOW
    )
    statuses = [a.status for a in Appointment.objects.order_by("starts_at")]
    assert statuses == [AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED, "cancelled"]


def test_moving_this_and_all_following_shifts_each_by_the_same_time(desk: Desk) -> None:
    series = _weekly(desk)
    first, second, third = series.appointments.order_by("starts_at")
    series_move_following(
        request=None,
        actor=desk.world.frontdesk_a,
        appointment=second,
        starts_at=second.starts_at + dt.timedelta(hours=4),
        now=NOW,
    )
    held = series.appointments.filter(status=AppointmentStatus.BOOKED).order_by("starts_at")
    hours = [a.starts_at.astimezone(first.zone).hour for a in held]
    assert hours == [10, 14, 14]


def test_a_move_that_cannot_fit_moves_none(desk: Desk) -> None:
    series = _weekly(desk)
    first, second, third = series.appointments.order_by("starts_at")
    with pytest.raises(BookingRefused):
        series_move_following(
            request=None,
            actor=desk.world.frontdesk_a,
            appointment=second,
            starts_at=second.starts_at + dt.timedelta(hours=2),  # 12:00, the lunch break
            now=NOW,
        )
    assert series.appointments.filter(status=AppointmentStatus.BOOKED).count() == 3


def test_a_visit_moved_on_its_own_stays_in_the_series(desk: Desk) -> None:
    series = _weekly(desk)
    first = series.appointments.order_by("starts_at").first()
    assert first is not None
    moved = appointment_reschedule(
        request=None,
        actor=desk.world.frontdesk_a,
        appointment=first,
        starts_at=first.starts_at + dt.timedelta(hours=5),
        practitioner=first.practitioner,
        location=first.location,
        channel="desk",  # type: ignore[arg-type]
        now=NOW,
    )
    assert series.appointments.filter(pk=moved.pk).exists()
