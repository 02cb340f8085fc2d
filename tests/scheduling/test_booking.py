from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from taut.audit.models import AuditEntry
from taut.messaging.models import Kind, OutboundMessage, Status
from taut.scheduling.models import Appointment, AppointmentStatus, BookingChannel
from taut.scheduling.services import (
    BookingRefused,
    appointment_cancel,
    appointment_mark_arrived,
    appointment_mark_no_show,
    appointment_reschedule,
)
from tests.conftest import make_patient, run_due_tasks
from tests.scheduling.conftest import NOW, TUESDAY, Desk, at, book


def test_a_booking_holds_the_visit_and_its_buffer(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    assert appointment.ends_at == at(TUESDAY, 9, 45)
    assert appointment.blocked_until == at(TUESDAY, 9, 45)
    assert appointment.status == AppointmentStatus.BOOKED
    assert AuditEntry.objects.filter(object_type="appointment", action="create").count() == 1


def test_a_booking_queues_a_confirmation_with_a_calendar_file_and_a_reminder(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    messages = OutboundMessage.objects.filter(about=appointment.about).order_by("send_after")
    assert [m.kind for m in messages] == [Kind.BOOKING_CONFIRMATION, Kind.REMINDER]
    assert messages[1].send_after == at(TUESDAY, 9) - dt.timedelta(hours=24)
    run_due_tasks(at=NOW)
    [confirmation] = mail.outbox
    assert "Wear loose clothing" in confirmation.body
    ics = confirmation.attachments[0][1]
    assert "DTSTART:20261124T160000Z" in ics and f"UID:{appointment.public_id}@taut" in ics


def test_the_reminder_goes_out_a_day_before_and_says_what_to_wear_and_eat(desk: Desk) -> None:
    book(desk, at(TUESDAY, 9))
    run_due_tasks(at=at(TUESDAY, 9) - dt.timedelta(hours=23))
    reminder = mail.outbox[-1]
    assert reminder.subject.startswith("Reminder")
    assert "clothing" in reminder.body and "something to eat" in reminder.body


def test_a_time_outside_working_hours_is_refused(desk: Desk) -> None:
    with pytest.raises(BookingRefused, match="no longer free"):
        book(desk, at(TUESDAY, 7))


def test_a_time_over_the_lunch_break_is_refused(desk: Desk) -> None:
    with pytest.raises(BookingRefused):
        book(desk, at(TUESDAY, 11, 30))


def test_the_same_practitioner_cannot_be_booked_twice(desk: Desk) -> None:
    book(desk, at(TUESDAY, 9))
    other = make_patient(desk.world.clinic_a, "Grace", "Hopper")
    with pytest.raises(BookingRefused, match="no longer free"):
        book(desk, at(TUESDAY, 9, 30), patient=other)
    assert Appointment.objects.count() == 1


def test_a_dry_needling_visit_needs_an_established_patient_with_consent(desk: Desk) -> None:
    with pytest.raises(BookingRefused) as refused:
        book(desk, at(TUESDAY, 9), kind="dry_needling")
    assert len(refused.value.reasons) == 2
    assert "established patients only" in refused.value.reasons[0]
    assert "consent" in refused.value.reasons[1]


def test_after_an_attended_evaluation_and_consent_a_needling_visit_may_be_booked(
    desk: Desk,
) -> None:
    from tests.conftest import publish_consent_document, sign_consent

    world = desk.world
    evaluation = book(desk, at(TUESDAY, 9))
    Appointment.objects.filter(pk=evaluation.pk).update(status=AppointmentStatus.COMPLETED)
    sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.frontdesk_a
    )
    visit = book(desk, at(TUESDAY, 14), kind="dry_needling")
    assert visit.ends_at - visit.starts_at == dt.timedelta(minutes=15)


def test_a_patient_cannot_be_in_two_visits_at_once(desk: Desk, django_user_model: object) -> None:
    from taut.clinics.models import Membership
    from taut.clinics.roles import Role
    from taut.scheduling.services import setup
    from tests.conftest import make_user

    second = make_user(django_user_model, "second_clinician")
    Membership.objects.create(clinic=desk.world.clinic_a, user=second, role=Role.CLINICIAN)
    setup.working_hours_add(
        request=None,
        actor=desk.world.owner_a,
        clinic=desk.world.clinic_a,
        practitioner=second,
        location=desk.location,
        weekday=TUESDAY.weekday(),
        start=dt.time(8),
        end=dt.time(17),
    )
    book(desk, at(TUESDAY, 9))
    with pytest.raises(BookingRefused, match="already has an appointment"):
        book(desk, at(TUESDAY, 9, 15), practitioner=second)


def test_the_database_refuses_overlapping_bookings_whatever_the_code_does(desk: Desk) -> None:
    first = book(desk, at(TUESDAY, 9))
    clash = Appointment(
        clinic=first.clinic,
        patient=make_patient(first.clinic, "Grace", "Hopper"),
        practitioner=first.practitioner,
        location=first.location,
        appointment_type=first.appointment_type,
        starts_at=at(TUESDAY, 9, 30),
        ends_at=at(TUESDAY, 10),
        blocked_until=at(TUESDAY, 10),
        channel=BookingChannel.DESK,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()
    touching = Appointment(
        **{f: getattr(clash, f) for f in ("clinic", "patient", "practitioner", "location")},
        appointment_type=first.appointment_type,
        starts_at=at(TUESDAY, 9, 45),
        ends_at=at(TUESDAY, 10, 30),
        blocked_until=at(TUESDAY, 10, 30),
        channel=BookingChannel.DESK,
    )
    touching.save()  # half-open ranges: ending at 9:45 and starting at 9:45 do not overlap


def test_a_cancelled_booking_frees_its_time(desk: Desk) -> None:
    first = book(desk, at(TUESDAY, 9))
    appointment_cancel(
        request=None, actor=desk.world.frontdesk_a, appointment=first, reason="Flu", now=NOW
    )
    again = book(desk, at(TUESDAY, 9), patient=make_patient(first.clinic, "Grace", "Hopper"))
    assert again.pk != first.pk


def test_cancelling_in_time_costs_nothing_and_withdraws_the_reminder(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    cancelled = appointment_cancel(
        request=None, actor=desk.world.frontdesk_a, appointment=appointment, reason="Work", now=NOW
    )
    assert cancelled.cancellation_class == "on_time" and cancelled.fee is None
    reminder = OutboundMessage.objects.get(about=appointment.about, kind=Kind.REMINDER)
    assert reminder.status == Status.CANCELLED
    assert OutboundMessage.objects.filter(kind=Kind.BOOKING_CANCELLED).count() == 1


def test_cancelling_late_charges_the_clinics_fee(desk: Desk) -> None:
    from decimal import Decimal

    from taut.scheduling.models import BookingPolicy

    BookingPolicy.objects.filter(clinic=desk.world.clinic_a).update(late_fee=Decimal("40.00"))
    appointment = book(desk, at(TUESDAY, 9))
    late = appointment_cancel(
        request=None,
        actor=desk.world.frontdesk_a,
        appointment=appointment,
        reason="Overslept",
        now=at(TUESDAY, 8),
    )
    assert late.cancellation_class == "late" and late.fee == Decimal("40.00")


def test_a_cancellation_needs_a_reason(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    with pytest.raises(BookingRefused, match="why"):
        appointment_cancel(
            request=None, actor=desk.world.frontdesk_a, appointment=appointment, reason=" ", now=NOW
        )


def test_a_no_show_is_recorded_only_after_the_start(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    with pytest.raises(BookingRefused, match="start has passed"):
        appointment_mark_no_show(
            request=None, actor=desk.world.frontdesk_a, appointment=appointment, now=NOW
        )
    missed = appointment_mark_no_show(
        request=None, actor=desk.world.frontdesk_a, appointment=appointment, now=at(TUESDAY, 10)
    )
    assert missed.status == AppointmentStatus.NO_SHOW and missed.cancellation_class == "no_show"


def test_moving_a_booking_links_old_and_new_and_keeps_one_reminder(desk: Desk) -> None:
    old = book(desk, at(TUESDAY, 9))
    new = appointment_reschedule(
        request=None,
        actor=desk.world.frontdesk_a,
        appointment=old,
        starts_at=at(TUESDAY, 9, 15),  # overlaps the old time: allowed, the old one is released
        practitioner=desk.world.clinician_a,
        location=desk.location,
        channel=BookingChannel.DESK,
        now=NOW,
    )
    old.refresh_from_db()
    assert old.status == AppointmentStatus.CANCELLED and new.rescheduled_from == old
    pending = OutboundMessage.objects.filter(kind=Kind.REMINDER, status=Status.QUEUED)
    assert [m.about for m in pending] == [new.about]


def test_a_refused_move_leaves_the_original_booking_as_it_was(desk: Desk) -> None:
    old = book(desk, at(TUESDAY, 9))
    with pytest.raises(BookingRefused):
        appointment_reschedule(
            request=None,
            actor=desk.world.frontdesk_a,
            appointment=old,
            starts_at=at(TUESDAY, 22),
            practitioner=desk.world.clinician_a,
            location=desk.location,
            channel=BookingChannel.DESK,
            now=NOW,
        )
    old.refresh_from_db()
    assert old.status == AppointmentStatus.BOOKED


def test_arrival_is_recorded_once(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    appointment_mark_arrived(request=None, actor=desk.world.frontdesk_a, appointment=appointment)
    with pytest.raises(BookingRefused, match="Only a booked appointment"):
        appointment_mark_arrived(
            request=None, actor=desk.world.frontdesk_a, appointment=appointment
        )


def test_online_bookings_keep_the_clinics_minimum_notice(desk: Desk) -> None:
    with pytest.raises(BookingRefused):
        book(desk, at(NOW.date(), 9), channel=BookingChannel.ONLINE)  # an hour away; 2 h needed
    assert book(desk, at(NOW.date(), 9), channel=BookingChannel.DESK).pk
