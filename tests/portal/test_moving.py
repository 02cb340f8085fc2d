"""The patient moves a visit in the portal: same kind, a free time, the late rule shown before
confirming and kept on the visit given up, the new time told by message, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.urls import reverse

from taut.audit.models import AuditEntry
from taut.messaging.models import Kind, OutboundMessage
from taut.scheduling.models import Appointment, AppointmentStatus, BookingPolicy
from tests.conftest import client_for, make_patient
from tests.scheduling.conftest import TUESDAY, Desk, at, book

WEDNESDAY = TUESDAY + dt.timedelta(days=1)


def _slot(desk: Desk, start: dt.datetime) -> str:
    """A slot as the slot list posts it back (see scheduling.slots.slot_value)."""
    return f"{desk.world.clinician_a.public_id}|{desk.location.pk}|{start.isoformat()}"


def _post(desk: Desk, appointment: Any, start: dt.datetime, **extra: str) -> Any:
    url = reverse("portal:appointment_move", args=[appointment.public_id])
    data = {"appointment_type": appointment.appointment_type_id, "slot": _slot(desk, start)}
    return client_for(desk.world.portal_user_a).post(url, {**data, **extra})


def test_the_move_page_offers_free_times_of_the_same_kind(desk: Desk) -> None:
    mine = book(desk, at(TUESDAY, 9))
    url = reverse("portal:appointment_move", args=[mine.public_id])
    page = client_for(desk.world.portal_user_a).get(url, {"day": WEDNESDAY.isoformat()})
    starts = [found.slot.start for _, found in page.context["choices"]]
    assert at(WEDNESDAY, 9) in starts and at(WEDNESDAY, 12) not in starts  # lunch
    assert "no fee applies" in page.content.decode()


def test_choosing_a_time_asks_for_confirmation_and_changes_nothing_yet(desk: Desk) -> None:
    mine = book(desk, at(TUESDAY, 9))
    page = _post(desk, mine, at(WEDNESDAY, 10))
    assert page.templates[0].name == "portal/move_confirm.html"
    mine.refresh_from_db()
    assert mine.status == AppointmentStatus.BOOKED


def test_confirming_moves_the_visit_and_says_the_new_time(desk: Desk) -> None:
    mine = book(desk, at(TUESDAY, 9))
    response = _post(desk, mine, at(WEDNESDAY, 10), confirm="yes")
    assert response.status_code == 302
    mine.refresh_from_db()
    new = Appointment.objects.get(rescheduled_from=mine)
    assert mine.status == AppointmentStatus.CANCELLED and mine.fee is None
    assert new.starts_at == at(WEDNESDAY, 10) and new.appointment_type == mine.appointment_type
    confirmation = OutboundMessage.objects.get(about=new.about, kind=Kind.BOOKING_CONFIRMATION)
    assert "Wednesday 25 November 2026 at 10:00" in confirmation.body
    assert AuditEntry.objects.filter(
        object_id=str(mine.public_id), detail__status="moved_by_patient"
    ).exists()


def test_a_late_move_shows_the_fee_first_and_keeps_it(desk: Desk, clinic_clock: Any) -> None:
    BookingPolicy.objects.update_or_create(
        clinic=desk.world.clinic_a, defaults={"late_fee": Decimal("25.00"), "min_notice_minutes": 0}
    )
    mine = book(desk, at(TUESDAY, 14))
    clinic_clock.move_to(at(TUESDAY, 8))
    preview = _post(desk, mine, at(WEDNESDAY, 10))
    assert "a fee of 25.00 applies" in preview.content.decode()
    _post(desk, mine, at(WEDNESDAY, 10), confirm="yes")
    mine.refresh_from_db()
    assert mine.cancellation_class == "late" and mine.fee == Decimal("25.00")


def test_a_taken_time_is_refused_and_the_visit_stays(desk: Desk) -> None:
    mine = book(desk, at(TUESDAY, 9))
    other = make_patient(desk.world.clinic_a, "Byron", "Lovelace")
    book(desk, at(WEDNESDAY, 10), patient=other)
    response = _post(desk, mine, at(WEDNESDAY, 10), confirm="yes")
    assert response.status_code == 422
    mine.refresh_from_db()
    assert mine.status == AppointmentStatus.BOOKED


def test_a_time_of_another_kind_is_refused(desk: Desk) -> None:
    mine = book(desk, at(TUESDAY, 9))
    url = reverse("portal:appointment_move", args=[mine.public_id])
    other_type = desk.type("follow_up")
    data = {"appointment_type": other_type.pk, "slot": _slot(desk, at(WEDNESDAY, 10))}
    response = client_for(desk.world.portal_user_a).post(url, {**data, "confirm": "yes"})
    assert "same kind" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == AppointmentStatus.BOOKED


def test_another_patient_s_visit_cannot_be_moved(desk: Desk) -> None:
    sibling = make_patient(desk.world.clinic_a, "Byron", "Lovelace")
    theirs = book(desk, at(TUESDAY, 9), patient=sibling)
    url = reverse("portal:appointment_move", args=[theirs.public_id])
    assert client_for(desk.world.portal_user_a).get(url).status_code == 404
