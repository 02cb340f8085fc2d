"""Bulk-export files are patient data outside the database: they are deleted after the lifetime the
server states (TAUT_EXPORT_HOURS), and `taut backup` leaves them out."""

from __future__ import annotations

import tarfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_http_date

from taut.audit.models import AuditEntry
from taut.interop.fhir import bulk
from taut.interop.models import ExportJob, ExportStatus
from tests.conftest import World, client_for, run_due_tasks
from tests.interop.conftest import export_job_for


def _status(client: Any, job: ExportJob) -> Any:
    return client.get(reverse("fhir:export-status", kwargs={"export_id": job.public_id}))


def _patient_file(client: Any, job: ExportJob) -> Any:
    url = reverse(
        "fhir:export-file", kwargs={"export_id": job.public_id, "resource_type": "Patient"}
    )
    return client.get(url)


def _age(job: ExportJob, hours: float) -> None:
    """Make the export look as if it finished `hours` ago."""
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(hours=hours))
    job.refresh_from_db()


def test_the_status_says_when_the_files_will_be_removed(world: World, settings: Any) -> None:
    settings.TAUT_EXPORT_HOURS = 24
    job = export_job_for(world.clinic_a, world.owner_a, run=True)
    answer = _status(client_for(world.owner_a), job)
    assert answer.status_code == 200
    expires = parse_http_date(answer["Expires"])
    assert abs(expires - (job.finished_at + timedelta(hours=24)).timestamp()) < 1
    page = client_for(world.owner_a).get(reverse("interop:home")).content.decode()
    assert "for 24 hours after the export finishes" in page and "kept until" in page


def test_the_queued_removal_deletes_the_files_at_the_stated_time(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    job = export_job_for(world.clinic_a, world.owner_a)
    with django_capture_on_commit_callbacks(execute=True):  # the removal is queued on commit
        bulk.run_bulk_export.call(job.pk)
    job.refresh_from_db()
    directory = bulk.export_directory(job)
    assert job.status == ExportStatus.DONE and directory.is_dir()
    expires = bulk.export_expires_at(job)
    assert expires is not None
    run_due_tasks(at=expires - timedelta(minutes=1))
    assert directory.is_dir()
    _age(job, bulk.export_lifetime().total_seconds() / 3600)  # the stated time has come
    run_due_tasks(at=expires + timedelta(minutes=1))
    job.refresh_from_db()
    assert job.status == ExportStatus.EXPIRED and not directory.exists()
    removal = AuditEntry.objects.get(object_type="fhir_export", detail__files_removed=True)
    assert removal.object_id == str(job.public_id)


def test_an_export_past_its_lifetime_is_gone_even_before_removal(world: World) -> None:
    job = export_job_for(world.clinic_a, world.owner_a, run=True)
    client = client_for(world.owner_a)
    assert _patient_file(client, job).status_code == 200
    _age(job, bulk.export_lifetime().total_seconds() / 3600 + 1)
    for answer in (_status(client, job), _patient_file(client, job)):
        assert answer.status_code == 410
        assert "were removed" in answer.json()["issue"][0]["diagnostics"]


def test_a_new_export_sweeps_up_old_files_a_stopped_worker_missed(world: World) -> None:
    old = export_job_for(world.clinic_a, world.owner_a, run=True)
    fresh = export_job_for(world.clinic_a, world.owner_a, run=True)
    _age(old, 100)
    export_job_for(world.clinic_a, world.owner_a)
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == ExportStatus.EXPIRED and not bulk.export_directory(old).exists()
    assert fresh.status == ExportStatus.DONE and bulk.export_directory(fresh).is_dir()


@pytest.mark.django_db(transaction=True)
def test_backups_leave_export_files_out(world: World, tmp_path: Path) -> None:
    from taut.interop import backup

    job = export_job_for(world.clinic_a, world.owner_a, run=True)
    assert any(bulk.export_directory(job).iterdir())
    archive = tmp_path / "backup.tar.gz"
    backup.backup_create(archive)
    with tarfile.open(archive) as opened:
        names = opened.getnames()
    assert not any("ndjson" in name or "exports" in name for name in names), names
