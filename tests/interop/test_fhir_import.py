"""The FHIR import's reading of what senders write: names as text, partial birth dates, genders as
written, identifiers, NDJSON (Taut's own bulk export included), and the result it reports."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from taut import clock
from taut.clinics.models import Membership
from taut.interop import services
from taut.interop.fhir.bulk import export_directory
from taut.interop.models import ImportBatch
from taut.patients.models import ExternalIdentifier, Patient
from tests.conftest import World, client_for
from tests.interop.conftest import export_job_for


def _patient(**elements: Any) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "name": [{"family": "Meitner", "given": ["Lise"]}],
        "birthDate": "1978-11-07",
        **elements,
    }


def _upload(world: World, raw: bytes, *, user: str = "frontdesk_a") -> ImportBatch:
    actor = getattr(world, user)
    membership = Membership.objects.filter(user=actor).get()
    return services.import_upload(
        request=None, membership=membership, kind="fhir", filename="p.json", raw=raw
    )


def _reports(world: World, *resources: dict[str, Any]) -> list[Any]:
    bundle = {"resourceType": "Bundle", "type": "collection"}
    bundle["entry"] = [{"resource": resource} for resource in resources]  # type: ignore[assignment]
    batch = _upload(world, json.dumps(bundle).encode())
    return services.dry_run(batch, today=clock.today_in(world.clinic_a.zone))


def _commit(world: World, batch: ImportBatch) -> ImportBatch:
    return services.import_commit(
        request=None,
        actor=batch.uploaded_by,
        batch=batch,
        skip_bad=True,
        today=clock.today_in(batch.clinic.zone),
    )


@pytest.mark.parametrize(
    ("text", "given", "family"),
    [
        ("Peter James Chalmers", "Peter James", "Chalmers"),
        ("  Rosalind   Franklin ", "Rosalind", "Franklin"),
        ("山田太郎", "田太郎", "山"),
    ],
)
def test_a_name_given_only_as_text_is_split_not_refused(
    world: World, text: str, given: str, family: str
) -> None:
    [report] = _reports(world, _patient(name=[{"text": text}]))
    assert report.ok, report.errors
    assert (report.data["given_name"], report.data["family_name"]) == (given, family)


@pytest.mark.parametrize(
    ("born", "gives"), [("1978", "only the year"), ("1978-11", "only the year and month")]
)
def test_a_partial_birth_date_is_refused_naming_the_element_and_why(
    world: World, born: str, gives: str
) -> None:
    first, second = _reports(world, _patient(), _patient(birthDate=born))
    assert first.ok
    [(where, reason)] = second.errors
    assert where == "Patient[2].birthDate"
    assert f"“{born}” gives {gives}; Taut needs the full date of birth" in reason


@pytest.mark.parametrize("gender", ["male", "female", "other", "unknown"])
def test_gender_codes_are_kept_as_written(world: World, gender: str) -> None:
    [report] = _reports(world, _patient(gender=gender))
    assert report.data["sex"] == gender


def test_a_gender_code_fhir_does_not_know_is_refused_naming_it(world: World) -> None:
    [report] = _reports(world, _patient(gender="F"))
    assert [where for where, _ in report.errors] == ["Patient[1].gender"]


def test_identifiers_are_kept_and_a_patient_holding_one_is_matched(world: World) -> None:
    mrn = {"system": "urn:oid:1.2.3", "value": "MRN-1"}
    _commit(world, _upload(world, json.dumps(_patient(identifier=[mrn])).encode()))
    lise = Patient.objects.get(family_name="Meitner")
    assert [(i.system, i.value) for i in lise.identifiers.all()] == [("urn:oid:1.2.3", "MRN-1")]
    renamed = _patient(name=[{"family": "Meitner-Frisch", "given": ["Lise"]}], identifier=[mrn])
    done = _commit(world, _upload(world, json.dumps(renamed).encode()))
    assert (done.created_count, done.matched_count) == (0, 1)
    assert not Patient.objects.filter(family_name="Meitner-Frisch").exists()


def test_identifiers_of_two_registered_patients_refuse_the_resource(world: World) -> None:
    for value, patient in (("A", world.patient_a), ("B", _other_patient(world))):
        ExternalIdentifier.objects.create(
            clinic=world.clinic_a, patient=patient, system="s", value=value
        )
    [report] = _reports(
        world, _patient(identifier=[{"system": "s", "value": "A"}, {"system": "s", "value": "B"}])
    )
    assert [where for where, _ in report.errors] == ["identifier"]


def _other_patient(world: World) -> Patient:
    return Patient.objects.create(
        clinic=world.clinic_a,
        given_name="Emmy",
        family_name="Noether",
        given_key="emmy",
        family_key="noether",
        date_of_birth=clock.today_in(world.clinic_a.zone).replace(year=1982),
    )


def test_ndjson_is_read_one_resource_a_line_and_a_bad_line_is_named(world: World) -> None:
    lines = [json.dumps(_patient()), json.dumps({"resourceType": "Condition"}), "", "{oops"]
    with pytest.raises(services.ImportRefused, match="on line 4"):
        _upload(world, "\n".join(lines).encode())
    batch = _upload(world, "\n".join(lines[:3]).encode())
    [skipped] = services.skipped_resources(batch)
    assert (skipped.where, skipped.resource_type) == ("line 2", "Condition")
    assert "intake screening" in skipped.reason


def test_taut_imports_its_own_bulk_exports_patients(world: World) -> None:
    job = export_job_for(world.clinic_a, world.owner_a, run=True)
    exported = (export_directory(job) / "Patient.ndjson").read_bytes()
    done = _commit(world, _upload(world, exported, user="frontdesk_b"))
    in_a = Patient.objects.for_clinic(world.clinic_a).count()
    assert (done.created_count, done.skipped_count) == (in_a, 0)
    ada = Patient.objects.for_clinic(world.clinic_b).get(family_name=world.patient_a.family_name)
    assert ada.date_of_birth == world.patient_a.date_of_birth
    again = _commit(world, _upload(world, exported, user="frontdesk_a"))
    assert (again.created_count, again.matched_count) == (0, in_a)


def test_the_result_page_counts_imported_matched_refused_and_skipped_per_type(
    world: World,
) -> None:
    ada = world.patient_a
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": _patient()},
            {
                "resource": _patient(
                    name=[{"family": ada.family_name, "given": [ada.given_name]}],
                    birthDate=ada.date_of_birth.isoformat(),
                )
            },
            {"resource": _patient(birthDate="1978")},
            {"resource": {"resourceType": "Observation"}},
            {"resource": {"resourceType": "Observation"}},
            {"resource": {"resourceType": "Condition"}},
        ],
    }
    client = client_for(world.frontdesk_a)
    batch = _upload(world, json.dumps(bundle).encode())
    page = client.get(reverse("interop:import", kwargs={"import_id": batch.public_id}))
    text = page.content.decode()
    assert "Patient[3].birthDate" in text and "entry[5]" in text and "Matched" in text
    response = client.post(
        reverse("interop:commit", kwargs={"import_id": batch.public_id}),
        {"skip_bad": "on"},
        follow=True,
    )
    text = response.content.decode()
    assert (
        "Imported 1 patient; matched 1 registered patient; refused 1 row with errors; "
        "skipped 1 Condition resource; skipped 2 Observation resources." in text
    )
    assert "Skipped: Observation</th><td>2</td>" in text
