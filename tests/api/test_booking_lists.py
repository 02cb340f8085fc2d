"""A booking made through the API alone: the appointment types, practitioners, locations and the
free times (from the booking pages' own availability code), then POST the chosen time."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.api.conftest import api_for
from tests.conftest import World
from tests.scheduling.conftest import TUESDAY, at, book, make_desk

pytestmark = pytest.mark.usefixtures("clinic_clock")  # TUESDAY must lie ahead of "now"


def test_an_integrator_finds_a_free_time_and_books_it(world: World) -> None:
    desk = make_desk(world)
    client = api_for(world.owner_a)
    types = client.get("/api/v1/appointment-types").json()["items"]
    [initial] = [t for t in types if t["kind"] == "initial_evaluation"]
    assert initial["id"] == desk.type("initial_evaluation").pk
    [practitioner] = client.get("/api/v1/practitioners").json()["items"]
    assert practitioner["id"] == str(world.clinician_a.public_id)
    [location] = client.get("/api/v1/locations").json()["items"]
    assert location["id"] == str(desk.location.public_id)

    free = client.get(
        f"/api/v1/appointment-types/{initial['id']}/free-times",
        {"date_from": TUESDAY.isoformat(), "date_to": TUESDAY.isoformat()},
    ).json()["items"]
    first = free[0]
    assert dt.datetime.fromisoformat(first["starts_at"]) == at(TUESDAY, 8)
    assert (first["practitioner"]["id"], first["location"]) == (practitioner["id"], location["id"])

    booked = client.post(
        f"/api/v1/patients/{world.patient_a.public_id}/appointments",
        {
            "appointment_type": first["appointment_type"],
            "practitioner": first["practitioner"]["id"],
            "location": first["location"],
            "starts_at": first["starts_at"],
        },
    )
    assert booked.status_code == 201, booked.json()
    assert booked.json()["appointment_type_id"] == initial["id"]
    again = client.get(
        f"/api/v1/appointment-types/{initial['id']}/free-times",
        {"date_from": TUESDAY.isoformat(), "date_to": TUESDAY.isoformat()},
    ).json()["items"]
    assert first["starts_at"] not in [item["starts_at"] for item in again]


def test_free_times_leave_out_bookings_and_breaks(world: World) -> None:
    desk = make_desk(world)
    book(desk, at(TUESDAY, 9))
    client = api_for(world.owner_a)
    kind = desk.type("initial_evaluation")
    starts = {
        dt.datetime.fromisoformat(item["starts_at"])
        for item in client.get(
            f"/api/v1/appointment-types/{kind.pk}/free-times",
            {"date_from": TUESDAY.isoformat(), "practitioner": str(world.clinician_a.public_id)},
        ).json()["items"]
    }
    assert at(TUESDAY, 9) not in starts
    assert at(TUESDAY, 12) not in starts  # the lunch break
    assert at(TUESDAY, 10) in starts


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2026-12-10", "date_to": "2026-12-01"}, "date_to"),
        ({"date_from": "2026-12-01", "date_to": "2027-02-01"}, "date_to"),
    ],
)
def test_a_bad_range_is_refused_naming_the_field(
    world: World, params: dict[str, str], field: str
) -> None:
    desk = make_desk(world)
    response = api_for(world.owner_a).get(
        f"/api/v1/appointment-types/{desk.type('initial_evaluation').pk}/free-times", params
    )
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_another_clinics_type_practitioner_or_location_is_not_found(world: World) -> None:
    desk = make_desk(world)
    client = api_for(world.owner_b)
    url = f"/api/v1/appointment-types/{desk.type('initial_evaluation').pk}/free-times"
    assert client.get(url).status_code == 404
    assert client.get("/api/v1/practitioners").json()["items"] == [
        {"id": str(world.clinician_b.public_id), "name": world.clinician_b.display_name}
    ]
    own = api_for(world.owner_a)
    for name in ("practitioner", "location"):
        response = own.get(url, {name: str(world.clinician_b.public_id)})
        assert response.status_code == 404
        assert name in response.json()["error"]["message"]
