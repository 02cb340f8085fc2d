"""/api/v1/patients: search, pagination, the registration page's own checks, and the audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from taut.audit.models import AuditEntry
from taut.patients.models import Patient
from tests.api.conftest import api_for, make_token
from tests.conftest import World, make_patient

PATIENTS = "/api/v1/patients"


def test_the_list_pages_through_the_clinics_patients_in_name_order(world: World) -> None:
    for family in ("Curie", "Babbage", "Noether"):
        make_patient(world.clinic_a, "Test", family)
    client = api_for(world.owner_a)
    first = client.get(PATIENTS, {"limit": 2}).json()
    second = client.get(PATIENTS, {"limit": 2, "cursor": first["next"]}).json()
    assert first["next"] and second["next"] is None and "count" not in first
    names = [p["family_name"] for p in first["items"] + second["items"]]
    assert names == ["Babbage", "Curie", "Lovelace", "Noether"]
    assert "Becker" not in str(first) + str(second)


def test_a_cursor_carries_its_search_and_refuses_tampering(world: World) -> None:
    for given in ("Ann", "Amy", "Abe"):
        make_patient(world.clinic_a, given, "Hopper")
    make_patient(world.clinic_a, "Hal", "Hope")
    client = api_for(world.owner_a)
    first = client.get(PATIENTS, {"q": "hop", "limit": 3}).json()
    rest = client.get(PATIENTS, {"q": "hop", "limit": 3, "cursor": first["next"]}).json()
    pages = [(p["given_name"], p["family_name"]) for p in first["items"] + rest["items"]]
    assert pages == [("Hal", "Hope"), ("Abe", "Hopper"), ("Amy", "Hopper"), ("Ann", "Hopper")]
    forged = client.get(PATIENTS, {"cursor": first["next"][:-4] + "AAAA"})
    assert forged.status_code == 422 and "cursor" in forged.json()["error"]["fields"]


def test_q_searches_like_the_patient_list_page(world: World) -> None:
    make_patient(world.clinic_a, "Grace", "Hopper", date_of_birth=date(1906, 12, 9))
    client = api_for(world.owner_a)
    assert [p["family_name"] for p in client.get(PATIENTS, {"q": "hop"}).json()["items"]] == [
        "Hopper"
    ]
    by_birth = client.get(PATIENTS, {"q": "1906-12-09"}).json()["items"]
    assert [p["given_name"] for p in by_birth] == ["Grace"]


def test_archived_patients_are_left_out_unless_asked_for(world: World) -> None:
    from taut.patients.services import patient_archive

    patient_archive(request=None, actor=world.owner_a, patient=world.patient_a)
    client = api_for(world.owner_a)
    assert client.get(PATIENTS).json()["items"] == []
    items = client.get(PATIENTS, {"include_archived": "true"}).json()["items"]
    assert items[0]["archived"] is True


def test_updated_since_needs_a_zone_and_filters(world: World) -> None:
    client = api_for(world.owner_a)
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert client.get(PATIENTS, {"updated_since": later}).json()["items"] == []
    assert len(client.get(PATIENTS, {"updated_since": "2000-01-01T00:00:00Z"}).json()["items"]) == 1
    assert client.get(PATIENTS, {"updated_since": "2000-01-01T00:00:00"}).status_code == 422


def test_registering_applies_the_registration_pages_rules(world: World) -> None:
    client = api_for(world.owner_a)
    refused = client.post(
        PATIENTS,
        {"given_name": "<b>", "family_name": "Hopper", "date_of_birth": "2999-01-01", "phone": "x"},
    )
    fields = refused.json()["error"]["fields"]
    # The name and phone rules are in the OpenAPI document, so they are refused first.
    assert refused.status_code == 422 and set(fields) == {"given_name", "phone"}
    future = client.post(
        PATIENTS, {"given_name": "Grace", "family_name": "Hopper", "date_of_birth": "2999-01-01"}
    )
    assert future.status_code == 422
    assert future.json()["error"]["fields"] == {
        "date_of_birth": ["The date of birth is in the future."]
    }
    created = client.post(
        PATIENTS,
        {"given_name": " Grace ", "family_name": "Hopper", "date_of_birth": "1906-12-09"},
    )
    assert created.status_code == 201
    patient = Patient.objects.get(public_id=created.json()["id"])
    assert patient.clinic == world.clinic_a and patient.given_name == "Grace"
    assert patient.created_by == world.owner_a and patient.family_key == "hopper"


def test_editing_changes_only_the_fields_sent(world: World) -> None:
    client = api_for(world.owner_a)
    url = f"{PATIENTS}/{world.patient_a.public_id}"
    response = client.patch(url, {"phone": "+1 303 555 0199"})
    assert response.status_code == 200 and response.json()["phone"] == "+1 303 555 0199"
    world.patient_a.refresh_from_db()
    assert world.patient_a.phone_digits == "13035550199" and world.patient_a.given_name == "Ada"
    assert client.patch(url, {"family_name": None}).status_code == 422


def test_every_read_and_write_is_audited_with_the_token(world: World) -> None:
    token, secret = make_token(world.owner_a)
    from tests.api.conftest import ApiClient

    client = ApiClient(secret)
    client.get(PATIENTS)
    client.get(f"{PATIENTS}/{world.patient_a.public_id}")
    client.patch(f"{PATIENTS}/{world.patient_a.public_id}", {"address": "1 Main St"})
    entries = AuditEntry.objects.filter(detail__via="api").order_by("pk")
    assert [(e.action, e.object_type) for e in entries] == [
        ("view", "patient_list"),
        ("view", "patient"),
        ("update", "api_call"),
    ]
    assert all(e.detail["token"] == token.prefix and e.actor == world.owner_a for e in entries)
    assert entries[0].detail["patients"] == [str(world.patient_a.public_id)]
    assert AuditEntry.objects.filter(action="update", object_type="patient").exists()


@pytest.mark.parametrize(
    ("method", "path_of", "body"),
    [
        ("patch", lambda w: f"{PATIENTS}/{w.patient_a.public_id}", [{"phone": "555"}]),
        ("patch", lambda w: f"{PATIENTS}/{w.patient_a.public_id}", []),
        ("patch", lambda w: f"{PATIENTS}/{w.patient_a.public_id}", '"a string"'),
        ("patch", lambda w: f"{PATIENTS}/{w.patient_a.public_id}", 42),
        ("post", lambda w: PATIENTS, [{"given_name": "Grace"}]),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(
    world: World, method: str, path_of: Any, body: Any
) -> None:
    client = api_for(world.owner_a)
    before = AuditEntry.objects.count()
    response = getattr(client, method)(path_of(world), body)
    assert response.status_code == 422, response.content
    assert "JSON object" in response.json()["error"]["message"] + str(
        response.json()["error"]["fields"]
    )
    assert AuditEntry.objects.count() == before
