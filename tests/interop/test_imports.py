"""Patient imports: CSV with a column mapping and a FHIR Bundle, a dry run reporting every row's
errors, and a commit that writes all rows, or only the good ones when the user accepts it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from taut.audit.models import AuditEntry
from taut.interop import services
from taut.interop.imports import csv_patients
from taut.interop.models import ImportBatch, ImportStatus
from taut.patients.models import Patient
from tests.conftest import World, client_for
from tests.interop.conftest import PATIENTS_CSV, import_batch_for

TODAY = date(2026, 11, 23)

BAD_CSV = (
    "given,family,born,sex,phone,email\n"
    "Grace,Hopper,09/12/1906,f,,grace@example.com\n"
    ",Nameless,01/01/1990,m,,\n"
    "Future,Child,01/01/2999,x,,\n"
    "Alan,Turing,31/02/1912,m,call me,not-an-email\n"
    "Ada,Lovelace,17/05/1980,q,,\n"
)


def _upload(client: Any, name: str, content: bytes, kind: str = "csv", ctype: str = "text/csv"):
    return client.post(
        reverse("interop:upload"),
        {"kind": kind, "file": SimpleUploadedFile(name, content, content_type=ctype)},
    )


def test_a_clean_csv_is_mapped_by_its_headers_and_imports_every_row(world: World) -> None:
    client = client_for(world.frontdesk_a)
    response = _upload(client, "patients.csv", PATIENTS_CSV.encode())
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert batch.mapping["given_name"] == "First name"
    assert batch.mapping["family_name"] == "Surname"
    assert batch.mapping["date_of_birth"] == "DOB"
    page = client.get(reverse("interop:import", kwargs={"import_id": batch.public_id}))
    assert page.status_code == 200
    assert "<strong>2</strong> rows pass" in page.content.decode()
    assert Patient.objects.count() == 2  # the dry run wrote nothing
    client.post(reverse("interop:commit", kwargs={"import_id": batch.public_id}))
    grace = Patient.objects.get(family_name="Hopper")
    assert (grace.date_of_birth, grace.sex, grace.phone) == (
        date(1906, 12, 9),
        "female",
        "(303) 555-0199",
    )
    assert grace.clinic == world.clinic_a
    assert grace.family_key == "hopper"
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.content) == (ImportStatus.COMMITTED, 2, "")


def test_every_created_patient_is_audited(world: World) -> None:
    batch = import_batch_for(world.clinic_a, world.frontdesk_a)
    services.import_commit(
        request=None, actor=world.frontdesk_a, batch=batch, skip_bad=False, today=TODAY
    )
    created = AuditEntry.objects.filter(object_type="patient", action="create")
    assert created.count() == 2
    assert AuditEntry.objects.filter(object_type="import_batch").count() == 2


def _bad_batch(world: World) -> ImportBatch:
    batch = import_batch_for(world.clinic_a, world.frontdesk_a, BAD_CSV)
    return services.import_map_columns(
        request=None,
        actor=world.frontdesk_a,
        batch=batch,
        mapping={**batch.mapping, "date_format": "dmy"},
    )


def test_the_dry_run_reports_each_rows_errors_by_field(world: World) -> None:
    reports = services.dry_run(_bad_batch(world), today=TODAY)
    by_line = {report.line: report for report in reports}
    assert by_line[2].ok and by_line[2].data["date_of_birth"] == date(1906, 12, 9)
    assert ("Given name", "This field is required.") in by_line[3].errors
    assert any(f == "Date of birth" and "future" in r for f, r in by_line[4].errors)
    fields_5 = {field for field, _ in by_line[5].errors}
    assert fields_5 == {"Date of birth", "Phone", "Email"}
    assert any(f == "Sex" and "“q”" in r for f, r in by_line[6].errors)
    assert any("already registered" in r for _, r in by_line[6].errors)  # Ada Lovelace exists


def test_a_commit_with_bad_rows_writes_nothing_unless_told_to_skip_them(world: World) -> None:
    batch = _bad_batch(world)
    with pytest.raises(services.ImportRefused, match="4 of 5 rows have errors"):
        services.import_commit(
            request=None, actor=world.frontdesk_a, batch=batch, skip_bad=False, today=TODAY
        )
    assert Patient.objects.count() == 2
    done = services.import_commit(
        request=None, actor=world.frontdesk_a, batch=batch, skip_bad=True, today=TODAY
    )
    assert (done.created_count, done.skipped_count) == (1, 4)
    assert Patient.objects.filter(family_name="Hopper").count() == 1
    entry = AuditEntry.objects.filter(object_type="import_batch", detail__committed=True).get()
    assert entry.detail["skipped_lines"] == [3, 4, 5, 6]


def test_the_commit_view_refuses_bad_rows_and_then_skips_them_when_asked(world: World) -> None:
    batch = _bad_batch(world)
    client = client_for(world.owner_a)
    url = reverse("interop:commit", kwargs={"import_id": batch.public_id})
    response = client.post(url, follow=True)
    assert "Nothing was imported" in response.content.decode()
    assert Patient.objects.count() == 2
    client.post(url, {"skip_bad": "on"})
    assert Patient.objects.count() == 3


def test_duplicates_within_the_file_are_reported(world: World) -> None:
    twice = PATIENTS_CSV + "Grace,Hopper,1906-12-09,F,,\n"
    batch = import_batch_for(world.clinic_a, world.frontdesk_a, twice)
    reports = services.dry_run(batch, today=TODAY)
    assert reports[-1].errors == [("Patient", "The same patient as row 2.")]


def test_the_mapping_step_requires_names_and_birth_date_once_each(world: World) -> None:
    batch = import_batch_for(world.clinic_a, world.frontdesk_a)
    client = client_for(world.frontdesk_a)
    url = reverse("interop:import", kwargs={"import_id": batch.public_id})
    response = client.post(
        url,
        {
            "given_name": "First name",
            "family_name": "First name",
            "date_of_birth": "DOB",
            "date_format": "iso",
        },
    )
    assert response.status_code == 400
    assert "already chosen" in response.content.decode()
    response = client.post(
        url,
        {
            "given_name": "Surname",
            "family_name": "First name",
            "date_of_birth": "DOB",
            "date_format": "iso",
            "email": "Email",
        },
    )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.mapping["given_name"] == "Surname"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Given,Family\n".encode("utf-16"), "not a text file"),
        ("given,family,dob\nJosé,Núñez,1980-01-01\n".encode("latin-1"), "not UTF-8"),
        (b"given,family,dob\n", "no patients"),
        (b"", "empty"),
    ],
)
def test_unreadable_csv_files_are_refused_with_a_reason(
    world: World, content: bytes, message: str
) -> None:
    response = _upload(client_for(world.frontdesk_a), "patients.csv", content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_file_that_is_not_csv_is_refused(world: World) -> None:
    response = _upload(client_for(world.frontdesk_a), "patients.xlsx", b"PK\x03\x04")
    assert response.status_code == 400
    assert "Choose a .csv file" in response.content.decode()


def test_the_size_limit_is_enforced(world: World, monkeypatch: Any) -> None:
    big = b"given,family,dob\n" + b"A,B,1980-01-01\n" * 200_000
    assert len(big) > csv_patients.MAX_BYTES
    response = _upload(client_for(world.frontdesk_a), "big.csv", big)
    assert response.status_code == 400
    assert "larger than 2 MB" in response.content.decode()


def test_semicolon_separated_files_with_a_bom_are_read(world: World) -> None:
    content = "\ufeffgiven_name;family_name;date_of_birth\nMarie;Curie;1967-11-07\n".encode()
    batch = import_batch_for(world.clinic_a, world.frontdesk_a, content.decode("utf-8"))
    assert batch.columns == ["given_name", "family_name", "date_of_birth"]
    assert [r.errors for r in services.dry_run(batch, today=TODAY)] == [[]]


FHIR_BUNDLE = {
    "resourceType": "Bundle",
    "type": "collection",
    "entry": [
        {
            "resource": {
                "resourceType": "Patient",
                "name": [{"use": "official", "family": "Franklin", "given": ["Rosalind", "Elsie"]}],
                "gender": "female",
                "birthDate": "1920-07-25",
                "telecom": [{"system": "phone", "value": "+44 20 7946 0000"}],
                "address": [{"line": ["1 Strand"], "city": "London", "country": "GB"}],
            }
        },
        {"resource": {"resourceType": "Observation", "status": "final", "code": {"text": "x"}}},
        {"resource": {"resourceType": "Patient", "name": [{"family": "Nobirth"}]}},
        {"resource": {"resourceType": "Patient", "birthDate": "not a date"}},
    ],
}


def test_a_fhir_bundle_is_checked_and_its_valid_patients_imported(world: World) -> None:
    client = client_for(world.frontdesk_a)
    response = _upload(
        client, "bundle.json", json.dumps(FHIR_BUNDLE).encode(), "fhir", "application/fhir+json"
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.row_count == 3  # the Observation is listed as skipped, not counted
    reports = services.dry_run(batch, today=TODAY)
    assert reports[0].ok
    assert reports[0].data["address"] == "1 Strand, London, GB"
    assert ("Patient[2].birthDate", "Missing; Taut needs the date of birth.") in reports[1].errors
    assert any(field == "Patient[3].birthDate" for field, _ in reports[2].errors)
    client.post(
        reverse("interop:commit", kwargs={"import_id": batch.public_id}), {"skip_bad": "on"}
    )
    rosalind = Patient.objects.get(family_name="Franklin")
    assert (rosalind.given_name, rosalind.sex) == ("Rosalind Elsie", "female")


def test_a_json_file_that_is_not_a_patient_bundle_is_refused(world: World) -> None:
    client = client_for(world.frontdesk_a)
    observation = json.dumps({"resourceType": "Observation"}).encode()
    response = _upload(client, "obs.json", observation, "fhir", "application/json")
    assert "Expected a Bundle, a Patient or an NDJSON file" in response.content.decode()
    response = _upload(client, "broken.json", b"{not json", "fhir", "application/json")
    assert "not JSON" in response.content.decode()


def test_a_committed_or_discarded_import_cannot_be_committed_again(world: World) -> None:
    batch = import_batch_for(world.clinic_a, world.frontdesk_a)
    services.import_discard(request=None, actor=world.frontdesk_a, batch=batch)
    assert batch.content == ""
    with pytest.raises(services.ImportRefused, match="already discarded"):
        services.import_commit(
            request=None, actor=world.frontdesk_a, batch=batch, skip_bad=False, today=TODAY
        )
    assert Patient.objects.count() == 2


def test_clinicians_may_not_import(world: World) -> None:
    response = _upload(client_for(world.clinician_a), "patients.csv", PATIENTS_CSV.encode())
    assert response.status_code == 403
    assert client_for(world.clinician_a).get(reverse("interop:home")).status_code == 403


def test_the_page_shows_exports_only_to_those_who_may_export(world: World) -> None:
    owner_page = client_for(world.owner_a).get(reverse("interop:home")).content.decode()
    desk_page = client_for(world.frontdesk_a).get(reverse("interop:home")).content.decode()
    assert "Start an export" in owner_page
    assert "Start an export" not in desk_page
    assert "Import patients" in desk_page


def _patient(**elements: Any) -> dict[str, Any]:
    return {"resourceType": "Patient", "birthDate": "1980-05-17", **elements}


def _bundle(*patients: dict[str, Any]) -> bytes:
    entries = [{"resource": patient} for patient in patients]
    return json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}).encode()


@pytest.mark.parametrize(
    ("element", "value", "named"),
    [
        ("name", "Ada Lovelace", "Patient[2].name"),
        ("name", [{"given": "Ada", "family": "Lovelace"}], "Patient[2].name[0].given"),
        ("name", ["Ada"], "Patient[2].name[0]"),
        ("telecom", {"system": "phone", "value": "555"}, "Patient[2].telecom"),
        ("telecom", [{"system": "phone", "value": 555}], "Patient[2].telecom[0].value"),
        ("address", "1 Strand, London", "Patient[2].address"),
        ("address", [{"line": "1 Strand"}], "Patient[2].address[0].line"),
    ],
)
def test_a_fhir_patient_with_a_misshapen_element_is_refused_alone_naming_it(
    world: World, element: str, value: Any, named: str
) -> None:
    good = _patient(name=[{"family": "Franklin", "given": ["Rosalind"]}])
    content = _bundle(good, _patient(**{element: value}))
    response = _upload(client_for(world.frontdesk_a), "b.json", content, "fhir", "application/json")
    assert response.status_code == 302
    first, second = services.dry_run(ImportBatch.objects.get(), today=TODAY)
    assert first.ok
    assert named in [where for where, _ in second.errors]


def test_a_misshapen_batch_stored_before_the_check_still_opens(world: World) -> None:
    content = _bundle(_patient(name="Ada", telecom={"x": 1}, address=["x"]))
    batch = import_batch_for(world.clinic_a, world.frontdesk_a)
    ImportBatch.objects.filter(pk=batch.pk).update(kind="fhir", content=content.decode())
    url = reverse("interop:import", kwargs={"import_id": batch.public_id})
    response = client_for(world.frontdesk_a).get(url)
    assert response.status_code == 200
    assert "Patient[1].name" in response.content.decode()


@pytest.mark.parametrize(
    ("number", "named"),
    [
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("-Infinity", "-Infinity"),
        ("1e999999", "1e999999"),
    ],
)
def test_numbers_json_does_not_allow_are_refused(world: World, number: str, named: str) -> None:
    content = _bundle(_patient()).decode().replace('"1980-05-17"', '"1980-05-17", "x": ' + number)
    response = _upload(
        client_for(world.frontdesk_a), "b.json", content.encode(), "fhir", "application/json"
    )
    assert response.status_code == 400
    assert named in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_single_patient_resource_is_taken_as_the_docs_say(world: World) -> None:
    patient = _patient(name=[{"family": "Meitner", "given": ["Lise"]}], gender="female")
    response = _upload(
        client_for(world.frontdesk_a), "p.json", json.dumps(patient).encode(), "fhir", ""
    )
    assert response.status_code == 302
    [report] = services.dry_run(ImportBatch.objects.get(), today=TODAY)
    assert report.ok and report.data["family_name"] == "Meitner"


def test_a_csv_with_thousands_of_columns_is_refused_at_upload(world: World) -> None:
    header = ",".join(f"c{n}" for n in range(60_000))
    content = f"given,family,dob,{header}\nAda,Lovelace,1980-05-17\n".encode()
    assert len(content) < 0.5 * 1024 * 1024
    response = _upload(client_for(world.frontdesk_a), "wide.csv", content)
    assert response.status_code == 400
    assert (
        "Line 1 has 60003 columns; a patient file may have at most 50" in response.content.decode()
    )
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"given,family,dob\nAda,Lovelace,1980-05-17" + b",x" * 60 + b"\n",
            "Line 2 has 63 columns",
        ),
        (
            b"given,family,dob\nAda," + b"L" * 5000 + b",1980-05-17\n",
            "Line 2, column 2 holds 5,000 characters; a cell may hold at most 1,000",
        ),
    ],
)
def test_wide_rows_and_huge_cells_are_refused_at_upload(
    world: World, content: bytes, message: str
) -> None:
    response = _upload(client_for(world.frontdesk_a), "odd.csv", content)
    assert response.status_code == 400
    assert message in response.content.decode()
