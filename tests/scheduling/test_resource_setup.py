"""The owner adds, renames and retires rooms and devices and says which visit types need one;
the desk may not, and another clinic's room is not found."""

from __future__ import annotations

from django.urls import reverse

from taut.audit.models import AuditEntry
from taut.scheduling.models import Appointment, Resource, ResourceKind
from tests.conftest import client_for
from tests.scheduling.conftest import TUESDAY, Desk, at, book
from tests.scheduling.rooms import add_resource


def _add(client: object, desk: Desk, name: str, kind: str = "room") -> object:
    return client.post(  # type: ignore[attr-defined]
        reverse("scheduling:resource_add"),
        {"name": name, "kind": kind, "location": desk.location.pk, "active": "on"},
    )


def test_the_owner_adds_a_room_and_a_device_and_sees_them_listed(desk: Desk) -> None:
    owner = client_for(desk.world.owner_a)
    assert _add(owner, desk, "Room 1").status_code == 302
    assert _add(owner, desk, "E-stim 1", "estim_unit").status_code == 302
    page = owner.get(reverse("scheduling:setup")).content.decode()
    assert "Room 1" in page and "Electrical-stimulation unit" in page
    assert AuditEntry.objects.filter(object_type="resource").count() == 2


def test_a_second_room_of_the_same_name_is_refused_beside_the_field(desk: Desk) -> None:
    owner = client_for(desk.world.owner_a)
    _add(owner, desk, "Room 1")
    again = _add(owner, desk, "Room 1")
    assert again.status_code == 422
    assert "Name: A main already has one called “Room 1”" in again.content.decode()
    assert Resource.objects.count() == 1


def test_retiring_a_room_keeps_its_bookings_and_stops_new_ones(desk: Desk) -> None:
    room = add_resource(desk, "Room 1")
    booked = book(desk, at(TUESDAY, 10), room=room)
    owner = client_for(desk.world.owner_a)
    url = reverse("scheduling:resource_edit", kwargs={"resource_id": room.public_id})
    answer = owner.post(url, {"name": "Room 1", "kind": "room", "location": desk.location.pk})
    assert answer.status_code == 302
    room.refresh_from_db()
    booked.refresh_from_db()
    assert room.active is False and booked.room == room


def test_a_visit_type_can_be_made_to_need_a_room_and_a_device(desk: Desk) -> None:
    kind = desk.type("dry_needling")
    owner = client_for(desk.world.owner_a)
    answer = owner.post(
        reverse("scheduling:type_edit", kwargs={"type_id": kind.pk}),
        {
            "name": kind.name,
            "minutes": kind.minutes,
            "buffer_minutes": 0,
            "requires_established": "on",
            "requires_consent": "on",
            "needs_room": "on",
            "needs_device": ResourceKind.ESTIM_UNIT,
            "bookable_online": "on",
            "is_active": "on",
        },
    )
    assert answer.status_code == 302
    kind.refresh_from_db()
    assert kind.needs_room and kind.needs_device == ResourceKind.ESTIM_UNIT
    page = owner.get(reverse("scheduling:setup")).content.decode()
    assert "a treatment room; an electrical-stimulation unit" in page


def test_only_the_owner_sets_rooms_up_and_only_in_their_clinic(desk: Desk) -> None:
    assert _add(client_for(desk.world.frontdesk_a), desk, "Room 1").status_code == 403
    room = add_resource(desk, "Room 1")
    url = reverse("scheduling:resource_edit", kwargs={"resource_id": room.public_id})
    assert client_for(desk.world.owner_b).get(url).status_code == 404


def test_the_desk_books_in_a_chosen_room_and_is_told_when_it_is_taken(desk: Desk) -> None:
    from tests.conftest import make_patient
    from tests.scheduling.conftest import next_working_day
    from tests.scheduling.rooms import add_clinician

    room = add_resource(desk, "Room 2")
    kind = desk.type("initial_evaluation")
    client = client_for(desk.world.frontdesk_a)
    url = reverse("scheduling:book", kwargs={"patient_id": desk.world.patient_a.public_id})
    search = {"appointment_type": kind.pk, "practitioner": "", "day": next_working_day()}
    page = client.get(url, search)
    assert "Any free room, if the visit needs one" in page.content.decode()
    slot = page.context["choices"][0][0]
    chosen = {"appointment_type": kind.pk, "slot": slot, "room": room.public_id}
    assert client.post(url, chosen).status_code == 302
    assert Appointment.objects.get().room == room

    other = make_patient(desk.world.clinic_a, "Bo", "Second")
    add_clinician(desk, "bea")
    other_url = reverse("scheduling:book", kwargs={"patient_id": other.public_id})
    page = client.get(other_url, search)
    same_time = next(v for v, found in page.context["choices"] if v.split("|")[2] in slot)
    refused = client.post(other_url, {**chosen, "slot": same_time})
    assert refused.status_code == 422
    assert "Room 2 is taken at that time." in refused.content.decode()
