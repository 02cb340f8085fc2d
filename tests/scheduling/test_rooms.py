"""Rooms and devices: a visit type that needs one gets a free one, a taken one is refused, a move
keeps its room when it can, and the database refuses a double-booked resource by itself."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from taut.scheduling.models import Appointment, AppointmentStatus, BookingChannel, ResourceKind
from taut.scheduling.services import BookingRefused, appointment_cancel, appointment_reschedule
from tests.conftest import make_patient
from tests.scheduling.conftest import NOW, TUESDAY, Desk, at, book
from tests.scheduling.rooms import add_clinician, add_resource, needs


def _refusal(call: Any) -> BookingRefused:
    with pytest.raises(BookingRefused) as refused:
        call()
    return refused.value


def test_a_type_that_needs_a_room_takes_a_free_one_until_none_is_left(desk: Desk) -> None:
    needs(desk, "initial_evaluation", room=True)
    one, two = add_resource(desk, "Room 1"), add_resource(desk, "Room 2")
    first = book(desk, at(TUESDAY, 10))
    second = book(
        desk,
        at(TUESDAY, 10),
        practitioner=add_clinician(desk, "bea"),
        patient=make_patient(desk.world.clinic_a, "Bo", "Second"),
    )
    assert (first.room, second.room) == (one, two)

    refusal = _refusal(
        lambda: book(
            desk,
            at(TUESDAY, 10, 15),
            practitioner=add_clinician(desk, "cal"),
            patient=make_patient(desk.world.clinic_a, "Cy", "Third"),
        )
    )
    assert refusal.reasons == ("No treatment room is free at A main at that time.",)
    assert set(refusal.fields) == {"room"}
    assert Appointment.objects.count() == 2


def test_the_room_is_held_through_the_buffer_and_freed_by_a_cancellation(desk: Desk) -> None:
    appointment_type = needs(desk, "initial_evaluation", room=True)
    appointment_type.buffer_minutes = 15
    appointment_type.save()
    add_resource(desk, "Room 1")
    first = book(desk, at(TUESDAY, 10))
    other = add_clinician(desk, "bea")
    patient = make_patient(desk.world.clinic_a, "Bo", "Second")
    # 10:00 + 45 min + 15 min buffer: the room is not free at 10:45.
    with pytest.raises(BookingRefused):
        book(desk, at(TUESDAY, 10, 45), practitioner=other, patient=patient)
    assert book(desk, at(TUESDAY, 11), practitioner=other, patient=patient).room == first.room

    appointment_cancel(
        request=None, actor=desk.world.frontdesk_a, appointment=first, reason="Ill", now=NOW
    )
    later = make_patient(desk.world.clinic_a, "Cy", "Third")
    assert book(desk, at(TUESDAY, 10), patient=later).room == first.room


def test_a_chosen_room_must_be_free_active_a_room_and_at_the_location(desk: Desk) -> None:
    room = add_resource(desk, "Room 1")
    unit = add_resource(desk, "E-stim 1", ResourceKind.ESTIM_UNIT)
    book(desk, at(TUESDAY, 10), room=room)
    other = add_clinician(desk, "bea")
    patient = make_patient(desk.world.clinic_a, "Bo", "Second")

    taken = _refusal(
        lambda: book(desk, at(TUESDAY, 10), practitioner=other, patient=patient, room=room)
    )
    assert taken.reasons == ("Room 1 is taken at that time.",) and "room" in taken.fields
    not_a_room = _refusal(lambda: book(desk, at(TUESDAY, 14), room=unit, patient=patient))
    assert not_a_room.reasons == ("E-stim 1 is not a treatment room.",)
    room.active = False
    room.save()
    retired = _refusal(lambda: book(desk, at(TUESDAY, 15), room=room, patient=patient))
    assert retired.reasons == ("Room 1 is retired; choose another.",)


def test_a_type_that_needs_an_estim_unit_takes_one_or_names_the_device(desk: Desk) -> None:
    needs(desk, "initial_evaluation", device=ResourceKind.ESTIM_UNIT)
    add_resource(desk, "Spare table", ResourceKind.OTHER)
    unit = add_resource(desk, "E-stim 1", ResourceKind.ESTIM_UNIT)
    assert book(desk, at(TUESDAY, 10)).device == unit
    refusal = _refusal(
        lambda: book(
            desk,
            at(TUESDAY, 10),
            practitioner=add_clinician(desk, "bea"),
            patient=make_patient(desk.world.clinic_a, "Bo", "Second"),
        )
    )
    assert refusal.reasons == ("No electrical-stimulation unit is free at A main at that time.",)
    assert set(refusal.fields) == {"device"}


def _move(desk: Desk, appointment: Appointment, hour: int) -> Appointment:
    return appointment_reschedule(
        request=None,
        actor=desk.world.frontdesk_a,
        appointment=appointment,
        starts_at=at(TUESDAY, hour),
        practitioner=appointment.practitioner,
        location=appointment.location,
        channel=BookingChannel.DESK,
        now=NOW,
    )


def test_a_move_keeps_its_room_when_free_else_takes_another_else_is_refused(desk: Desk) -> None:
    needs(desk, "initial_evaluation", room=True)
    one, two = add_resource(desk, "Room 1"), add_resource(desk, "Room 2")
    mine = _move(desk, book(desk, at(TUESDAY, 10), room=two), 11)
    assert mine.room == two

    other = add_clinician(desk, "bea")
    patients = [make_patient(desk.world.clinic_a, f"P{i}", "Other") for i in range(2)]
    book(desk, at(TUESDAY, 14), practitioner=other, patient=patients[0], room=two)
    moved = _move(desk, mine, 14)
    assert moved.room == one

    third = add_clinician(desk, "cal")
    book(desk, at(TUESDAY, 9), practitioner=third, patient=patients[1], room=one)
    book(desk, at(TUESDAY, 9), practitioner=other, patient=patients[0], room=two)
    refusal = _refusal(lambda: _move(desk, moved, 9))
    assert refusal.reasons == ("No treatment room is free at A main at that time.",)
    moved.refresh_from_db()
    assert moved.status == AppointmentStatus.BOOKED and moved.room == one


def test_a_visit_can_be_booked_longer_within_what_its_kind_allows(desk: Desk) -> None:
    longer = book(desk, at(TUESDAY, 10), minutes=60)
    assert longer.ends_at == at(TUESDAY, 11)
    assert desk.type("initial_evaluation").minutes == 45  # the type keeps its own length
    patient = make_patient(desk.world.clinic_a, "Bo", "Second")
    refusal = _refusal(lambda: book(desk, at(TUESDAY, 14), minutes=300, patient=patient))
    assert "end" in refusal.fields and refusal.reasons[0].startswith("Length:")


@pytest.mark.parametrize("column", ["room", "device"])
def test_the_database_refuses_a_double_booked_resource_by_itself(desk: Desk, column: str) -> None:
    kind = ResourceKind.ROOM if column == "room" else ResourceKind.ESTIM_UNIT
    resource = add_resource(desk, "Shared", kind)
    first = book(desk, at(TUESDAY, 10), **{column: resource})
    other = add_clinician(desk, "bea")
    clash = Appointment(
        clinic=first.clinic,
        patient=make_patient(desk.world.clinic_a, "Bo", "Second"),
        practitioner=other,
        location=first.location,
        appointment_type=first.appointment_type,
        starts_at=at(TUESDAY, 10, 30),
        ends_at=at(TUESDAY, 11, 15),
        blocked_until=at(TUESDAY, 11, 15),
        channel=BookingChannel.DESK,
        **{column: resource},
    )
    with pytest.raises(IntegrityError, match=f"appointment_{column}_taken"), transaction.atomic():
        clash.save()

    clash.status = AppointmentStatus.CANCELLED  # a cancelled booking holds nothing
    clash.save()
    clash.status = AppointmentStatus.BOOKED
    with pytest.raises(IntegrityError, match=f"appointment_{column}_taken"), transaction.atomic():
        clash.save()
