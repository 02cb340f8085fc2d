"""Patient/$everything and the Bulk Data $export: kick-off, status, files; access and audit."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from taut.audit.models import AuditEntry
from taut.interop.models import ExportJob, ExportStatus
from tests.charting.conftest import ready_session
from tests.conftest import World, client_for
from tests.interop.conftest import validate


def _everything_url(world: World) -> str:
    return reverse("fhir:everything", kwargs={"patient_id": world.patient_a.public_id})


def test_everything_returns_a_valid_searchset_bundle_of_the_patient(world: World) -> None:
    ready_session(world)
    response = client_for(world.clinician_a).get(_everything_url(world))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    bundle = response.json()
    validate(bundle)
    assert bundle["type"] == "searchset"
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert kinds[0] == "Patient"
    assert bundle["entry"][0]["search"]["mode"] == "match"
    assert {
        "Organization",
        "Practitioner",
        "QuestionnaireResponse",
        "Consent",
        "Encounter",
        "Procedure",
    } <= set(kinds)
    assert bundle["total"] == len(kinds)
    patient_url = bundle["entry"][0]["fullUrl"]
    assert patient_url == f"http://testserver/fhir/r4/Patient/{world.patient_a.public_id}"
    for entry in bundle["entry"]:
        validate(entry["resource"])


def test_everything_holds_only_that_patients_records(world: World) -> None:
    ready_session(world)
    body = client_for(world.clinician_a).get(_everything_url(world)).content.decode()
    assert str(world.patient_b.public_id) not in body
    other = reverse("fhir:everything", kwargs={"patient_id": world.patient_b.public_id})
    assert client_for(world.clinician_a).get(other).status_code == 404


def test_everything_is_audited_as_a_read_of_the_patient(world: World) -> None:
    client_for(world.owner_a).get(_everything_url(world))
    entry = AuditEntry.objects.filter(object_type="fhir_everything").get()
    assert entry.actor_id == world.owner_a.pk
    assert entry.detail == {"patient": str(world.patient_a.public_id)}


def test_front_desk_may_not_read_clinical_bundles(world: World) -> None:
    assert client_for(world.frontdesk_a).get(_everything_url(world)).status_code == 403


def _kick_off(client: Any, **params: str) -> Any:
    return client.get(reverse("fhir:export"), params, HTTP_PREFER="respond-async")


def test_export_kick_off_answers_202_with_a_status_url(world: World) -> None:
    response = _kick_off(client_for(world.owner_a))
    assert response.status_code == 202
    job = ExportJob.objects.get()
    assert response["Content-Location"] == (
        f"http://testserver/fhir/r4/$export-status/{job.public_id}"
    )
    assert job.status == ExportStatus.QUEUED
    assert AuditEntry.objects.filter(object_type="fhir_export", action="export").count() == 1


def test_export_runs_in_the_background_and_serves_ndjson_files(
    world: World, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    # The worker closes idle connections between tasks; the test database lives in one.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    ready_session(world)
    client = client_for(world.owner_a)
    with django_capture_on_commit_callbacks(execute=True):
        status_url = _kick_off(client)["Content-Location"]
    pending = client.get(status_url)
    assert pending.status_code == 202
    assert pending["Retry-After"]
    call_command("db_worker", "--batch", "--no-startup-delay")
    done = client.get(status_url)
    assert done.status_code == 200
    manifest = done.json()
    assert manifest["requiresAccessToken"] is True
    counts = {entry["type"]: entry["count"] for entry in manifest["output"]}
    assert counts["Patient"] == 1 and counts["Encounter"] == 1 and counts["Procedure"] == 1
    patient_file = next(e["url"] for e in manifest["output"] if e["type"] == "Patient")
    response = client.get(patient_file)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1
    resource = json.loads(lines[0])
    assert resource["id"] == str(world.patient_a.public_id)
    validate(resource)
    assert AuditEntry.objects.filter(object_type="fhir_export_file").count() == 1


def test_export_type_filter_writes_only_those_types(world: World) -> None:
    client = client_for(world.owner_a)
    status_url = _kick_off(client, _type="Patient,Organization")["Content-Location"]
    job = ExportJob.objects.get()
    from taut.interop.fhir.bulk import export_run

    export_run(job)
    types = [entry["type"] for entry in client.get(status_url).json()["output"]]
    assert types == ["Organization", "Patient"]


def test_export_refuses_unknown_types_and_formats(world: World) -> None:
    client = client_for(world.owner_a)
    refused = _kick_off(client, _type="Medication")
    assert refused.status_code == 400
    assert refused.json()["resourceType"] == "OperationOutcome"
    assert "Medication" in refused.json()["issue"][0]["diagnostics"]
    assert _kick_off(client, _outputFormat="text/csv").status_code == 400
    assert not ExportJob.objects.exists()


def test_a_failed_export_reports_an_operation_outcome(world: World, monkeypatch: Any) -> None:
    from taut.interop.fhir import bulk

    client = client_for(world.owner_a)
    status_url = _kick_off(client)["Content-Location"]

    def broken(clinic: Any, **selection: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(bulk, "export_resources", broken)
    job = ExportJob.objects.get()
    with pytest.raises(RuntimeError, match="disk full"):
        bulk.export_run(job)
    response = client.get(status_url)
    assert response.status_code == 500
    assert "disk full" in response.json()["issue"][0]["diagnostics"]
    assert not bulk.export_directory(job).exists()


def test_only_the_owner_may_export(world: World) -> None:
    assert _kick_off(client_for(world.clinician_a)).status_code == 403
    assert _kick_off(client_for(world.frontdesk_a)).status_code == 403


def test_another_clinics_export_is_not_found(world: World) -> None:
    _kick_off(client_for(world.owner_a))
    job = ExportJob.objects.get()
    url = reverse("fhir:export-status", kwargs={"export_id": job.public_id})
    assert client_for(world.owner_b).get(url).status_code == 404
    file_url = reverse(
        "fhir:export-file", kwargs={"export_id": job.public_id, "resource_type": "Patient"}
    )
    assert client_for(world.owner_b).get(file_url).status_code == 404


def test_files_of_an_unfinished_export_are_not_served(world: World) -> None:
    _kick_off(client_for(world.owner_a))
    job = ExportJob.objects.get()
    url = reverse(
        "fhir:export-file", kwargs={"export_id": job.public_id, "resource_type": "Patient"}
    )
    assert client_for(world.owner_a).get(url).status_code == 404
