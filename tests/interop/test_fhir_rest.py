"""FHIR read and search: every type read back as the export builds it, every search parameter,
paging, _include, errors as OperationOutcomes, another clinic's records never found, audit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from taut.audit.models import AuditEntry
from taut.charting.models import LateAdverseEvent, Measure, SessionAdverseEvent
from taut.interop.fhir.collect import patient_everything
from taut.interop.fhir.search import SOURCES
from tests.charting.conftest import ready_session
from tests.conftest import World, client_for, make_patient
from tests.interop.conftest import validate

BASE = "/fhir/r4/"


@dataclass
class Records:
    world: World
    client: Client
    session: Any
    exported: list[dict[str, Any]]  # $everything of patient A: what read and search must match


@pytest.fixture
def records(world: World, clinic_clock: Any) -> Records:
    """Clinic A's patient with a record of every kind (clinic B's patient has one too)."""
    from tests.scheduling.conftest import TUESDAY, at, book, make_desk, make_plan

    session, _ = ready_session(world)
    session.diagnosis_codes = "M79.1 Myalgia, M54.2 Cervicalgia"
    session.condition = "neck_shoulder_pain"
    session.save()
    Measure.objects.create(
        clinic=world.clinic_a,
        session=session,
        instrument="nprs",
        timing="before",
        score=6,
        unit="/10",
        answers=[6],
        recorded_at=session.started_at,
    )
    SessionAdverseEvent.objects.create(
        clinic=world.clinic_a,
        session=session,
        event="bruising",
        severity="mild",
        action_taken="Pressure applied.",
        recorded_by=world.clinician_a,
        recorded_at=session.started_at,
    )
    LateAdverseEvent.objects.create(
        clinic=world.clinic_a,
        session=session,
        patient=world.patient_a,
        event="headache",
        severity="mild",
        reported_via="phone",
        reported_on=session.date_of_service,
        description="A headache that evening.",
        action_taken="Advised rest.",
        recorded_by=world.clinician_a,
        recorded_at=session.started_at,
    )
    book(make_desk(world), at(TUESDAY, 9))
    make_plan(world)
    return Records(
        world, client_for(world.clinician_a), session, patient_everything(world.patient_a)
    )


def _get(client: Client, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
    response = client.get(BASE + path, params or {}, headers=headers)
    assert response["Content-Type"] == "application/fhir+json", response.content[:200]
    return response


def _bundle(client: Client, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    response = _get(client, path, params)
    assert response.status_code == 200, response.content
    bundle = response.json()
    assert validate(bundle)["type"] == "searchset"
    return bundle


def _ids(bundle: dict[str, Any], mode: str = "match") -> list[str]:
    return [e["resource"]["id"] for e in bundle.get("entry", []) if e["search"]["mode"] == mode]


def _exported(records: Records, kind: str) -> list[dict[str, Any]]:
    return [r for r in records.exported if r["resourceType"] == kind]


EXPORTED_TYPES = sorted(set(SOURCES) - {"Condition", "DocumentReference"})


@pytest.mark.parametrize("kind", EXPORTED_TYPES)
def test_each_type_reads_back_as_the_export_builds_it(records: Records, kind: str) -> None:
    exported = _exported(records, kind)
    assert exported, f"the fixture has no {kind}"
    for resource in exported:
        response = _get(records.client, f"{kind}/{resource['id']}")
        assert response.status_code == 200
        assert response.json() == resource
        assert validate(response.json()) == resource


@pytest.mark.parametrize("kind", sorted(set(SOURCES) - {"Patient"}))
def test_each_type_searched_by_patient_finds_exactly_that_patients_records(
    records: Records, kind: str
) -> None:
    param = "subject" if kind == "AdverseEvent" else "patient"
    patient_id = str(records.world.patient_a.public_id)
    found = _bundle(records.client, kind, {param: f"Patient/{patient_id}"})
    assert found["total"] == len(_ids(found)) > 0
    for entry in found["entry"]:
        assert validate(entry["resource"]) == entry["resource"]
        assert entry["fullUrl"] == f"http://testserver{BASE}{kind}/{entry['resource']['id']}"
    if kind in EXPORTED_TYPES:
        assert sorted(_ids(found)) == sorted(r["id"] for r in _exported(records, kind))
    same = _bundle(records.client, kind, {param: patient_id})
    assert _ids(same) == _ids(found)
    other = str(records.world.patient_b.public_id)
    assert "entry" not in _bundle(records.client, kind, {param: other})


def test_adverse_events_are_found_by_patient_as_well_as_subject(records: Records) -> None:
    patient_id = str(records.world.patient_a.public_id)
    by_patient = _bundle(records.client, "AdverseEvent", {"patient": patient_id})
    assert len(_ids(by_patient)) == 2


def test_a_condition_carries_the_icd10_codes_of_the_diagnosis(records: Records) -> None:
    condition = _get(records.client, f"Condition/{records.session.public_id}").json()
    codes = [(c["system"], c["code"]) for c in condition["code"]["coding"]]
    assert codes == [
        ("http://hl7.org/fhir/sid/icd-10-cm", "M79.1"),
        ("http://hl7.org/fhir/sid/icd-10-cm", "M54.2"),
    ]
    assert condition["encounter"]["reference"] == f"Encounter/{records.session.public_id}"


def test_a_document_reference_points_at_the_signed_consent_pdf(records: Records) -> None:
    consent = _exported(records, "Consent")[0]
    document = _get(records.client, f"DocumentReference/{consent['id']}").json()
    attachment = document["content"][0]["attachment"]
    assert attachment["contentType"] == "application/pdf"
    pdf = records.client.get(attachment["url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


# --- Patient parameters ----------------------------------------------------------------------


@pytest.fixture
def patients(world: World) -> World:
    make_patient(world.clinic_a, "Grace", "Hopper", date_of_birth=_dob(1906, 12, 9), sex="female")
    make_patient(
        world.clinic_a, "Alan Mathison", "Turing", date_of_birth=_dob(1912, 6, 23), sex="male"
    )
    make_patient(world.clinic_a, "Zoë", "Sørensen", date_of_birth=_dob(1912, 7, 1))
    return world


def _dob(year: int, month: int, day: int) -> Any:
    from datetime import date

    return date(year, month, day)


def _family_names(bundle: dict[str, Any]) -> list[str]:
    return sorted(e["resource"]["name"][0]["family"] for e in bundle.get("entry", []))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"name": "hop"}, ["Hopper"]),
        ({"name": "mathison"}, ["Turing"]),
        ({"name": "zoe"}, ["Sørensen"]),
        ({"name:contains": "opp"}, ["Hopper"]),
        ({"name:exact": "Hop"}, []),
        ({"name:exact": "Hopper"}, ["Hopper"]),
        ({"family": "tur"}, ["Turing"]),
        ({"family": "alan"}, []),
        ({"given": "alan"}, ["Turing"]),
        ({"name": "hopper,turing"}, ["Hopper", "Turing"]),
        ({"birthdate": "1912"}, ["Sørensen", "Turing"]),
        ({"birthdate": "1912-06"}, ["Turing"]),
        ({"birthdate": "1906-12-09"}, ["Hopper"]),
        ({"birthdate": "eq1906-12-09"}, ["Hopper"]),
        ({"birthdate": "lt1912-06-23"}, ["Hopper"]),
        ({"birthdate": "le1912-06-23"}, ["Hopper", "Turing"]),
        ({"birthdate": "gt1912-06-23"}, ["Lovelace", "Sørensen"]),
        ({"birthdate": "ge1912-07-01"}, ["Lovelace", "Sørensen"]),
        ({"birthdate": "ne1912-06-23"}, ["Hopper", "Lovelace", "Sørensen"]),
        ({"gender": "female"}, ["Hopper"]),
        ({"gender": "http://hl7.org/fhir/administrative-gender|male"}, ["Turing"]),
        ({"name": "t", "gender": "male"}, ["Turing"]),
    ],
)
def test_patients_are_searched_by_each_parameter(
    patients: World, params: dict[str, str], expected: list[str]
) -> None:
    found = _bundle(client_for(patients.clinician_a), "Patient", params)
    assert _family_names(found) == expected, found["link"]
    for entry in found.get("entry", []):
        assert validate(entry["resource"]) == entry["resource"]


def test_patients_are_found_by_identifier_and_id(world: World) -> None:
    client = client_for(world.clinician_a)
    public_id = str(world.patient_a.public_id)
    for params in (
        {"identifier": f"urn:ietf:rfc:3986|urn:uuid:{public_id}"},
        {"identifier": f"urn:uuid:{public_id}"},
        {"_id": public_id},
    ):
        assert _ids(_bundle(client, "Patient", params)) == [public_id]
    assert "entry" not in _bundle(client, "Patient", {"identifier": f"other|urn:uuid:{public_id}"})
    other = str(world.patient_b.public_id)
    assert "entry" not in _bundle(client, "Patient", {"_id": other})


# --- dates and codes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "element"),
    [
        ("Encounter", "period.start"),
        ("Observation", "effectiveDateTime"),
        ("Procedure", "performedDateTime"),
        ("Appointment", "start"),
    ],
)
def test_date_prefixes_bound_each_dated_type(records: Records, kind: str, element: str) -> None:
    resource: Any = _exported(records, kind)[0]
    for part in element.split("."):
        resource = resource[part]
    instant = resource
    day = records.world.clinic_a.zone
    from datetime import datetime

    local_day = datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(day).date()
    expected = {
        "": True,
        "eq": True,
        "ge": True,
        "le": True,
        "lt": False,
        "gt": False,
        "ne": False,
    }
    for prefix, present in expected.items():
        found = _bundle(records.client, kind, {"date": f"{prefix}{local_day.isoformat()}"})
        assert (len(_ids(found)) > 0) is present, (prefix, local_day)
    month = _bundle(records.client, kind, {"date": f"{local_day:%Y-%m}"})
    assert _ids(month)
    exact = _bundle(records.client, kind, {"date": f"ge{instant}"})
    assert _ids(exact)


def test_observations_are_found_by_their_loinc_code(records: Records) -> None:
    loinc = "http://loinc.org|72514-3"
    for value in (loinc, "72514-3"):
        assert len(_ids(_bundle(records.client, "Observation", {"code": value}))) == 1
    assert "entry" not in _bundle(
        records.client, "Observation", {"code": "http://snomed.info/sct|72514-3"}
    )


# --- paging and _include ---------------------------------------------------------------------


def test_pages_follow_next_links_over_every_match(world: World) -> None:
    for number in range(11):
        make_patient(world.clinic_a, f"Given{number}", f"Family{number:02d}")
    client = client_for(world.clinician_a)
    bundle = _bundle(client, "Patient", {"_count": "4"})
    seen: list[str] = []
    pages = 0
    while True:
        pages += 1
        assert bundle["total"] == 12
        assert len(_ids(bundle)) <= 4
        seen += _ids(bundle)
        links = {link["relation"]: link["url"] for link in bundle["link"]}
        assert links["self"].startswith("http://testserver/fhir/r4/Patient?")
        if "next" not in links:
            break
        response = client.get(links["next"])
        bundle = response.json()
        validate(bundle)
    assert pages == 3
    assert len(seen) == len(set(seen)) == 12


def test_count_is_capped_and_zero_gives_the_total_only(world: World) -> None:
    client = client_for(world.clinician_a)
    bundle = _bundle(client, "Patient", {"_count": "0"})
    assert bundle["total"] == 1 and "entry" not in bundle
    capped = _bundle(client, "Patient", {"_count": "5000"})
    assert "_count=200" in capped["link"][0]["url"]


@pytest.mark.parametrize(
    ("kind", "include", "target"),
    [
        ("Observation", "Observation:patient", "Patient"),
        ("Encounter", "Encounter:patient", "Patient"),
        ("Appointment", "Appointment:patient", "Patient"),
        ("Procedure", "Procedure:encounter", "Encounter"),
        ("Condition", "Condition:patient", "Patient"),
    ],
)
def test_include_brings_the_referenced_resource_once(
    records: Records, kind: str, include: str, target: str
) -> None:
    bundle = _bundle(records.client, kind, {"_include": include})
    included = [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == "include"]
    assert [r["resourceType"] for r in included] == [target]
    expected = (
        records.world.patient_a.public_id if target == "Patient" else records.session.public_id
    )
    assert included[0]["id"] == str(expected)
    assert bundle["total"] == len(_ids(bundle))


# --- errors ----------------------------------------------------------------------------------


def _outcome(response: Any, status: int) -> str:
    assert response.status_code == status
    outcome = validate(response.json())
    assert outcome["resourceType"] == "OperationOutcome"
    return str(outcome["issue"][0]["diagnostics"])


def test_an_unknown_parameter_is_refused_by_name_unless_lenient(world: World) -> None:
    client = client_for(world.clinician_a)
    assert "colour" in _outcome(_get(client, "Patient", {"colour": "blue"}), 400)
    assert "_include" in _outcome(_get(client, "Patient", {"_include": "Patient:link"}), 400)
    assert ":fuzzy" in _outcome(_get(client, "Patient", {"name:fuzzy": "ada"}), 400)
    assert "birthdate" in _outcome(_get(client, "Patient", {"birthdate": "yesterday"}), 400)
    lenient = _get(client, "Patient", {"colour": "blue"}, Prefer="handling=lenient")
    assert lenient.status_code == 200 and lenient.json()["total"] == 1
    assert "colour" not in lenient.json()["link"][0]["url"]


def test_a_missing_record_and_another_clinics_are_not_found(world: World) -> None:
    client = client_for(world.clinician_a)
    assert "no Patient" in _outcome(_get(client, f"Patient/{world.patient_b.public_id}"), 404)
    _outcome(_get(client, "Patient/not-a-uuid"), 404)
    _outcome(_get(client, "Encounter/00000000-0000-4000-8000-000000000000"), 404)
    _outcome(_get(client, "Medication"), 404)
    _outcome(_get(client, "Medication/1"), 404)


def test_search_by_post_reads_the_form(records: Records) -> None:
    response = records.client.post(
        BASE + "Encounter/_search", {"patient": str(records.world.patient_a.public_id)}
    )
    assert response.status_code == 200
    assert _ids(response.json()) == [str(records.session.public_id)]


def test_search_by_post_needs_no_csrf_token_from_a_bearer_but_does_from_a_session(
    world: World,
) -> None:
    from tests.api.conftest import make_token

    _, secret = make_token(world.clinician_a)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        BASE + "Patient/_search", {"family": "love"}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200
    assert _ids(response.json()) == [str(world.patient_a.public_id)]
    client.force_login(world.clinician_a)
    assert client.post(BASE + "Patient/_search", {"family": "love"}).status_code == 403


def test_front_desk_may_not_read_clinical_resources(world: World) -> None:
    response = client_for(world.frontdesk_a).get(BASE + f"Patient/{world.patient_a.public_id}")
    assert response.status_code == 403


# --- audit -----------------------------------------------------------------------------------


def test_a_read_is_audited_as_a_view_of_the_patient(records: Records) -> None:
    encounter_id = str(records.session.public_id)
    _get(records.client, f"Encounter/{encounter_id}")
    entry = AuditEntry.objects.filter(object_type="fhir_read").get()
    assert entry.actor_id == records.world.clinician_a.pk
    assert entry.detail == {
        "patient": str(records.world.patient_a.public_id),
        "type": "Encounter",
        "id": encounter_id,
    }


def test_a_search_is_audited_once_per_patient_it_returned(patients: World) -> None:
    client = client_for(patients.clinician_a)
    _bundle(client, "Patient", {"birthdate": "1912"})
    entries = AuditEntry.objects.filter(object_type="fhir_search")
    assert entries.count() == 2
    assert {e.detail["query"] for e in entries} == {"birthdate=1912"}
    _bundle(client, "Patient", {"name": "nobody"})
    assert AuditEntry.objects.filter(object_type="fhir_search", object_id="").count() == 1
