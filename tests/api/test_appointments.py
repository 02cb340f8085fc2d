from __future__ import annotations

from typing import Any

import pytest

from taut.scheduling.models import Appointment, AppointmentStatus
from tests.api.conftest import ApiClient, make_token
from tests.conftest import World
from tests.scheduling.conftest import TUESDAY, Desk, at, book, make_desk

pytestmark = pytest.mark.usefixtures("clinic_clock")  # TUESDAY must lie ahead of "now"


def _desk(world: World) -> Desk:
    return make_desk(world)


def _body(desk: Desk, hour: int, **extra: Any) -> dict[str, Any]:
    return {
        "appointment_type": desk.type("initial_evaluation").pk,
        "practitioner": str(desk.world.clinician_a.public_id),
        "location": str(desk.location.public_id),
        "starts_at": at(TUESDAY, hour).isoformat(),
        **extra,
    }


def test_a_token_books_a_free_time_for_a_patient(world: World) -> None:
    desk = _desk(world)
    client = ApiClient(make_token(world.owner_a)[1])
    response = client.post(
        f"/api/v1/patients/{world.patient_a.public_id}/appointments", _body(desk, 9)
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "booked"
    assert Appointment.objects.get().starts_at == at(TUESDAY, 9)


def test_a_taken_time_answers_409_with_the_reason(world: World) -> None:
    desk = _desk(world)
    book(desk, at(TUESDAY, 9))
    client = ApiClient(make_token(world.owner_a)[1])
    response = client.post(
        f"/api/v1/patients/{world.patient_a.public_id}/appointments", _body(desk, 9)
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "refused"
    assert "no longer free" in response.json()["error"]["message"]


def test_an_unknown_type_answers_404_naming_it(world: World) -> None:
    desk = _desk(world)
    client = ApiClient(make_token(world.owner_a)[1])
    response = client.post(
        f"/api/v1/patients/{world.patient_a.public_id}/appointments",
        _body(desk, 9, appointment_type=999999),
    )
    assert response.status_code == 404 and "appointment_type" in response.json()["error"]["message"]


def test_lists_filter_by_patient_and_status_and_cancel_works(world: World) -> None:
    desk = _desk(world)
    appointment = book(desk, at(TUESDAY, 9))
    client = ApiClient(make_token(world.owner_a)[1])
    listed = client.get("/api/v1/appointments", {"patient": str(world.patient_a.public_id)}).json()
    assert [item["id"] for item in listed["items"]] == [str(appointment.public_id)]
    cancelled = client.post(
        f"/api/v1/appointments/{appointment.public_id}/cancel", {"reason": "Flu"}
    )
    assert (
        cancelled.status_code == 200 and cancelled.json()["status"] == AppointmentStatus.CANCELLED
    )
    booked = client.get("/api/v1/appointments", {"status": "booked"}).json()
    assert len(booked["items"]) == 0
