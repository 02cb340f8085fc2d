"""Many people reach for the same slot at once: exactly one gets it, on either database."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from taut.scheduling.models import Appointment
from taut.scheduling.services import BookingRefused
from tests.conftest import make_patient
from tests.scheduling.conftest import TUESDAY, at, book, make_desk

CONTENDERS = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_slot_give_exactly_one_appointment(world: Any) -> None:
    desk = make_desk(world)
    patients = [make_patient(world.clinic_a, f"Pat{i}", "Contender") for i in range(CONTENDERS)]
    start_line = threading.Barrier(CONTENDERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def contend(patient: Any) -> None:
        try:
            start_line.wait()
            book(desk, at(TUESDAY, 10), patient=patient)
            outcome = "booked"
        except BookingRefused:
            outcome = "refused"
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=contend, args=(p,)) for p in patients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["booked"] + ["refused"] * (CONTENDERS - 1), outcomes
    assert Appointment.objects.filter(starts_at=at(TUESDAY, 10)).count() == 1
