"""The HL7 FHIR R4 example resources (tests/fixtures/hl7-r4-examples, see its README) imported as a
clinic would receive them: every Patient accepted, matched or refused with a reason naming the
element, and every other resource of a Bundle listed as skipped with its reason."""

from __future__ import annotations

import json
from pathlib import Path

from taut import clock
from taut.clinics.models import Membership
from taut.interop import services
from taut.interop.models import ImportBatch
from taut.patients.models import Patient
from tests.conftest import World

EXAMPLES = Path(__file__).parent.parent / "fixtures" / "hl7-r4-examples"


PATIENT_FILES = sorted(EXAMPLES.glob("Patient-*.json"))


def _ndjson(paths: list[Path]) -> bytes:
    """The example Patients one a line, as a Bulk Data export writes Patient.ndjson."""
    return b"\n".join(json.dumps(json.loads(path.read_bytes())).encode() for path in paths)


def _upload(world: World, name: str, raw: bytes) -> ImportBatch:
    membership = Membership.objects.get(clinic=world.clinic_a, user=world.frontdesk_a)
    return services.import_upload(
        request=None, membership=membership, kind="fhir", filename=name, raw=raw
    )


def _commit(world: World, batch: ImportBatch) -> ImportBatch:
    return services.import_commit(
        request=None,
        actor=world.frontdesk_a,
        batch=batch,
        skip_bad=True,
        today=clock.today_in(world.clinic_a.zone),
    )


REFUSED = {  # example file: the elements its refusal names
    "Patient-animal.json": ["Patient[1].name.family"],  # a dog, named Kenzi only
    "Patient-dicom.json": ["Patient[3].birthDate", "Patient[3].name.given"],
    "Patient-ihe-pcd.json": ["Patient[9].birthDate"],
    "Patient-infant-fetal.json": [
        "Patient[10].birthDate",
        "Patient[10].name.given",
        "Patient[10].name.family",
    ],
    "Patient-newborn.json": ["Patient[15].name.given", "Patient[15].name.family"],
    "Patient-pat1.json": ["Patient[16].birthDate"],
    "Patient-pat2.json": ["Patient[17].birthDate"],
    "Patient-proband.json": ["Patient[20].name.given", "Patient[20].name.family"],
}
MATCHED = {  # example file: the earlier example describing the same person
    "Patient-mom.json": "Patient[7]",  # Eve Everywoman of genetics-example1
    "Patient-xcda.json": "Patient[8]",  # Henry Levin of glossy
}


def test_the_example_patients_as_ndjson_are_accepted_matched_or_refused_by_field(
    world: World,
) -> None:
    assert len(PATIENT_FILES) == 22
    batch = _upload(world, "Patient.ndjson", _ndjson(PATIENT_FILES))
    reports = services.dry_run(batch, today=clock.today_in(world.clinic_a.zone))
    refused = {
        PATIENT_FILES[r.line - 1].name: [where for where, _ in r.errors]
        for r in reports
        if not r.ok
    }
    matched = {
        PATIENT_FILES[r.line - 1].name: r.matched.split()[4] for r in reports if r.ok and r.matched
    }
    assert refused == REFUSED
    assert matched == MATCHED
    done = _commit(world, batch)
    assert (done.created_count, done.matched_count, done.skipped_count) == (12, 2, 8)
    assert done.skipped_resources == {}
    assert Patient.objects.for_clinic(world.clinic_a).count() == 1 + 12


def test_a_name_given_only_as_text_in_chinese_is_split_family_first(world: World) -> None:
    _commit(world, _upload(world, "ch.json", (EXAMPLES / "Patient-ch-example.json").read_bytes()))
    patient = Patient.objects.get(family_name="张")
    assert (patient.given_name, patient.sex) == ("无忌", "male")
    assert [(i.system, i.value) for i in patient.identifiers.all()] == [
        ("urn:oid:1.2.36.146.595.217.0.1", "3112219680806371X")
    ]


def test_the_transaction_bundle_matches_its_repeated_patient_and_lists_the_rest(
    world: World,
) -> None:
    batch = _upload(
        world, "transaction.json", (EXAMPLES / "Bundle-bundle-transaction.json").read_bytes()
    )
    skipped = services.skipped_resources(batch)
    assert [(s.where, s.resource_type) for s in skipped] == [
        ("entry[5]", "(no resource)"),
        ("entry[6]", "(no resource)"),
        ("entry[7]", "Parameters"),
        ("entry[8]", "(no resource)"),
        ("entry[9]", "(no resource)"),
    ]
    done = _commit(world, batch)
    assert (done.created_count, done.matched_count, done.skipped_count) == (1, 4, 0)
    assert done.skipped_resources == {"(no resource)": 4, "Parameters": 1}
    peter = Patient.objects.get(family_name="Chalmers")
    assert sorted(i.value for i in peter.identifiers.all()) == ["234234", "456456"]


def test_the_document_bundle_imports_its_patient_and_says_why_the_rest_is_not(
    world: World,
) -> None:
    batch = _upload(world, "father.json", (EXAMPLES / "Bundle-father.json").read_bytes())
    reasons = {s.resource_type: s.reason for s in services.skipped_resources(batch)}
    assert reasons["AllergyIntolerance"].startswith(
        "Taut records allergies only in the intake screening"
    )
    assert reasons["Observation"].startswith("Taut records observations only")
    done = _commit(world, batch)
    assert (done.created_count, done.matched_count, done.skipped_count) == (1, 0, 0)
    assert done.skipped_resources == {
        "AllergyIntolerance": 1,
        "Composition": 1,
        "Encounter": 1,
        "MedicationRequest": 1,
        "MedicationStatement": 1,
        "Observation": 1,
        "Practitioner": 1,
    }
