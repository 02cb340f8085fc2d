"""The waitlist: a cancellation offers the freed time (through the task worker) to the first
matching entries, first to accept books it, the others hear it is gone; offers lapse."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from taut.clinics.models import Membership
from taut.clinics.roles import Role
from taut.messaging.models import Kind, OutboundMessage
from taut.scheduling.models import (
    Appointment,
    AppointmentStatus,
    OfferStatus,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from taut.scheduling.services import appointment_cancel, setup
from taut.scheduling.services.waitlist import (
    OFFERS_PER_TIME,
    TAKEN,
    WaitlistRefused,
    Wish,
    offer_of_token,
    waitlist_join,
    waitlist_leave,
    waitlist_offer_accept,
)
from tests.conftest import make_patient, run_due_tasks
from tests.scheduling.conftest import NOW, TUESDAY, Desk, at, book


def wish(desk: Desk, **fields: Any) -> Wish:
    defaults: dict[str, Any] = {
        "appointment_type": desk.type("initial_evaluation"),
        "practitioner": None,
        "parts_of_day": [],
        "weekdays": [],
        "window_start": None,
        "window_end": None,
        "from_date": NOW.date(),
        "to_date": NOW.date() + dt.timedelta(days=14),
    }
    return Wish(**{**defaults, **fields})


def join(desk: Desk, patient: Any, when: dt.datetime = NOW, **fields: Any) -> WaitlistEntry:
    return waitlist_join(
        request=None, actor=None, patient=patient, wish=wish(desk, **fields), now=when
    )


def waiting(desk: Desk, n: int) -> list[Any]:
    patients = [make_patient(desk.world.clinic_a, f"Wait{i}", "Listed") for i in range(n)]
    for i, patient in enumerate(patients):
        join(desk, patient, when=NOW + dt.timedelta(minutes=i))
    return patients


def cancel(desk: Desk, appointment: Appointment) -> None:
    appointment_cancel(
        request=None, actor=desk.world.frontdesk_a, appointment=appointment, reason="Ill", now=NOW
    )


def offers() -> list[WaitlistOffer]:
    return list(WaitlistOffer.objects.order_by("offered_at", "entry__joined_at"))


def test_a_cancellation_offers_the_time_through_the_worker_not_inline(desk: Desk) -> None:
    waiting(desk, 1)
    cancel(desk, book(desk, at(TUESDAY, 10)))
    assert offers() == []
    run_due_tasks()
    (offer,) = offers()
    assert offer.starts_at == at(TUESDAY, 10) and offer.status == OfferStatus.OFFERED


def test_the_first_matching_entries_in_joining_order_are_offered(desk: Desk) -> None:
    patients = waiting(desk, OFFERS_PER_TIME + 1)
    cancel(desk, book(desk, at(TUESDAY, 10)))
    run_due_tasks()
    assert [o.entry.patient for o in offers()] == patients[:OFFERS_PER_TIME]


def test_an_offer_message_carries_a_signed_link_and_no_clinical_words(desk: Desk) -> None:
    (patient,) = waiting(desk, 1)
    cancel(desk, book(desk, at(TUESDAY, 10)))
    run_due_tasks()
    run_due_tasks()  # the message's own delivery
    message = OutboundMessage.objects.get(kind=Kind.WAITLIST_OFFER)
    assert message.recipient == patient.email
    token = re.search(r"/book/offer/([^/\s]+)/", message.body)
    assert token and offer_of_token(token.group(1)) == offers()[0]
    assert "evaluation" not in message.body.lower() and "needl" not in message.body.lower()
    assert any("earlier appointment" in m.subject for m in mail.outbox)


def test_a_forged_link_names_no_offer(desk: Desk) -> None:
    assert offer_of_token("not-a-token") is None


def test_entries_outside_the_wish_are_not_offered(desk: Desk) -> None:
    other = make_patient(desk.world.clinic_a, "Mor", "Ning")
    afternoon = make_patient(desk.world.clinic_a, "After", "Noon")
    friday = make_patient(desk.world.clinic_a, "Fri", "Day")
    late = make_patient(desk.world.clinic_a, "La", "Ter")
    join(desk, afternoon, parts_of_day=["afternoon"])
    join(desk, friday, weekdays=[4])
    join(desk, late, window_start=dt.time(11), window_end=dt.time(15))
    join(desk, other, parts_of_day=["morning"], weekdays=[TUESDAY.weekday()])
    cancel(desk, book(desk, at(TUESDAY, 10)))
    run_due_tasks()
    assert [o.entry.patient for o in offers()] == [other]


def test_the_patient_who_cancelled_is_not_offered_their_own_time(desk: Desk) -> None:
    join(desk, desk.world.patient_a)
    cancel(desk, book(desk, at(TUESDAY, 10)))
    run_due_tasks()
    assert offers() == []


def test_a_patient_already_booked_at_that_time_is_not_offered_it(desk: Desk) -> None:
    (busy,) = waiting(desk, 1)
    colleague = get_user_model().objects.create_user(username="colleague_a", first_name="Cole")
    Membership.objects.create(clinic=desk.world.clinic_a, user=colleague, role=Role.CLINICIAN)
    setup.working_hours_add(
        request=None,
        actor=desk.world.owner_a,
        clinic=desk.world.clinic_a,
        practitioner=colleague,
        location=desk.location,
        weekday=TUESDAY.weekday(),
        start=dt.time(8),
        end=dt.time(17),
    )
    book(desk, at(TUESDAY, 10), patient=busy, practitioner=colleague)
    cancel(desk, book(desk, at(TUESDAY, 10)))
    run_due_tasks()
    assert offers() == []


def test_first_to_accept_books_and_the_others_are_told_it_is_gone(desk: Desk) -> None:
    waiting(desk, 3)
    cancel(desk, book(desk, at(TUESDAY, 10)))
    run_due_tasks()
    first, second, third = offers()
    booked = waitlist_offer_accept(request=None, offer=second, now=NOW)
    assert booked.patient == second.entry.patient and booked.starts_at == at(TUESDAY, 10)
    with pytest.raises(WaitlistRefused) as refused:
        waitlist_offer_accept(request=None, offer=first, now=NOW)
    assert list(refused.value.reasons) == [TAKEN]
    first.refresh_from_db()
    second.entry.refresh_from_db()
    assert first.status == OfferStatus.TAKEN and second.entry.status == WaitlistStatus.BOOKED
    told = OutboundMessage.objects.filter(kind=Kind.WAITLIST_TAKEN)
    assert {m.patient for m in told} == {first.entry.patient, third.entry.patient}


def test_an_offer_lapses_and_the_next_in_line_is_offered(desk: Desk, clinic_clock: Any) -> None:
    patients = waiting(desk, OFFERS_PER_TIME + 1)
    cancel(desk, book(desk, at(TUESDAY, 10)))
    run_due_tasks()
    lapsed = offers()[0]
    with pytest.raises(WaitlistRefused):
        waitlist_offer_accept(request=None, offer=lapsed, now=lapsed.expires_at)
    clinic_clock.move_to(lapsed.expires_at + dt.timedelta(seconds=1))
    run_due_tasks()
    latest = WaitlistOffer.objects.filter(status=OfferStatus.OFFERED)
    assert [o.entry.patient for o in latest] == [patients[-1]]


def test_a_time_booked_by_the_desk_meanwhile_is_not_offered(desk: Desk) -> None:
    waiting(desk, 1)
    cancel(desk, book(desk, at(TUESDAY, 10)))
    book(desk, at(TUESDAY, 10), patient=make_patient(desk.world.clinic_a, "Desk", "Walkin"))
    run_due_tasks()
    assert offers() == []


def test_a_patient_who_left_the_waitlist_is_not_offered(desk: Desk) -> None:
    patient = make_patient(desk.world.clinic_a, "Gone", "Away")
    entry = join(desk, patient)
    waitlist_leave(request=None, actor=None, entry=entry)
    cancel(desk, book(desk, at(TUESDAY, 10)))
    run_due_tasks()
    assert offers() == []


def test_a_wish_with_its_dates_reversed_is_refused_naming_the_field(desk: Desk) -> None:
    patient = make_patient(desk.world.clinic_a, "Back", "Wards")
    with pytest.raises(WaitlistRefused) as refused:
        join(desk, patient, from_date=TUESDAY, to_date=TUESDAY - dt.timedelta(days=1))
    assert refused.value.reasons[0].startswith("Until:")


def test_the_accepted_booking_is_the_only_active_one_at_that_time(desk: Desk) -> None:
    waiting(desk, 2)
    cancel(desk, book(desk, at(TUESDAY, 10)))
    run_due_tasks()
    for offer in offers():
        with contextlib.suppress(WaitlistRefused):
            waitlist_offer_accept(request=None, offer=offer, now=NOW)
    active = Appointment.objects.filter(starts_at=at(TUESDAY, 10), status=AppointmentStatus.BOOKED)
    assert active.count() == 1
