"""Many people reach for the same slot (or the same room) at once: exactly one gets it, on either
database."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from taut.scheduling.models import Appointment, BookingChannel
from taut.scheduling.services import BookingRefused
from tests.conftest import make_patient
from tests.scheduling.conftest import TUESDAY, at, book, make_desk
from tests.scheduling.rooms import add_clinician, add_resource

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


def _race(contenders: list[Any], attempt: Any) -> list[str]:
    """Run `attempt(contender)` in one thread each, all let go at once; their outcomes."""
    start_line = threading.Barrier(len(contenders))
    outcomes: list[str] = []
    lock = threading.Lock()

    def contend(contender: Any) -> None:
        try:
            start_line.wait()
            attempt(contender)
            outcome = "booked"
        except (BookingRefused, IntegrityError):
            outcome = "refused"
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=contend, args=(c,)) for c in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _room_contenders(world: Any) -> tuple[Any, Any, list[tuple[Any, Any]]]:
    """One room, and as many clinicians and patients as contenders: only the room is shared."""
    desk = make_desk(world)
    room = add_resource(desk, "Room 1")
    pairs = [
        (add_clinician(desk, f"clin{i}"), make_patient(world.clinic_a, f"Pat{i}", "Contender"))
        for i in range(CONTENDERS)
    ]
    return desk, room, pairs


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_room_give_exactly_one_appointment(world: Any) -> None:
    desk, room, pairs = _room_contenders(world)

    def attempt(pair: tuple[Any, Any]) -> None:
        practitioner, patient = pair
        book(desk, at(TUESDAY, 10), patient=patient, practitioner=practitioner, room=room)

    outcomes = _race(pairs, attempt)

    assert sorted(outcomes) == ["booked"] + ["refused"] * (CONTENDERS - 1), outcomes
    assert Appointment.objects.filter(room=room).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_alone_lets_one_of_concurrent_writes_hold_a_room(world: Any) -> None:
    """Straight to the table, past every check of the service: the guard still lets one in."""
    desk, room, pairs = _room_contenders(world)
    kind = desk.type("initial_evaluation")

    def attempt(pair: tuple[Any, Any]) -> None:
        practitioner, patient = pair
        with transaction.atomic():
            Appointment.objects.create(
                clinic=world.clinic_a,
                patient=patient,
                practitioner=practitioner,
                location=desk.location,
                appointment_type=kind,
                starts_at=at(TUESDAY, 10),
                ends_at=at(TUESDAY, 10, 45),
                blocked_until=at(TUESDAY, 10, 45),
                channel=BookingChannel.DESK,
                room=room,
            )

    outcomes = _race(pairs, attempt)

    assert sorted(outcomes) == ["booked"] + ["refused"] * (CONTENDERS - 1), outcomes
    assert Appointment.objects.filter(room=room).count() == 1
