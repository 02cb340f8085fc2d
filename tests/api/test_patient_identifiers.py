"""Registering through the API refuses a patient the clinic has (the FHIR import's matching
rule), and external identifiers are read and written on the patient."""

from __future__ import annotations

from taut.patients.models import ExternalIdentifier, Patient
from tests.api.conftest import api_for
from tests.conftest import World

MRN = {"system": "urn:oid:1.2.36.146.595.217.0.1", "value": "12345"}


def _ada(world: World, **extra: object) -> dict[str, object]:
    ada = world.patient_a
    return {
        "given_name": ada.given_name,
        "family_name": ada.family_name,
        "date_of_birth": ada.date_of_birth.isoformat(),
        **extra,
    }


def test_registering_the_same_names_and_birth_date_again_is_refused_naming_the_fields(
    world: World,
) -> None:
    client = api_for(world.owner_a)
    response = client.post(
        "/api/v1/patients", _ada(world, given_name=world.patient_a.given_name.upper())
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert set(error["fields"]) == {"given_name", "family_name", "date_of_birth"}
    assert str(world.patient_a.public_id) in error["message"]
    assert Patient.objects.for_clinic(world.clinic_a).count() == 1


def test_the_same_names_in_another_clinic_are_not_a_duplicate(world: World) -> None:
    response = api_for(world.owner_b).post("/api/v1/patients", _ada(world))
    assert response.status_code == 201, response.json()


def test_identifiers_are_written_at_registration_and_read_with_ids(world: World) -> None:
    client = api_for(world.owner_a)
    body = {"given_name": "Peter", "family_name": "Chalmers", "date_of_birth": "1974-12-25"}
    created = client.post("/api/v1/patients", {**body, "identifiers": [MRN]})
    assert created.status_code == 201, created.json()
    [identifier] = created.json()["identifiers"]
    stored = ExternalIdentifier.objects.get()
    assert identifier == {"id": str(stored.public_id), **MRN}
    read = client.get(f"/api/v1/patients/{created.json()['id']}").json()
    assert read["identifiers"] == [identifier]


def test_an_identifier_a_registered_patient_holds_refuses_the_registration(world: World) -> None:
    ExternalIdentifier.objects.create(clinic=world.clinic_a, patient=world.patient_a, **MRN)
    body = {"given_name": "Someone", "family_name": "Else", "date_of_birth": "1990-01-01"}
    response = api_for(world.owner_a).post("/api/v1/patients", {**body, "identifiers": [MRN]})
    assert response.status_code == 409
    assert list(response.json()["error"]["fields"]) == ["identifiers"]


def test_identifiers_are_added_and_removed_and_another_patients_is_refused(world: World) -> None:
    client = api_for(world.owner_a)
    url = f"/api/v1/patients/{world.patient_a.public_id}/identifiers"
    added = client.post(url, MRN)
    assert added.status_code == 201
    assert client.post(url, MRN).json()["id"] == added.json()["id"]  # held already: as it is
    other = Patient.objects.create(
        clinic=world.clinic_a,
        given_name="Emmy",
        family_name="Noether",
        given_key="emmy",
        family_key="noether",
        date_of_birth=world.patient_a.date_of_birth,
    )
    refused = client.post(f"/api/v1/patients/{other.public_id}/identifiers", MRN)
    assert refused.status_code == 409 and "another patient" in refused.json()["error"]["message"]
    removed = client.request("DELETE", f"{url}/{added.json()['id']}")
    assert removed.status_code == 204
    assert not ExternalIdentifier.objects.exists()
    assert client.request("DELETE", f"{url}/{added.json()['id']}").status_code == 404


def test_editing_a_patient_into_another_registered_one_is_refused(world: World) -> None:
    client = api_for(world.owner_a)
    body = {"given_name": "Grace", "family_name": "Hopper", "date_of_birth": "1906-12-09"}
    grace = client.post("/api/v1/patients", body).json()
    assert (
        client.patch(f"/api/v1/patients/{grace['id']}", {"phone": "303 555 0100"}).status_code
        == 200
    )
    response = client.patch(f"/api/v1/patients/{grace['id']}", _ada(world))
    assert response.status_code == 409
    assert set(response.json()["error"]["fields"]) == {"given_name", "family_name", "date_of_birth"}
