"""What patients are told about bookings, and the calendar files and feeds Taut writes: times
in the clinic's zone in words, UTC in the files, reminders only when they can still help."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from taut.clinics.models import Location
from taut.messaging.models import Kind, OutboundMessage, Status
from taut.scheduling.calendar import initials, patient_calendar_file, practitioner_feed
from taut.scheduling.models import BookingPolicy
from taut.scheduling.services import appointment_cancel, setup
from tests.conftest import client_for, make_patient
from tests.scheduling.conftest import NOW, TUESDAY, Desk, at, book

DENVER = ZoneInfo("America/Denver")


def _message(kind: Kind) -> OutboundMessage:
    return OutboundMessage.objects.get(kind=kind)


def _unfolded(ics: str) -> list[str]:
    return ics.replace("\r\n ", "").split("\r\n")


# Reminders


def test_the_reminder_is_due_the_clinic_s_reminder_hours_before_the_visit(desk: Desk) -> None:
    BookingPolicy.objects.update_or_create(
        clinic=desk.world.clinic_a, defaults={"reminder_hours": 48}
    )
    appointment = book(desk, at(dt.date(2026, 11, 30), 9))
    reminder = _message(Kind.REMINDER)
    assert reminder.send_after == appointment.starts_at - dt.timedelta(hours=48)
    assert reminder.status == Status.QUEUED


def test_a_visit_sooner_than_the_reminder_period_gets_no_reminder(desk: Desk) -> None:
    book(desk, at(NOW.date(), 16, 15))  # today
    assert OutboundMessage.objects.filter(kind=Kind.BOOKING_CONFIRMATION).count() == 1
    assert not OutboundMessage.objects.filter(kind=Kind.REMINDER).exists()


def test_a_visit_exactly_one_reminder_period_away_gets_no_reminder(desk: Desk) -> None:
    book(desk, at(TUESDAY, 8))  # exactly 24 hours after NOW: the confirmation is the reminder
    assert not OutboundMessage.objects.filter(kind=Kind.REMINDER).exists()


def test_a_visit_a_minute_beyond_the_reminder_period_gets_one(desk: Desk) -> None:
    book(desk, at(TUESDAY, 8, 15))
    assert OutboundMessage.objects.filter(kind=Kind.REMINDER).count() == 1


def test_a_reminder_before_the_spring_forward_keeps_to_elapsed_hours(desk: Desk) -> None:
    setup.working_hours_add(
        request=None,
        actor=desk.world.owner_a,
        clinic=desk.world.clinic_a,
        practitioner=desk.world.clinician_a,
        location=desk.location,
        weekday=6,
        start=dt.time(1),
        end=dt.time(17),
    )
    # 08:00 MDT on Sunday 14 March 2027; 24 hours earlier is 07:00 MST on the Saturday.
    appointment = book(desk, dt.datetime(2027, 3, 14, 8, tzinfo=DENVER))
    reminder = _message(Kind.REMINDER)
    assert appointment.starts_at - reminder.send_after == dt.timedelta(hours=24)
    assert reminder.send_after.astimezone(DENVER).hour == 7


def test_a_patient_with_no_email_or_phone_is_booked_without_messages(desk: Desk) -> None:
    silent = make_patient(desk.world.clinic_a, "Grace", "Hopper", email="", phone="")
    assert book(desk, at(TUESDAY, 9), patient=silent).pk
    assert not OutboundMessage.objects.exists()


# The words


def test_the_confirmation_says_the_clinic_s_local_time_with_its_zone(desk: Desk) -> None:
    book(desk, at(TUESDAY, 9))
    body = _message(Kind.BOOKING_CONFIRMATION).body
    assert "Tuesday 24 November 2026 at 09:00 MST" in body
    assert "Clinician A" in body and desk.location.name in body


def test_a_summer_booking_says_mdt(desk: Desk) -> None:
    summer_day = dt.date(2027, 6, 1)  # a Tuesday
    book(desk, at(summer_day, 9).replace(tzinfo=DENVER))
    assert "Tuesday 1 June 2027 at 09:00 MDT" in _message(Kind.BOOKING_CONFIRMATION).body


def test_the_cancellation_notice_names_a_late_fee_only_when_one_is_charged(desk: Desk) -> None:
    from decimal import Decimal

    BookingPolicy.objects.update_or_create(
        clinic=desk.world.clinic_a, defaults={"late_fee": Decimal("25.00")}
    )
    in_time = book(desk, at(dt.date(2026, 11, 30), 9))
    late = book(desk, at(TUESDAY, 9))
    for appointment, now in ((in_time, NOW), (late, at(TUESDAY, 8))):
        appointment_cancel(
            request=None,
            actor=desk.world.frontdesk_a,
            appointment=appointment,
            reason="Ill",
            now=now,
        )
    bodies = {m.about: m.body for m in OutboundMessage.objects.filter(kind=Kind.BOOKING_CANCELLED)}
    assert "fee" not in bodies[in_time.about]
    assert "late-cancellation fee of 25.00" in bodies[late.about]


# Calendar files


def test_the_patient_s_calendar_file_is_in_utc_and_names_the_local_time(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    lines = _unfolded(patient_calendar_file(appointment, now=NOW))
    assert "DTSTART:20261124T160000Z" in lines
    assert "DTEND:20261124T164500Z" in lines
    assert "STATUS:CONFIRMED" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert "09:00 MST" in description


def test_the_last_visit_of_the_year_ends_on_new_year_s_day_in_utc(desk: Desk) -> None:
    appointment = book(desk, at(dt.date(2026, 12, 31), 16, 15))
    lines = _unfolded(patient_calendar_file(appointment, now=NOW))
    assert "DTSTART:20261231T231500Z" in lines and "DTEND:20270101T000000Z" in lines


def test_a_cancelled_visit_s_file_says_cancelled(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    cancelled = appointment_cancel(
        request=None, actor=desk.world.frontdesk_a, appointment=appointment, reason="Ill", now=NOW
    )
    assert "STATUS:CANCELLED" in _unfolded(patient_calendar_file(cancelled, now=NOW))


def test_text_in_a_calendar_file_is_escaped_and_lines_are_folded(desk: Desk) -> None:
    Location.objects.filter(pk=desk.location.pk).update(
        name="Main; upstairs, room 2", address="1 Long Road\nDenver " + "é" * 60
    )
    appointment = book(desk, at(TUESDAY, 9))
    appointment.location.refresh_from_db()
    ics = patient_calendar_file(appointment, now=NOW)
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    location = next(line for line in _unfolded(ics) if line.startswith("LOCATION:"))
    assert location.startswith("LOCATION:Main\\; upstairs\\, room 2\\, 1 Long Road\\, Denver")
    ics.encode().decode("utf-8")  # folding never splits a character


def test_the_practitioner_feed_shows_initials_and_never_the_name(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    feed = practitioner_feed("Clinician A", [appointment], now=NOW)
    assert "Lovelace" not in feed and "Ada" not in feed
    assert "A. L." in feed


@pytest.mark.parametrize(
    ("given", "family", "expected"), [("Ada", "Lovelace", "A. L."), ("", "", "?. ?.")]
)
def test_initials_stand_in_for_missing_names(given: str, family: str, expected: str) -> None:
    class Person:
        given_name, family_name = given, family

    assert initials(Person()) == expected


def test_the_feed_page_serves_the_clinician_s_bookings_to_the_token_holder(desk: Desk) -> None:
    book(desk, at(TUESDAY, 9))
    feed = setup.calendar_feed_renew(
        request=None, actor=desk.world.clinician_a, clinic=desk.world.clinic_a
    )
    from django.test import Client

    response = Client().get(reverse("scheduling:feed", args=[feed.token]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "BEGIN:VCALENDAR" in body and "DTSTART:20261124T160000Z" in body
    assert "Lovelace" not in body


def test_a_colleague_s_feed_does_not_carry_another_clinician_s_bookings(
    desk: Desk, django_user_model: Any
) -> None:
    from taut.clinics.models import Membership
    from taut.clinics.roles import Role
    from tests.conftest import make_user

    book(desk, at(TUESDAY, 9))
    colleague = make_user(django_user_model, "colleague")
    Membership.objects.create(clinic=desk.world.clinic_a, user=colleague, role=Role.CLINICIAN)
    feed = setup.calendar_feed_renew(request=None, actor=colleague, clinic=desk.world.clinic_a)
    from django.test import Client

    body = Client().get(reverse("scheduling:feed", args=[feed.token])).content.decode()
    assert "BEGIN:VEVENT" not in body


def test_the_staff_calendar_page_offers_the_feed_only_to_its_owner(desk: Desk) -> None:
    feed = setup.calendar_feed_renew(
        request=None, actor=desk.world.clinician_a, clinic=desk.world.clinic_a
    )
    mine = client_for(desk.world.clinician_a).get(reverse("scheduling:my_calendar"))
    theirs = client_for(desk.world.frontdesk_a).get(reverse("scheduling:my_calendar"))
    assert feed.token in mine.content.decode()
    assert feed.token not in theirs.content.decode()
