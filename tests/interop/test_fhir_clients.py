"""A FHIR client nobody here wrote (fhirpy) searching, paging and reading against a live server.

It signs in with a staff session cookie: bearer tokens on /fhir/ are the FHIR-authorisation work
(taut.interop.fhir_access); the client's requests are the same either way.
"""

from __future__ import annotations

from typing import Any

from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import OperationOutcome, ResourceNotFound

from tests.conftest import World, client_for, make_patient
from tests.interop.conftest import validate


def _fhirpy(live_server: Any, user: Any) -> SyncFHIRClient:
    session = client_for(user).cookies["sessionid"].value
    return SyncFHIRClient(
        f"{live_server.url}/fhir/r4",
        extra_headers={"Cookie": f"sessionid={session}", "Accept": "application/fhir+json"},
    )


def test_fhirpy_searches_pages_and_reads(world: World, live_server: Any) -> None:
    for number in range(7):
        make_patient(world.clinic_a, f"Given{number}", f"Fhirpy{number}")
    client = _fhirpy(live_server, world.clinician_a)

    found = client.resources("Patient").search(family="fhirpy").limit(3).fetch_all()
    assert sorted(p["name"][0]["family"] for p in found) == [f"Fhirpy{n}" for n in range(7)]
    for patient in found:
        validate(patient.serialize())

    assert client.resources("Patient").search(family="fhirpy").count() == 7
    first = client.resources("Patient").search(name="fhirpy3").first()
    assert first is not None
    read = client.reference("Patient", first["id"]).to_resource()
    assert read.serialize() == first.serialize()

    other = str(world.patient_b.public_id)
    try:
        client.reference("Patient", other).to_resource()
        raise AssertionError("another clinic's patient was read")
    except ResourceNotFound:
        pass
    try:
        client.resources("Patient").search(colour="blue").fetch()
        raise AssertionError("an unknown parameter was accepted")
    except OperationOutcome as refused:
        assert "colour" in str(refused)
