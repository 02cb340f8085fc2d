"""Bulk Data v2 as written: levels, parameters, errors, cancel, a dead worker, Parameters POST."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.urls import reverse

from taut import clock
from taut.charting.models import TreatmentSession
from taut.clinics.models import Location
from taut.interop.fhir import bulk
from taut.interop.models import ExportJob, ExportLevel, ExportStatus
from taut.patients.models import Patient
from tests.charting.conftest import ready_session
from tests.conftest import World, client_for, make_patient
from tests.interop.conftest import validate

ASYNC = {"HTTP_PREFER": "respond-async"}
LENIENT = {"HTTP_PREFER": "respond-async, handling=lenient"}


def _get(client: Any, url: str, query: str = "", **headers: str) -> Any:
    return client.get(f"{url}?{query}" if query else url, **(headers or ASYNC))


def _run_latest() -> ExportJob:
    return bulk.export_run(ExportJob.objects.select_related("clinic", "group").latest("pk"))


def _manifest(client: Any, response: Any) -> dict[str, Any]:
    _run_latest()
    status = client.get(response["Content-Location"])
    assert status.status_code == 200, status.content
    return dict(status.json())


def _lines(client: Any, url: str) -> list[dict[str, Any]]:
    response = client.get(url)
    body = b"".join(response.streaming_content).decode()
    return [json.loads(line) for line in body.splitlines()]


def _outcome(response: Any, status: int) -> str:
    assert response.status_code == status, response.content
    body = response.json()
    validate(body)
    assert body["resourceType"] == "OperationOutcome"
    return str(body["issue"][0]["diagnostics"])


def test_kick_off_without_respond_async_is_refused(world: World) -> None:
    client = client_for(world.owner_a)
    assert "respond-async" in _outcome(client.get(reverse("fhir:export")), 400)
    assert not ExportJob.objects.exists()


def test_type_as_a_comma_list_and_repeated_are_the_same(world: World) -> None:
    client = client_for(world.owner_a)
    _get(client, reverse("fhir:export"), "_type=Patient,Organization")
    _get(client, reverse("fhir:export"), "_type=Patient&_type=Organization")
    first, second = ExportJob.objects.order_by("pk")
    assert first.types == second.types == ["Patient", "Organization"]
    manifest = _manifest(
        client, _get(client, reverse("fhir:export"), "_type=Patient&_type=Location")
    )
    assert [entry["type"] for entry in manifest["output"]] == ["Location", "Patient"]


def test_output_format_is_validated(world: World) -> None:
    client = client_for(world.owner_a)
    for accepted in ("application/fhir+ndjson", "application/ndjson", "ndjson"):
        response = _get(client, reverse("fhir:export"), f"_outputFormat={quote(accepted)}")
        assert response.status_code == 202
    assert "text/csv" in _outcome(
        _get(client, reverse("fhir:export"), "_outputFormat=text/csv"), 400
    )


def test_type_filter_is_refused_unless_handling_is_lenient(world: World) -> None:
    client = client_for(world.owner_a)
    query = "_type=Patient&_typeFilter=Patient%3Fgender%3Dfemale"
    assert "_typeFilter" in _outcome(_get(client, reverse("fhir:export"), query), 400)
    assert not ExportJob.objects.exists()
    manifest = _manifest(client, _get(client, reverse("fhir:export"), query, **LENIENT))
    assert [entry["type"] for entry in manifest["output"]] == ["Patient"]
    (error,) = manifest["error"]
    outcome = _lines(client, error["url"])[0]
    validate(outcome)
    assert "_typeFilter=Patient?gender=female" in outcome["issue"][0]["diagnostics"]


@pytest.mark.parametrize("parameter", ["_elements=id", "patient=Patient/1"])
def test_other_unsupported_parameters_are_refused(world: World, parameter: str) -> None:
    client = client_for(world.owner_a)
    name = parameter.split("=")[0]
    assert name in _outcome(_get(client, reverse("fhir:export"), parameter), 400)


def test_since_must_be_an_instant_with_a_zone(world: World) -> None:
    client = client_for(world.owner_a)
    assert "_since" in _outcome(_get(client, reverse("fhir:export"), "_since=yesterday"), 400)
    assert "zone" in _outcome(
        _get(client, reverse("fhir:export"), "_since=2020-01-01T00:00:00"), 400
    )


def test_since_exports_only_what_changed_and_says_what_it_cannot_tell(world: World) -> None:
    client = client_for(world.owner_a)
    Patient.objects.filter(pk=world.patient_a.pk).update(
        updated_at=clock.now() - timedelta(days=30)
    )
    since = (clock.now() - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    fresh = make_patient(world.clinic_a, "Ada", "Fresh")
    query = f"_type=Patient,Organization&_since={since.replace('+', '%2B')}"
    manifest = _manifest(client, _get(client, reverse("fhir:export"), query))
    patients = next(e for e in manifest["output"] if e["type"] == "Patient")
    ids = [resource["id"] for resource in _lines(client, patients["url"])]
    assert ids == [str(fresh.public_id)]
    note = _lines(client, manifest["error"][0]["url"])[0]["issue"][0]["diagnostics"]
    assert "Organization" in note and "in full" in note


def test_since_leaves_out_signed_sessions_of_before(world: World) -> None:
    session, _ = ready_session(world)
    client = client_for(world.owner_a)
    since = (clock.now() + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    query = f"_type=Encounter&_since={since.replace('+', '%2B')}"
    open_manifest = _manifest(client, _get(client, reverse("fhir:export"), query))
    assert [e["count"] for e in open_manifest["output"]] == [1]  # still open: it may change
    TreatmentSession.objects.filter(pk=session.pk).update(
        status="signed", signed_at=clock.now() - timedelta(days=1)
    )
    signed_manifest = _manifest(client, _get(client, reverse("fhir:export"), query))
    assert signed_manifest["output"] == []


def test_patient_level_export_holds_the_compartment_only(world: World) -> None:
    ready_session(world)
    client = client_for(world.owner_a)
    response = _get(client, reverse("fhir:patient-export"))
    assert response.status_code == 202
    manifest = _manifest(client, response)
    kinds = {entry["type"] for entry in manifest["output"]}
    assert {"Patient", "Encounter", "Procedure"} <= kinds
    assert not kinds & {"Organization", "Location", "Practitioner"}
    assert ExportJob.objects.get().level == ExportLevel.PATIENT
    for entry in manifest["output"]:
        for resource in _lines(client, entry["url"]):
            validate(resource)
    refused = _get(client, reverse("fhir:patient-export"), "_type=Organization")
    assert "Organization" in _outcome(refused, 400)


def test_group_is_a_locations_patients(world: World) -> None:
    session, _ = ready_session(world)
    annex = Location.objects.create(clinic=world.clinic_a, name="Annex")
    TreatmentSession.objects.filter(pk=session.pk).update(location=annex)
    make_patient(world.clinic_a, "Not", "Seen")
    client = client_for(world.owner_a)
    group = client.get(reverse("fhir:group", kwargs={"group_id": annex.public_id}))
    assert group.status_code == 200
    validate(group.json())
    assert [m["entity"]["reference"] for m in group.json()["member"]] == [
        f"Patient/{world.patient_a.public_id}"
    ]
    url = reverse("fhir:group-export", kwargs={"group_id": annex.public_id})
    manifest = _manifest(client, _get(client, url, "_type=Patient,Encounter"))
    patients = next(e for e in manifest["output"] if e["type"] == "Patient")
    assert [r["id"] for r in _lines(client, patients["url"])] == [str(world.patient_a.public_id)]


def test_another_clinics_group_is_not_found(world: World) -> None:
    other = Location.objects.create(clinic=world.clinic_b, name="Elsewhere")
    client = client_for(world.owner_a)
    url = reverse("fhir:group-export", kwargs={"group_id": other.public_id})
    _outcome(_get(client, url), 404)
    _outcome(client.get(reverse("fhir:group", kwargs={"group_id": other.public_id})), 404)


def test_post_kick_off_honours_a_parameters_body(world: World) -> None:
    client = client_for(world.owner_a)
    body = {
        "resourceType": "Parameters",
        "parameter": [
            {"name": "_type", "valueString": "Patient"},
            {"name": "_type", "valueString": "Organization"},
            {"name": "_outputFormat", "valueString": "application/fhir+ndjson"},
            {"name": "_since", "valueInstant": "2000-01-01T00:00:00Z"},
        ],
    }
    response = client.post(
        reverse("fhir:export"), json.dumps(body), content_type="application/fhir+json", **ASYNC
    )
    assert response.status_code == 202
    job = ExportJob.objects.get()
    assert job.types == ["Patient", "Organization"]
    assert job.since is not None and job.since.year == 2000
    body["parameter"].append({"name": "_typeFilter", "valueString": "Patient?active=true"})
    refused = client.post(
        reverse("fhir:export"), json.dumps(body), content_type="application/fhir+json", **ASYNC
    )
    assert "_typeFilter" in _outcome(refused, 400)
    wrong = client.post(
        reverse("fhir:export"),
        '{"resourceType": "Patient"}',
        content_type="application/json",
        **ASYNC,
    )
    assert "Parameters" in _outcome(wrong, 400)


def test_delete_cancels_then_the_status_is_not_found(world: World) -> None:
    client = client_for(world.owner_a)
    status_url = _get(client, reverse("fhir:export"))["Content-Location"]
    job = _run_latest()
    assert bulk.export_directory(job).exists()
    cancelled = client.delete(status_url)
    assert cancelled.status_code == 202
    assert not bulk.export_directory(job).exists()
    _outcome(client.get(status_url), 404)
    _outcome(client.delete(status_url), 404)
    assert ExportJob.objects.get().status == ExportStatus.CANCELLED


def test_a_cancelled_queued_export_is_never_written(world: World) -> None:
    client = client_for(world.owner_a)
    status_url = _get(client, reverse("fhir:export"))["Content-Location"]
    client.delete(status_url)
    job = ExportJob.objects.get()
    assert bulk.run_bulk_export.call(job.pk) == "skipped"
    assert not bulk.export_directory(job).exists()


def test_cancelling_while_the_worker_writes_stops_it(world: World, monkeypatch: Any) -> None:
    monkeypatch.setattr(bulk, "HEARTBEAT_EVERY", 1)
    client = client_for(world.owner_a)
    status_url = _get(client, reverse("fhir:export"))["Content-Location"]
    job = ExportJob.objects.select_related("clinic").get()
    real = bulk._heartbeat

    def cancel_then_beat(running: ExportJob, database: str) -> None:
        ExportJob.objects.filter(pk=running.pk).update(status=ExportStatus.CANCELLED)
        real(running, database)

    monkeypatch.setattr(bulk, "_heartbeat", cancel_then_beat)
    assert bulk.export_run(job).status == ExportStatus.CANCELLED
    assert not bulk.export_directory(job).exists()
    _outcome(client.get(status_url), 404)


def test_a_running_export_without_heartbeat_is_reported_failed(
    world: World, time_machine: Any
) -> None:
    client = client_for(world.owner_a)
    status_url = _get(client, reverse("fhir:export"))["Content-Location"]
    now = clock.now()
    ExportJob.objects.update(status=ExportStatus.RUNNING, started_at=now, heartbeat_at=now)
    assert client.get(status_url).status_code == 202
    time_machine.move_to(now + bulk.stall_limit() + timedelta(minutes=1))
    assert "worker stopped" in _outcome(client.get(status_url), 500)
    assert ExportJob.objects.get().status == ExportStatus.FAILED


def test_an_export_whose_task_failed_is_reported_failed(
    world: World, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    client = client_for(world.owner_a)
    with django_capture_on_commit_callbacks(execute=True):
        status_url = _get(client, reverse("fhir:export"))["Content-Location"]
    job = ExportJob.objects.get()
    assert job.task_id
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=job.task_id).update(status="FAILED")
    assert "task failed" in _outcome(client.get(status_url), 500)


def test_manifest_states_when_the_files_expire(world: World) -> None:
    client = client_for(world.owner_a)
    response = _get(client, reverse("fhir:export"))
    _run_latest()
    status = client.get(response["Content-Location"])
    manifest = status.json()
    job = ExportJob.objects.get()
    expires = bulk.export_expires_at(job)
    assert expires is not None and status["Expires"]
    assert manifest["extension"]["expires"].startswith(expires.strftime("%Y-%m-%dT%H:%M"))
    assert manifest["requiresAccessToken"] is True
    assert manifest["request"] == response.wsgi_request.build_absolute_uri()
    assert manifest["transactionTime"]
    for entry in manifest["output"]:
        assert set(entry) == {"type", "url", "count"}


def test_every_system_export_resource_validates(world: World) -> None:
    ready_session(world)
    client = client_for(world.owner_a)
    manifest = _manifest(client, _get(client, reverse("fhir:export")))
    assert manifest["output"]
    for entry in manifest["output"]:
        lines = _lines(client, entry["url"])
        assert len(lines) == entry["count"]
        for resource in lines:
            validate(resource)
