"""Every refusal of the scheduling services: who may be booked, which appointments may change,
what set-up entries make sense, and when a care plan may close."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from taut import clock
from taut.audit.models import AuditEntry
from taut.clinics.models import Location, Membership
from taut.clinics.roles import Role
from taut.scheduling.models import (
    Appointment,
    AppointmentStatus,
    BookingChannel,
    CarePlan,
    CarePlanStatus,
    TimeOff,
    WeeklyBreak,
    WorkingHours,
)
from taut.scheduling.services import (
    BookingRefused,
    appointment_cancel,
    appointment_mark_arrived,
    appointment_mark_no_show,
    appointment_reschedule,
    appointment_start_session,
    setup,
)
from taut.scheduling.services.care_plans import care_plan_book_follow_ups, care_plan_close
from tests.conftest import make_user
from tests.scheduling.conftest import NOW, TUESDAY, Desk, at, book, make_plan

WEDNESDAY = TUESDAY + dt.timedelta(days=1)


def _cancel(desk: Desk, appointment: Appointment, reason: str = "Work", **extra: Any) -> Any:
    return appointment_cancel(
        request=None,
        actor=desk.world.frontdesk_a,
        appointment=appointment,
        reason=reason,
        now=extra.pop("now", NOW),
        **extra,
    )


def _move(desk: Desk, appointment: Appointment, starts_at: dt.datetime) -> Appointment:
    return appointment_reschedule(
        request=None,
        actor=desk.world.frontdesk_a,
        appointment=appointment,
        starts_at=starts_at,
        practitioner=desk.world.clinician_a,
        location=desk.location,
        channel=BookingChannel.DESK,
        now=NOW,
    )


# Booking


def test_an_archived_patient_cannot_be_booked(desk: Desk) -> None:
    patient = desk.world.patient_a
    patient.archived_at = clock.now()
    patient.save()
    with pytest.raises(BookingRefused, match="archived"):
        book(desk, at(TUESDAY, 9))
    assert not Appointment.objects.exists()


def test_a_practitioner_of_another_clinic_cannot_be_booked(desk: Desk) -> None:
    with pytest.raises(BookingRefused, match="does not work at this clinic"):
        book(desk, at(TUESDAY, 9), practitioner=desk.world.clinician_b)
    assert not Appointment.objects.exists()


def test_a_clinician_without_working_hours_has_no_free_time(
    desk: Desk, django_user_model: Any
) -> None:
    idle = make_user(django_user_model, "idle_clinician")
    Membership.objects.create(clinic=desk.world.clinic_a, user=idle, role=Role.CLINICIAN)
    with pytest.raises(BookingRefused, match="no longer free"):
        book(desk, at(TUESDAY, 9), practitioner=idle)


def test_a_location_of_another_clinic_offers_no_slot(desk: Desk) -> None:
    theirs = Location.objects.for_clinic(desk.world.clinic_b).get()
    with pytest.raises(BookingRefused, match="no longer free"):
        book(desk, at(TUESDAY, 9), location=theirs)


def test_a_start_off_the_slot_grid_is_refused(desk: Desk) -> None:
    with pytest.raises(BookingRefused, match="no longer free"):
        book(desk, at(TUESDAY, 9, 7))


def test_a_time_already_past_is_refused(desk: Desk) -> None:
    with pytest.raises(BookingRefused, match="no longer free"):
        book(desk, at(NOW.date(), 8) - dt.timedelta(days=7))


def test_several_refusals_are_given_together(desk: Desk) -> None:
    with pytest.raises(BookingRefused) as refused:
        book(desk, at(TUESDAY, 22), kind="dry_needling")
    reasons = " ".join(refused.value.reasons)
    assert "established patients only" in reasons
    assert "consent" in reasons
    assert "no longer free" in reasons


def test_a_refused_booking_leaves_no_audit_entry(desk: Desk) -> None:
    with pytest.raises(BookingRefused):
        book(desk, at(TUESDAY, 22))
    assert not AuditEntry.objects.filter(object_type="appointment").exists()


# Cancelling


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_a_cancellation_without_a_reason_is_refused(desk: Desk, reason: str) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    with pytest.raises(BookingRefused, match="Say why"):
        _cancel(desk, appointment, reason)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


@pytest.mark.parametrize("reason", ["x" * 301, "Ill\x00ness"])
def test_a_cancellation_reason_too_long_or_with_a_null_is_refused(desk: Desk, reason: str) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    with pytest.raises(BookingRefused, match="under 300"):
        _cancel(desk, appointment, reason)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_a_cancellation_reason_of_three_hundred_characters_is_kept(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    cancelled = _cancel(desk, appointment, "y" * 300)
    assert cancelled.cancellation_reason == "y" * 300


def test_a_cancelled_appointment_cannot_be_cancelled_again(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    _cancel(desk, appointment)
    with pytest.raises(BookingRefused, match="this one is cancelled"):
        _cancel(desk, appointment, "Again")


def test_a_waived_fee_is_not_charged_even_when_late(desk: Desk) -> None:
    from decimal import Decimal

    from taut.scheduling.models import BookingPolicy

    BookingPolicy.objects.update_or_create(
        clinic=desk.world.clinic_a, defaults={"late_fee": Decimal("35.00")}
    )
    appointment = book(desk, at(TUESDAY, 9))
    cancelled = _cancel(desk, appointment, "Flu", now=at(TUESDAY, 8, 30), waive_fee=True)
    assert cancelled.cancellation_class == "late" and cancelled.fee is None


# Moving, arriving, missing, attending


def test_a_cancelled_appointment_cannot_be_moved(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    _cancel(desk, appointment)
    with pytest.raises(BookingRefused, match="can be moved"):
        _move(desk, appointment, at(TUESDAY, 10))
    assert Appointment.objects.count() == 1


def test_an_arrived_patient_s_appointment_cannot_be_moved_or_missed(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    appointment_mark_arrived(request=None, actor=desk.world.frontdesk_a, appointment=appointment)
    with pytest.raises(BookingRefused, match="this one is arrived"):
        _move(desk, appointment, at(TUESDAY, 10))
    with pytest.raises(BookingRefused, match="recorded as missed"):
        appointment_mark_no_show(
            request=None, actor=desk.world.frontdesk_a, appointment=appointment, now=at(TUESDAY, 11)
        )


def test_a_missed_visit_cannot_be_marked_as_arrived(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    appointment_mark_no_show(
        request=None, actor=desk.world.frontdesk_a, appointment=appointment, now=at(TUESDAY, 10)
    )
    with pytest.raises(BookingRefused, match="marked as arrived"):
        appointment_mark_arrived(
            request=None, actor=desk.world.frontdesk_a, appointment=appointment
        )


def test_a_moved_appointment_cannot_be_moved_a_second_time_from_the_old_booking(
    desk: Desk,
) -> None:
    old = book(desk, at(TUESDAY, 9))
    new = _move(desk, old, at(TUESDAY, 10))
    with pytest.raises(BookingRefused, match="can be moved"):
        _move(desk, old, at(TUESDAY, 11))
    assert _move(desk, new, at(TUESDAY, 11)).rescheduled_from == new


def test_a_cancelled_or_missed_visit_cannot_open_a_treatment_note(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    _cancel(desk, appointment)
    membership = Membership.objects.get(user=desk.world.clinician_a)
    with pytest.raises(BookingRefused, match="cancelled or missed"):
        appointment_start_session(
            request=None, membership=membership, appointment=appointment, today=TUESDAY
        )
    appointment.refresh_from_db()
    assert appointment.session_id is None


# Set-up


def _hours(desk: Desk, **overrides: Any) -> WorkingHours:
    fields: dict[str, Any] = {
        "request": None,
        "actor": desk.world.owner_a,
        "clinic": desk.world.clinic_a,
        "practitioner": desk.world.clinician_a,
        "location": desk.location,
        "weekday": 5,  # Saturday: no hours yet
        "start": dt.time(9),
        "end": dt.time(12),
        **overrides,
    }
    return setup.working_hours_add(**fields)


@pytest.mark.parametrize("person", ["frontdesk_a", "owner_a", "clinician_b"])
def test_working_hours_breaks_and_time_off_are_for_the_clinic_s_clinicians(
    desk: Desk, person: str
) -> None:
    someone = getattr(desk.world, person)
    with pytest.raises(BookingRefused, match="clinicians only"):
        _hours(desk, practitioner=someone)
    with pytest.raises(BookingRefused, match="clinicians only"):
        setup.weekly_break_add(
            request=None,
            actor=desk.world.owner_a,
            clinic=desk.world.clinic_a,
            practitioner=someone,
            weekday=5,
            start=dt.time(10),
            end=dt.time(11),
        )
    with pytest.raises(BookingRefused, match="clinicians only"):
        setup.time_off_add(
            request=None,
            actor=desk.world.owner_a,
            clinic=desk.world.clinic_a,
            practitioner=someone,
            starts_at=at(WEDNESDAY, 0),
            ends_at=at(WEDNESDAY, 23),
        )


def test_working_hours_at_another_clinic_s_location_are_refused(desk: Desk) -> None:
    theirs = Location.objects.for_clinic(desk.world.clinic_b).get()
    with pytest.raises(BookingRefused, match="not one of this clinic's"):
        _hours(desk, location=theirs)


@pytest.mark.parametrize(("start", "end"), [(dt.time(12), dt.time(12)), (dt.time(12), dt.time(9))])
def test_hours_that_end_before_or_as_they_start_are_refused(
    desk: Desk, start: dt.time, end: dt.time
) -> None:
    with pytest.raises(BookingRefused, match="end after they start"):
        _hours(desk, start=start, end=end)


@pytest.mark.parametrize(
    ("start", "end"),
    [(dt.time(11), dt.time(13)), (dt.time(7), dt.time(10)), (dt.time(9, 30), dt.time(10))],
)
def test_hours_that_overlap_hours_of_the_same_day_are_refused(
    desk: Desk, start: dt.time, end: dt.time
) -> None:
    _hours(desk)
    with pytest.raises(BookingRefused, match="overlap"):
        _hours(desk, start=start, end=end)
    assert WorkingHours.objects.filter(weekday=5).count() == 1


def test_hours_that_touch_end_to_start_are_both_kept(desk: Desk) -> None:
    _hours(desk)
    _hours(desk, start=dt.time(12), end=dt.time(15))
    assert WorkingHours.objects.filter(weekday=5).count() == 2


def test_the_same_hours_on_another_day_do_not_overlap(desk: Desk) -> None:
    _hours(desk)
    _hours(desk, weekday=6)
    assert WorkingHours.objects.filter(weekday__in=[5, 6]).count() == 2


def test_a_break_that_ends_before_it_starts_is_refused(desk: Desk) -> None:
    with pytest.raises(BookingRefused, match="break must end after"):
        setup.weekly_break_add(
            request=None,
            actor=desk.world.owner_a,
            clinic=desk.world.clinic_a,
            practitioner=desk.world.clinician_a,
            weekday=1,
            start=dt.time(15),
            end=dt.time(15),
        )
    assert WeeklyBreak.objects.filter(weekday=1).count() == 1  # the lunch break only


def test_time_off_that_ends_before_it_starts_is_refused(desk: Desk) -> None:
    with pytest.raises(BookingRefused, match="time off must end after"):
        setup.time_off_add(
            request=None,
            actor=desk.world.owner_a,
            clinic=desk.world.clinic_a,
            practitioner=desk.world.clinician_a,
            starts_at=at(WEDNESDAY, 12),
            ends_at=at(WEDNESDAY, 12),
        )
    assert TimeOff.objects.count() == 1  # Thanksgiving only


def test_removing_hours_keeps_bookings_already_made(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    hours = WorkingHours.objects.get(weekday=TUESDAY.weekday())
    setup.setup_row_remove(request=None, actor=desk.world.owner_a, row=hours)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    with pytest.raises(BookingRefused, match="no longer free"):
        book(desk, at(TUESDAY, 14))


def test_a_booking_policy_outside_its_limits_is_refused(desk: Desk) -> None:
    from django.core.exceptions import ValidationError

    from taut.scheduling.availability import policy_for

    policy = policy_for(desk.world.clinic_a)
    policy.cancellation_notice_hours = 24 * 15
    with pytest.raises(ValidationError):
        setup.booking_policy_save(request=None, actor=desk.world.owner_a, policy=policy)


def test_renewing_the_calendar_feed_gives_a_new_address(desk: Desk) -> None:
    first = setup.calendar_feed_renew(
        request=None, actor=desk.world.clinician_a, clinic=desk.world.clinic_a
    )
    second = setup.calendar_feed_renew(
        request=None, actor=desk.world.clinician_a, clinic=desk.world.clinic_a
    )
    assert first.token != second.token


# Care plans


def test_a_new_care_plan_completes_the_active_one(desk: Desk) -> None:
    first = make_plan(desk.world)
    second = make_plan(desk.world, planned_sessions=6)
    first.refresh_from_db()
    assert first.status == CarePlanStatus.COMPLETED and first.end_note == "Replaced by a new plan."
    assert second.status == CarePlanStatus.ACTIVE
    assert second.reassess_at == [6]  # none given: reassess at the last session


def _close(desk: Desk, plan: CarePlan, status: Any, note: str) -> CarePlan:
    return care_plan_close(
        request=None, actor=desk.world.clinician_a, plan=plan, status=status, note=note
    )


def test_a_closed_care_plan_cannot_be_closed_again(desk: Desk) -> None:
    plan = make_plan(desk.world)
    _close(desk, plan, CarePlanStatus.COMPLETED, "Goals met")
    with pytest.raises(BookingRefused, match="already closed"):
        _close(desk, plan, CarePlanStatus.DISCONTINUED, "Again")


def test_a_care_plan_cannot_be_closed_as_active(desk: Desk) -> None:
    plan = make_plan(desk.world)
    with pytest.raises(BookingRefused, match="discharged or discontinued"):
        _close(desk, plan, CarePlanStatus.ACTIVE, "Still going")


@pytest.mark.parametrize(
    ("note", "reason"),
    [("", "say why"), ("  \n", "say why"), ("n" * 2001, "under 2,000"), ("a\x00b", "under 2,000")],
)
def test_closing_a_care_plan_needs_a_sensible_note(desk: Desk, note: str, reason: str) -> None:
    plan = make_plan(desk.world)
    with pytest.raises(BookingRefused, match=reason):
        _close(desk, plan, CarePlanStatus.COMPLETED, note)
    plan.refresh_from_db()
    assert plan.status == CarePlanStatus.ACTIVE


def _follow_ups(desk: Desk, plan: CarePlan, sessions: int, first: dt.datetime) -> list[Any]:
    return care_plan_book_follow_ups(
        request=None,
        actor=desk.world.clinician_a,
        plan=plan,
        practitioner=desk.world.clinician_a,
        appointment_type=desk.type("initial_evaluation"),
        first=first,
        sessions=sessions,
        now=NOW,
    )


def test_follow_ups_are_booked_for_an_active_plan_only(desk: Desk) -> None:
    plan = _close(desk, make_plan(desk.world), CarePlanStatus.DISCONTINUED, "Moved away")
    with pytest.raises(BookingRefused, match="active care plan only"):
        _follow_ups(desk, plan, 2, at(TUESDAY, 9))
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("sessions", [0, 100])
def test_a_number_of_follow_ups_out_of_range_is_refused_naming_it(
    desk: Desk, sessions: int
) -> None:
    plan = make_plan(desk.world)
    with pytest.raises(BookingRefused, match="^Sessions:"):
        _follow_ups(desk, plan, sessions, at(TUESDAY, 9))
    assert not Appointment.objects.exists()


def test_a_follow_up_day_with_no_room_is_reported_not_moved(desk: Desk) -> None:
    plan = make_plan(desk.world)
    # One week after a Thursday-before-Thanksgiving first visit lands on Thanksgiving (time off).
    results = _follow_ups(desk, plan, 1, at(THANKSGIVING_WEEK_BEFORE, 9))
    (only,) = results
    assert only.appointment is None and only.reason


THANKSGIVING_WEEK_BEFORE = dt.date(2026, 11, 19)
