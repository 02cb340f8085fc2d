"""Attending a visit: the session opens once, an attended evaluation makes the patient
established, and a care plan's follow-ups land on its rhythm with their days reported."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from taut.clinics.models import Membership
from taut.scheduling.models import Appointment, AppointmentStatus
from taut.scheduling.services import (
    appointment_mark_arrived,
    appointment_start_session,
    patient_is_established,
)
from taut.scheduling.services.care_plans import care_plan_book_follow_ups
from tests.conftest import client_for, publish_consent_document, sign_consent
from tests.scheduling.conftest import NOW, TUESDAY, Desk, at, book, make_plan


def _ready(desk: Desk) -> None:
    from tests.charting.conftest import make_ready, stock_and_profile

    make_ready(desk.world)
    stock_and_profile(desk.world)


def _start(desk: Desk, appointment: Appointment) -> object:
    membership = Membership.objects.get(user=desk.world.clinician_a)
    return appointment_start_session(
        request=None, membership=membership, appointment=appointment, today=TUESDAY
    )


def test_starting_the_session_twice_opens_one_note(desk: Desk) -> None:
    _ready(desk)
    appointment = book(desk, at(TUESDAY, 9))
    first, second = _start(desk, appointment), _start(desk, appointment)
    assert first == second
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.COMPLETED


def test_an_arrived_patient_s_session_opens(desk: Desk) -> None:
    _ready(desk)
    appointment = book(desk, at(TUESDAY, 9))
    appointment_mark_arrived(request=None, actor=desk.world.frontdesk_a, appointment=appointment)
    assert _start(desk, appointment) is not None


def test_an_attended_evaluation_makes_the_patient_established(desk: Desk) -> None:
    _ready(desk)
    assert not patient_is_established(desk.world.patient_a)
    _start(desk, book(desk, at(TUESDAY, 9)))
    assert patient_is_established(desk.world.patient_a)


def test_a_cancelled_evaluation_does_not_make_the_patient_established(desk: Desk) -> None:
    from taut.scheduling.services import appointment_cancel

    evaluation = book(desk, at(TUESDAY, 9))
    appointment_cancel(
        request=None, actor=desk.world.frontdesk_a, appointment=evaluation, reason="x", now=NOW
    )
    assert not patient_is_established(desk.world.patient_a)


def test_withdrawn_consent_blocks_needling_bookings_again(desk: Desk) -> None:
    from taut.consent.services import consent_withdraw
    from taut.scheduling.services import BookingRefused

    _ready(desk)
    _start(desk, book(desk, at(TUESDAY, 9)))
    consent = sign_consent(
        desk.world.patient_a,
        publish_consent_document(desk.world.clinic_a, desk.world.owner_a),
        desk.world.frontdesk_a,
    )
    consent_withdraw(request=None, actor=desk.world.owner_a, consent=consent, reason="")
    with pytest.raises(BookingRefused, match="needs a current consent"):
        book(desk, at(TUESDAY, 14), kind="dry_needling")


def test_the_start_page_sends_the_clinician_to_the_note(desk: Desk) -> None:
    _ready(desk)
    appointment = book(desk, at(TUESDAY, 9))
    url = reverse("scheduling:start_session", args=[appointment.public_id])
    response = client_for(desk.world.clinician_a).post(url)
    appointment.refresh_from_db()
    assert appointment.session is not None
    assert response["Location"].endswith(f"{appointment.session.public_id}/")


def test_follow_ups_that_meet_a_day_off_are_reported_and_the_rest_booked(desk: Desk) -> None:
    plan = make_plan(desk.world)
    first = at(dt.date(2026, 11, 19), 9)  # the Thursday a week before Thanksgiving
    results = care_plan_book_follow_ups(
        request=None,
        actor=desk.world.frontdesk_a,
        plan=plan,
        practitioner=desk.world.clinician_a,
        appointment_type=desk.type("follow_up"),
        first=first,
        sessions=3,
        now=NOW,
    )
    assert len(results) == 3
    booked = [r.appointment for r in results if r.appointment is not None]
    assert all(a.care_plan == plan and a.channel == "care_plan" for a in booked)
    days = [a.starts_at.astimezone(first.tzinfo).date() for a in booked]
    assert dt.date(2026, 11, 26) not in days  # Thanksgiving stays free
    (missed,) = [r for r in results if r.appointment is None]
    assert missed.aimed_at.astimezone(first.tzinfo).date() == dt.date(2026, 11, 26)
    assert missed.reason == "no free time that day"
    assert all((b - a).days >= 7 for a, b in zip(days, days[1:], strict=False))
