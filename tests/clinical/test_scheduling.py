"""Scheduling rules: types, free slots (DST included), booking refusals, cancellations, courses."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taut.clinical.scheduling import (
    DEFAULT_TYPES,
    AppointmentKind,
    AppointmentType,
    Break,
    Busy,
    CancellationClass,
    CancellationPolicy,
    SchedulingError,
    Slot,
    TimeOff,
    WorkingHours,
    booking_refusals,
    cancellation_fee_applies,
    classify_cancellation,
    free_slots,
    local_instant,
    overlaps,
    propose_follow_ups,
)

LONDON = ZoneInfo("Europe/London")
DENVER = ZoneInfo("America/Denver")
MONDAY = date(2026, 3, 9)  # an ordinary Monday (London is on GMT until 29 March)
TYPES = {t.kind: t for t in DEFAULT_TYPES}
EVALUATION = TYPES[AppointmentKind.INITIAL_EVALUATION]
NEEDLING = TYPES[AppointmentKind.DRY_NEEDLING]
FOLLOW_UP = TYPES[AppointmentKind.FOLLOW_UP]
WEEKDAYS_9_TO_5 = tuple(WorkingHours(d, time(9), time(17), "Main St") for d in range(5))
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = LONDON) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def real(value: datetime) -> datetime:
    """In UTC: datetimes sharing a tzinfo are compared and subtracted by their wall clock."""
    return value.astimezone(UTC)


def length(slot: Slot) -> timedelta:
    return real(slot.end) - real(slot.start)


def starts(slots: tuple[Slot, ...]) -> list[str]:
    return [s.start.strftime("%H:%M") for s in slots]


def slots_on(day: date = MONDAY, **kw: object) -> tuple[Slot, ...]:
    args: dict[str, object] = {
        "day": day,
        "zone": LONDON,
        "appointment": FOLLOW_UP,
        "hours": WEEKDAYS_9_TO_5,
        "now": LONG_AGO,
    }
    args.update(kw)
    return free_slots(**args)  # type: ignore[arg-type]


# --- appointment types ----------------------------------------------------------------------------


def test_the_default_types_follow_what_clinics_say():
    assert [(t.kind, t.minutes) for t in DEFAULT_TYPES] == [
        ("initial_evaluation", 45),
        ("dry_needling", 15),
        ("follow_up", 30),
        ("combined", 45),
    ]
    assert NEEDLING.requires_established and NEEDLING.requires_consent
    assert not EVALUATION.requires_established and not EVALUATION.requires_consent


@pytest.mark.parametrize(
    ("kind", "minutes"),
    [
        (AppointmentKind.INITIAL_EVALUATION, 25),
        (AppointmentKind.INITIAL_EVALUATION, 61),
        (AppointmentKind.COMBINED, 90),
        (AppointmentKind.DRY_NEEDLING, 30),
        (AppointmentKind.DRY_NEEDLING, 5),
    ],
)
def test_a_type_outside_its_kinds_length_is_refused_naming_the_field(kind, minutes):
    with pytest.raises(SchedulingError) as error:
        AppointmentType(kind, "Too long or short", minutes)
    assert error.value.field == "minutes"


def test_the_length_bounds_are_inclusive():
    assert AppointmentType(AppointmentKind.INITIAL_EVALUATION, "Short", 30).minutes == 30
    assert AppointmentType(AppointmentKind.INITIAL_EVALUATION, "Long", 60).minutes == 60
    assert AppointmentType(AppointmentKind.DRY_NEEDLING, "Quick", 10).minutes == 10


def test_a_negative_buffer_or_empty_name_is_refused():
    with pytest.raises(SchedulingError) as error:
        AppointmentType(AppointmentKind.FOLLOW_UP, "Follow-up", 30, buffer_minutes=-5)
    assert error.value.field == "buffer_minutes"
    with pytest.raises(SchedulingError) as error:
        AppointmentType(AppointmentKind.FOLLOW_UP, " ", 30)
    assert error.value.field == "name"


def test_availability_values_are_validated():
    with pytest.raises(SchedulingError, match="weekday"):
        WorkingHours(7, time(9), time(17), "Main St")
    with pytest.raises(SchedulingError, match="end"):
        WorkingHours(0, time(17), time(9), "Main St")
    with pytest.raises(SchedulingError, match="location"):
        WorkingHours(0, time(9), time(17), "")
    with pytest.raises(SchedulingError, match="end"):
        Break(0, time(13), time(12))
    with pytest.raises(SchedulingError, match="start"):
        TimeOff(datetime(2026, 3, 9, 9), datetime(2026, 3, 9, 17), "naive")  # noqa: DTZ001
    with pytest.raises(SchedulingError, match="end"):
        Busy(at(MONDAY, 10), at(MONDAY, 10))


# --- overlaps -------------------------------------------------------------------------------------


def test_intervals_that_only_touch_do_not_overlap():
    assert not overlaps(at(MONDAY, 9), at(MONDAY, 10), at(MONDAY, 10), at(MONDAY, 11))
    assert not overlaps(at(MONDAY, 10), at(MONDAY, 11), at(MONDAY, 9), at(MONDAY, 10))
    assert overlaps(at(MONDAY, 9), at(MONDAY, 10, 1), at(MONDAY, 10), at(MONDAY, 11))
    assert overlaps(at(MONDAY, 9), at(MONDAY, 12), at(MONDAY, 10), at(MONDAY, 11))


def test_overlap_compares_instants_not_wall_clocks():
    # 10:00-11:00 in London (GMT) is 04:00-05:00 in Denver (MDT since 8 March).
    assert overlaps(
        at(MONDAY, 10), at(MONDAY, 11), at(MONDAY, 4, 30, DENVER), at(MONDAY, 5, 0, DENVER)
    )
    with pytest.raises(SchedulingError):
        overlaps(datetime(2026, 3, 9, 9), at(MONDAY, 10), at(MONDAY, 10), at(MONDAY, 11))  # noqa: DTZ001


def test_an_empty_or_reversed_interval_is_an_error():
    with pytest.raises(SchedulingError):
        overlaps(at(MONDAY, 10), at(MONDAY, 10), at(MONDAY, 9), at(MONDAY, 11))


# --- free slots -----------------------------------------------------------------------------------


def test_slots_fill_working_hours_on_the_step_grid():
    slots = slots_on()
    assert starts(slots)[0] == "09:00" and starts(slots)[-1] == "16:30"
    assert len(slots) == 31  # 09:00 to 16:30 every 15 minutes
    assert all(length(s) == timedelta(minutes=30) for s in slots)
    assert all(s.start.tzinfo is LONDON and s.location == "Main St" for s in slots)


def test_no_slots_on_a_day_without_working_hours():
    assert slots_on(day=date(2026, 3, 14)) == ()  # a Saturday


def test_slots_avoid_breaks_time_off_and_booked_visits():
    slots = slots_on(
        breaks=[Break(0, time(12), time(13))],
        time_off=[TimeOff(at(MONDAY, 15), at(MONDAY, 18), "course")],
        busy=[Busy(at(MONDAY, 10), at(MONDAY, 10, 45))],
        step_minutes=30,
    )
    assert starts(slots) == ["09:00", "09:30", "11:00", "11:30", "13:00", "13:30", "14:00", "14:30"]


def test_the_step_grid_counts_from_the_start_of_working_hours():
    hours = [WorkingHours(0, time(9, 10), time(10, 10), "Main St")]
    assert starts(slots_on(hours=hours, step_minutes=20)) == ["09:10", "09:30"]


def test_the_buffer_must_fit_and_stays_free():
    with_buffer = AppointmentType(AppointmentKind.FOLLOW_UP, "Reassessment", 30, buffer_minutes=15)
    slots = slots_on(appointment=with_buffer, busy=[Busy(at(MONDAY, 11), at(MONDAY, 12))])
    assert "10:15" in starts(slots) and "10:30" not in starts(slots)
    assert starts(slots)[-1] == "16:15"
    assert slots[0].end == at(MONDAY, 9, 30) and slots[0].blocked_until == at(MONDAY, 9, 45)


def test_no_slot_inside_the_minimum_notice():
    now = at(MONDAY, 10, 5)
    slots = slots_on(now=now)
    assert starts(slots)[0] == "11:15"  # 11:05 is the earliest allowed start; 11:15 is on the grid
    assert starts(slots_on(now=now, min_notice_minutes=0))[0] == "10:15"


def test_no_slot_in_the_past():
    assert slots_on(now=at(MONDAY, 18), min_notice_minutes=0) == ()


def test_a_slot_exactly_at_the_notice_boundary_is_offered():
    assert starts(slots_on(now=at(MONDAY, 10)))[0] == "11:00"


def test_two_locations_on_one_day_are_ordered_by_time():
    hours = [
        WorkingHours(0, time(14), time(15), "Clinic B"),
        WorkingHours(0, time(9), time(10), "Clinic A"),
    ]
    slots = slots_on(hours=hours, step_minutes=30)
    assert [(s.start.strftime("%H:%M"), s.location) for s in slots] == [
        ("09:00", "Clinic A"),
        ("09:30", "Clinic A"),
        ("14:00", "Clinic B"),
        ("14:30", "Clinic B"),
    ]


def test_overlapping_working_hours_are_an_error():
    hours = [
        WorkingHours(0, time(9), time(13), "Clinic A"),
        WorkingHours(0, time(12), time(17), "Clinic B"),
    ]
    with pytest.raises(SchedulingError, match="hours"):
        slots_on(hours=hours)


def test_a_non_positive_step_is_refused():
    with pytest.raises(SchedulingError, match="step_minutes"):
        slots_on(step_minutes=0)


def test_a_naive_now_is_refused():
    with pytest.raises(SchedulingError, match="now"):
        slots_on(now=datetime(2026, 3, 9, 8))  # noqa: DTZ001


def test_slots_are_correct_across_the_spring_dst_change():
    sunday = date(2026, 3, 8)  # Denver: 02:00 MST becomes 03:00 MDT
    hours = [WorkingHours(6, time(1), time(4), "Night clinic")]
    slots = slots_on(day=sunday, zone=DENVER, hours=hours)
    # 01:00 MST to 04:00 MDT is two real hours, so a 30-minute visit can start seven times.
    assert starts(slots) == ["01:00", "01:15", "01:30", "01:45", "03:00", "03:15", "03:30"]
    assert all(length(s) == timedelta(minutes=30) for s in slots)
    assert real(slots[4].start) - real(slots[3].start) == timedelta(minutes=15)
    assert real(slots[3].end) == real(slots[5].start)  # 02:15 MST is 03:15 MDT
    assert slots[0].start.utcoffset() == timedelta(hours=-7)
    assert slots[-1].start.utcoffset() == timedelta(hours=-6)


def test_an_ordinary_clinic_day_on_the_spring_change_uses_the_new_offset():
    sunday = date(2026, 3, 29)  # London: 01:00 GMT becomes 02:00 BST
    hours = [WorkingHours(6, time(9), time(12), "Main St")]
    slots = slots_on(day=sunday, hours=hours, appointment=EVALUATION)
    assert slots[0].start.astimezone(UTC) == datetime(2026, 3, 29, 8, tzinfo=UTC)
    assert starts(slots)[-1] == "11:15"


def test_slots_are_correct_across_the_autumn_dst_change():
    sunday = date(2026, 11, 1)  # Denver: 02:00 MDT goes back to 01:00 MST
    hours = [WorkingHours(6, time(0), time(3), "Night clinic")]
    one_hour = AppointmentType(AppointmentKind.INITIAL_EVALUATION, "Evaluation", 60)
    slots = slots_on(day=sunday, zone=DENVER, hours=hours, appointment=one_hour, step_minutes=60)
    # 00:00 MDT to 03:00 MST is four real hours; 01:00 happens twice.
    assert starts(slots) == ["00:00", "01:00", "01:00", "02:00"]
    assert [s.start.fold for s in slots] == [0, 0, 1, 0]
    assert all(real(a.end) == real(b.start) for a, b in zip(slots, slots[1:], strict=False))


def test_a_break_on_the_dst_day_is_read_in_local_time():
    sunday = date(2026, 3, 29)
    hours = [WorkingHours(6, time(9), time(13), "Main St")]
    slots = slots_on(
        day=sunday, hours=hours, breaks=[Break(6, time(11), time(12))], step_minutes=60
    )
    assert starts(slots) == ["09:00", "10:00", "12:00"]


def test_a_time_in_the_spring_gap_lands_just_after_it():
    instant = local_instant(date(2026, 3, 8), time(2, 30), DENVER)
    assert (instant.hour, instant.minute, instant.utcoffset()) == (3, 30, timedelta(hours=-6))


# --- the property ---------------------------------------------------------------------------------

ZONES = [ZoneInfo("UTC"), LONDON, DENVER]
DAYS = [
    date(2026, 3, 8),
    date(2026, 3, 9),
    date(2026, 3, 29),
    date(2026, 10, 25),
    date(2026, 11, 1),
]


@st.composite
def day_times(draw: st.DrawFn) -> tuple[time, time]:
    start = draw(st.integers(0, 24 * 4 - 1))
    end = draw(st.integers(start + 1, 24 * 4))
    return time(start // 4, start % 4 * 15), time(
        min(end // 4, 23), 59 if end == 96 else end % 4 * 15
    )


@given(
    zone=st.sampled_from(ZONES),
    day=st.sampled_from(DAYS),
    kind=st.sampled_from(DEFAULT_TYPES),
    buffer=st.sampled_from([0, 5, 10]),
    windows=st.lists(day_times(), min_size=1, max_size=3),
    breaks=st.lists(day_times(), max_size=3),
    intervals=st.lists(
        st.tuples(st.integers(-60 * 30, 60 * 30), st.integers(1, 60 * 6)), max_size=6
    ),
    now_offset=st.integers(-60 * 48, 60 * 30),
    step=st.sampled_from([5, 10, 15, 20, 30]),
    notice=st.sampled_from([0, 60, 120]),
)
@settings(max_examples=300, deadline=None)
def test_no_slot_overlaps_anything_and_all_lie_in_working_hours(
    zone, day, kind, buffer, windows, breaks, intervals, now_offset, step, notice
):
    appointment = AppointmentType(kind.kind, kind.name, kind.minutes, buffer_minutes=buffer)
    weekday = day.weekday()
    # Keep only windows that do not overlap one another (overlapping hours are an error).
    hours: list[WorkingHours] = []
    for start, end in sorted(windows):
        if all(end <= h.start or h.end <= start for h in hours):
            hours.append(WorkingHours(weekday, start, end, f"Room {len(hours)}"))
    breaks_ = [Break(weekday, s, e) for s, e in breaks]
    midnight = real(local_instant(day, time(0), zone))
    busy = [
        Busy(midnight + timedelta(minutes=a), midnight + timedelta(minutes=a + n))
        for a, n in intervals[:3]
    ]
    off = [
        TimeOff(midnight + timedelta(minutes=a), midnight + timedelta(minutes=a + n), "off")
        for a, n in intervals[3:]
    ]
    now = midnight + timedelta(minutes=now_offset)

    slots = free_slots(
        day=day,
        zone=zone,
        appointment=appointment,
        hours=hours,
        breaks=breaks_,
        time_off=off,
        busy=busy,
        now=now,
        step_minutes=step,
        min_notice_minutes=notice,
    )

    blocked = [
        (local_instant(day, b.start, zone), local_instant(day, b.end, zone)) for b in breaks_
    ]
    blocked += [(b.start, b.end) for b in busy] + [(t.start, t.end) for t in off]
    for slot in slots:
        assert real(slot.blocked_until) - real(slot.start) == appointment.blocked
        assert real(slot.start) >= now + timedelta(minutes=notice)
        for b0, b1 in blocked:
            assert not overlaps(slot.start, slot.blocked_until, b0, b1)
        (window,) = [h for h in hours if h.location == slot.location]
        w0, w1 = local_instant(day, window.start, zone), local_instant(day, window.end, zone)
        assert real(w0) <= real(slot.start) and real(slot.blocked_until) <= real(w1)
        assert (real(slot.start) - real(w0)) % timedelta(minutes=step) == timedelta(0)
    order = [(s.start.astimezone(UTC), s.location) for s in slots]
    assert order == sorted(order)


# --- booking --------------------------------------------------------------------------------------


def test_a_dry_needling_visit_needs_an_established_patient_with_consent():
    refusals = booking_refusals(
        appointment_type=NEEDLING,
        patient_established=False,
        consent_current=False,
        slot_is_free=True,
    )
    assert len(refusals) == 2
    assert "established patients" in refusals[0] and "initial evaluation" in refusals[0]
    assert "consent" in refusals[1]
    assert (
        booking_refusals(
            appointment_type=NEEDLING,
            patient_established=True,
            consent_current=True,
            slot_is_free=True,
        )
        == ()
    )


def test_an_initial_evaluation_can_be_booked_by_a_new_patient_without_consent():
    assert (
        booking_refusals(
            appointment_type=EVALUATION,
            patient_established=False,
            consent_current=False,
            slot_is_free=True,
        )
        == ()
    )


def test_a_taken_slot_cannot_be_booked():
    (reason,) = booking_refusals(
        appointment_type=EVALUATION,
        patient_established=True,
        consent_current=True,
        slot_is_free=False,
    )
    assert "no longer free" in reason


def test_every_refusal_is_a_plain_sentence():
    refusals = booking_refusals(
        appointment_type=NEEDLING,
        patient_established=False,
        consent_current=False,
        slot_is_free=False,
    )
    assert len(refusals) == 3
    assert all(r[0].isupper() and r.endswith(".") for r in refusals)


# --- cancellations --------------------------------------------------------------------------------

START = at(MONDAY, 10)


def test_a_cancellation_inside_the_notice_period_is_late():
    assert cancellation_fee_applies(
        appointment_start=START, cancelled_at=START - timedelta(hours=23), notice_hours=24
    )
    assert (
        classify_cancellation(
            appointment_start=START,
            cancelled_at=START - timedelta(hours=2),
            arrived=False,
            as_of=START - timedelta(hours=2),
        )
        == CancellationClass.LATE
        == "late"
    )


def test_a_cancellation_exactly_at_the_deadline_is_on_time():
    deadline = START - timedelta(hours=24)
    assert not cancellation_fee_applies(
        appointment_start=START, cancelled_at=deadline, notice_hours=24
    )
    assert (
        classify_cancellation(
            appointment_start=START, cancelled_at=deadline, arrived=False, as_of=START
        )
        == "on_time"
    )


def test_the_notice_counts_real_hours_across_a_dst_change():
    start = at(date(2026, 3, 29), 10)  # the Sunday of the London spring change
    # 10:00 BST Sunday minus 24 real hours is 09:00 GMT Saturday, not 10:00.
    assert not cancellation_fee_applies(
        appointment_start=start, cancelled_at=at(date(2026, 3, 28), 9), notice_hours=24
    )
    assert cancellation_fee_applies(
        appointment_start=start, cancelled_at=at(date(2026, 3, 28), 9, 30), notice_hours=24
    )


def test_a_missed_visit_without_cancellation_is_a_no_show():
    after = START + timedelta(minutes=20)
    assert (
        classify_cancellation(
            appointment_start=START, cancelled_at=None, arrived=False, as_of=after
        )
        == CancellationClass.NO_SHOW
    )
    assert (
        classify_cancellation(appointment_start=START, cancelled_at=None, arrived=True, as_of=after)
        is None
    )
    before = START - timedelta(minutes=5)
    assert (
        classify_cancellation(
            appointment_start=START, cancelled_at=None, arrived=False, as_of=before
        )
        is None
    )


def test_a_cancelled_visit_cannot_also_be_attended():
    with pytest.raises(SchedulingError, match="arrived"):
        classify_cancellation(
            appointment_start=START, cancelled_at=START, arrived=True, as_of=START
        )


def test_the_policy_notice_is_used_and_its_fee_charged_for_late_and_no_show():
    policy = CancellationPolicy(notice_hours=48, late_fee=Decimal("25.00"))
    outcome = classify_cancellation(
        appointment_start=START,
        cancelled_at=START - timedelta(hours=30),
        arrived=False,
        as_of=START,
        policy=policy,
    )
    assert outcome == "late"
    assert policy.fee_for(outcome) == Decimal("25.00")
    assert policy.fee_for(CancellationClass.NO_SHOW) == Decimal("25.00")
    assert policy.fee_for(CancellationClass.ON_TIME) is None
    assert CancellationPolicy().fee_for(CancellationClass.LATE) is None


def test_a_negative_fee_or_notice_is_refused():
    with pytest.raises(SchedulingError, match="late_fee"):
        CancellationPolicy(late_fee=Decimal("-1"))
    with pytest.raises(SchedulingError, match="notice_hours"):
        CancellationPolicy(notice_hours=-1)


# --- follow-ups -----------------------------------------------------------------------------------

FIRST = at(MONDAY, 10, 30)


def test_weekly_follow_ups_keep_the_weekday_and_local_time():
    proposals = propose_follow_ups(
        first=FIRST, sessions=4, per_week=1, zone=LONDON, hours=WEEKDAYS_9_TO_5
    )
    assert [p.date() for p in proposals] == [MONDAY + timedelta(weeks=i) for i in range(1, 5)]
    # The London spring change falls in the course; the wall-clock time stays 10:30.
    assert all((p.hour, p.minute) == (10, 30) for p in proposals)
    assert proposals[-1].utcoffset() == timedelta(hours=1)


def test_twice_weekly_follow_ups_are_at_least_two_days_apart():
    proposals = propose_follow_ups(
        first=FIRST, sessions=6, per_week=2, zone=LONDON, hours=WEEKDAYS_9_TO_5
    )
    days = [FIRST.date(), *(p.date() for p in proposals)]
    assert all((b - a).days >= 2 for a, b in zip(days, days[1:], strict=False))
    assert [d.strftime("%a") for d in days] == ["Mon", "Thu", "Mon", "Thu", "Mon", "Thu", "Mon"]


def test_twice_weekly_follow_ups_stay_two_days_apart_with_few_working_days():
    hours = [WorkingHours(d, time(9), time(17), "Main St") for d in (0, 1)]  # Mondays and Tuesdays
    proposals = propose_follow_ups(first=FIRST, sessions=5, per_week=2, zone=LONDON, hours=hours)
    days = [FIRST.date(), *(p.date() for p in proposals)]
    assert all((b - a).days >= 2 for a, b in zip(days, days[1:], strict=False))
    assert all(d.weekday() in (0, 1) for d in days[1:])


def test_follow_ups_fall_on_working_days():
    saturday_first = at(date(2026, 3, 14), 10)
    proposals = propose_follow_ups(
        first=saturday_first, sessions=3, per_week=1, zone=LONDON, hours=WEEKDAYS_9_TO_5
    )
    assert [p.strftime("%a %d") for p in proposals] == ["Mon 23", "Mon 30", "Mon 06"]


def test_a_time_outside_working_hours_moves_to_the_start_of_the_day():
    hours = [*WEEKDAYS_9_TO_5[:3], WorkingHours(3, time(13), time(19), "Late clinic")]
    proposals = propose_follow_ups(first=FIRST, sessions=2, per_week=2, zone=LONDON, hours=hours)
    assert [(p.strftime("%a"), p.strftime("%H:%M")) for p in proposals] == [
        ("Thu", "13:00"),
        ("Mon", "10:30"),
    ]


@pytest.mark.parametrize("sessions", [0, 13, -1])
def test_a_course_outside_one_to_twelve_sessions_is_refused(sessions):
    with pytest.raises(SchedulingError) as error:
        propose_follow_ups(
            first=FIRST, sessions=sessions, per_week=1, zone=LONDON, hours=WEEKDAYS_9_TO_5
        )
    assert error.value.field == "sessions" and "2-6" in error.value.reason


@pytest.mark.parametrize("per_week", [0, 3])
def test_follow_ups_are_once_or_twice_a_week(per_week):
    with pytest.raises(SchedulingError, match="once or twice a week"):
        propose_follow_ups(
            first=FIRST, sessions=3, per_week=per_week, zone=LONDON, hours=WEEKDAYS_9_TO_5
        )


def test_follow_ups_need_working_hours():
    with pytest.raises(SchedulingError, match="hours"):
        propose_follow_ups(first=FIRST, sessions=3, per_week=1, zone=LONDON, hours=[])
