"""FHIR Bulk Data export of a clinic: NDJSON per resource type, written by a background task.

    job = export_request(request=..., membership=..., request_url=...)   # 202 + status URL
    run_bulk_export.enqueue(job.pk)   # done by export_request once the transaction commits

Files go to VAR_DIR/exports/<clinic public id>/<job public id>/<Type>.ndjson; they are written
under a ".partial" directory and renamed when complete, so a half-written export is never served.
They are deleted TAUT_EXPORT_HOURS after the export finished: a task queued for that moment does it,
and every new export request sweeps up any that a stopped worker missed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, cast

from django.conf import settings
from django.db import router, transaction
from django.http import Http404, HttpRequest
from django_tasks import TaskResultStatus, task
from django_tasks.exceptions import TaskResultDoesNotExist

from taut import clock
from taut.api.models import BackendClient
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinics.access import ClinicAccess
from taut.clinics.models import Clinic, Location, Membership
from taut.common.context import AuditContext
from taut.interop.fhir.bulk_params import types_for
from taut.interop.fhir.bulk_query import export_resources, group_patients, since_notes
from taut.interop.fhir.collect import RESOURCE_TYPES
from taut.interop.models import ExportJob, ExportLevel, ExportStatus
from taut.patients.models import Patient
from taut.replica import replica_reads

HEARTBEAT_EVERY = 500  # resources written between two heartbeats


def export_root(clinic: Clinic) -> Path:
    return Path(settings.VAR_DIR) / "exports" / str(clinic.public_id)


def export_directory(job: ExportJob) -> Path:
    return export_root(job.clinic) / str(job.public_id)


def export_lifetime() -> timedelta:
    return timedelta(hours=int(getattr(settings, "TAUT_EXPORT_HOURS", 72)))


def export_expires_at(job: ExportJob) -> datetime | None:
    """When the job's files are (or were) deleted; None while it has not finished."""
    return job.finished_at + export_lifetime() if job.finished_at else None


def export_is_expired(job: ExportJob, *, now: datetime) -> bool:
    expires = export_expires_at(job)
    return job.status == ExportStatus.EXPIRED or (expires is not None and expires <= now)


@transaction.atomic
def export_expire(job: ExportJob, *, now: datetime) -> bool:
    """Delete the files of a finished export past its lifetime; audited. False if not due."""
    job = ExportJob.objects.select_for_update().select_related("clinic").get(pk=job.pk)
    expires = export_expires_at(job)
    if job.status not in (ExportStatus.DONE, ExportStatus.FAILED) or expires is None:
        return False
    if expires > now:
        return False
    final = export_directory(job)
    shutil.rmtree(final, ignore_errors=True)
    shutil.rmtree(final.with_name(final.name + ".partial"), ignore_errors=True)
    job.status = ExportStatus.EXPIRED
    job.save(update_fields=["status"])
    audit_record(
        request=None,
        actor=None,
        clinic=job.clinic,
        action=Action.UPDATE,
        object_type="fhir_export",
        object_id=str(job.public_id),
        detail={
            "files_removed": True,
            "kept_hours": int(export_lifetime().total_seconds() // 3600),
        },
    )
    return True


def exports_prune(*, now: datetime) -> int:
    """Expire every finished export past its lifetime, in any clinic; how many were."""
    due = ExportJob.objects.filter(
        status__in=(ExportStatus.DONE, ExportStatus.FAILED),
        finished_at__lte=now - export_lifetime(),
    )
    return sum(export_expire(job, now=now) for job in due)


@dataclass
class _Output:
    handle: IO[bytes]
    digest: Any
    count: int = 0


class NdjsonWriter:
    """One file per resource type; each line one resource, compact JSON, UTF-8."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self._outputs: dict[str, _Output] = {}

    def write(self, resource: dict[str, Any]) -> None:
        kind = resource["resourceType"]
        output = self._outputs.get(kind)
        if output is None:
            handle = (self.directory / f"{kind}.ndjson").open("wb")
            output = self._outputs[kind] = _Output(handle, hashlib.sha256())
        line = json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        output.handle.write(line)
        output.digest.update(line)
        output.count += 1

    def write_all(self, resources: Iterable[dict[str, Any]]) -> int:
        written = 0
        for resource in resources:
            self.write(resource)
            written += 1
        return written

    def close(self) -> list[dict[str, Any]]:
        """Close the files; their manifest entries in RESOURCE_TYPES order."""
        for output in self._outputs.values():
            output.handle.close()
        order = {kind: index for index, kind in enumerate(RESOURCE_TYPES)}
        return [
            {
                "type": kind,
                "file": f"{kind}.ndjson",
                "count": output.count,
                "sha256": output.digest.hexdigest(),
            }
            for kind, output in sorted(
                self._outputs.items(), key=lambda item: order.get(item[0], len(order))
            )
        ]


@transaction.atomic
def export_request(
    *,
    request: HttpRequest | None,
    membership: ClinicAccess,
    request_url: str,
    types: list[str],
    level: str = ExportLevel.SYSTEM,
    group: Location | None = None,
    since: datetime | None = None,
    ignored: list[str] | None = None,
    ctx: AuditContext | None = None,
    client: BackendClient | None = None,
) -> ExportJob:
    """Queue an export for a staff member, or (`client`, with its `ctx`) a registered machine;
    the worker writes it once this transaction commits."""
    exports_prune(now=clock.now())
    person = None if client is not None else cast(Membership, membership).user
    wanted = types or list(types_for(level))
    notes = [f"Ignored (Prefer: handling=lenient): {item}" for item in ignored or []]
    job = ExportJob.objects.create(
        clinic=membership.clinic,
        requested_by=person,
        requested_by_client=client,
        requested_at=clock.now(),
        request_url=request_url[:500],
        level=level,
        group=group,
        types=wanted,
        since=since,
        notes=notes + since_notes(since, wanted),
    )
    audit_record(
        ctx=ctx,
        request=request,
        actor=person,
        clinic=membership.clinic,
        action=Action.EXPORT,
        object_type="fhir_export",
        object_id=str(job.public_id),
        detail={
            "types": types or "all",
            "level": level,
            "group": str(group.public_id) if group else None,
            "since": since.isoformat() if since else None,
        },
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    result = run_bulk_export.enqueue(job_id)
    # Kept so that the status can tell a task the worker gave up on (marked failed).
    ExportJob.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


class ExportCancelled(Exception):
    """The client cancelled the export while the worker was writing it."""


def _job_resources(job: ExportJob) -> Iterator[dict[str, Any]]:
    patients = None
    if job.level == ExportLevel.PATIENT:
        patients = Patient.objects.for_clinic(job.clinic)
    elif job.level == ExportLevel.GROUP:
        assert job.group is not None  # noqa: S101 - a group export always names one
        patients = group_patients(job.group)
    return export_resources(
        job.clinic,
        types=list(job.types or types_for(job.level)),
        since=job.since,
        patients=patients,
    )


def _beating(job: ExportJob, resources: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Pass the resources on; every HEARTBEAT_EVERY, say the worker is alive and stop if the
    export was cancelled meanwhile."""
    primary = router.db_for_write(ExportJob)
    for number, resource in enumerate(resources, start=1):
        if number % HEARTBEAT_EVERY == 0:
            _heartbeat(job, primary)
        yield resource


def _heartbeat(job: ExportJob, database: str) -> None:
    rows = ExportJob.objects.using(database).filter(pk=job.pk)
    if rows.filter(status=ExportStatus.CANCELLED).exists():
        raise ExportCancelled
    rows.update(heartbeat_at=clock.now())


def _notes_outcome(notes: list[str]) -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": "information", "code": "informational", "diagnostics": note}
            for note in notes
        ],
    }


def export_run(job: ExportJob) -> ExportJob:
    """Write the files of a queued job; the job ends done or failed, never half-way."""
    now = clock.now()
    job.status, job.started_at, job.heartbeat_at, job.error = ExportStatus.RUNNING, now, now, ""
    job.save(update_fields=["status", "started_at", "heartbeat_at", "error"])
    final = export_directory(job)
    partial = final.with_name(final.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    writer = NdjsonWriter(partial)
    try:
        with replica_reads():  # a long read of the whole clinic: the replica's, where there is one
            count = writer.write_all(_beating(job, _job_resources(job)))
        if job.notes:
            writer.write(_notes_outcome(job.notes))
        files = writer.close()
        shutil.rmtree(final, ignore_errors=True)
        partial.rename(final)
    except ExportCancelled:
        writer.close()
        shutil.rmtree(partial, ignore_errors=True)
        job.refresh_from_db()
        return job
    except Exception as error:
        writer.close()
        shutil.rmtree(partial, ignore_errors=True)
        job.status, job.error = ExportStatus.FAILED, f"{type(error).__name__}: {error}"[:2000]
        job.finished_at = clock.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    updated = ExportJob.objects.filter(pk=job.pk).exclude(status=ExportStatus.CANCELLED)
    finished = clock.now()
    if not updated.update(
        status=ExportStatus.DONE, files=files, resource_count=count, finished_at=finished
    ):
        shutil.rmtree(final, ignore_errors=True)  # cancelled while the files were closed
        job.refresh_from_db()
        return job
    job.status, job.files, job.resource_count, job.finished_at = (
        ExportStatus.DONE,
        files,
        count,
        finished,
    )
    audit_record(
        ctx=AuditContext(actor=job.requested_by, agent=_agent(job)),
        clinic=job.clinic,
        action=Action.EXPORT,
        object_type="fhir_export",
        object_id=str(job.public_id),
        detail={"finished": True, "resources": count},
    )
    return job


@transaction.atomic
def export_cancel(
    *, request: HttpRequest | None, job: ExportJob, ctx: AuditContext | None = None
) -> ExportJob:
    """DELETE on the status URL: stop the export (the worker sees it) and remove its files."""
    job = ExportJob.objects.select_for_update().select_related("clinic").get(pk=job.pk)
    if job.status in (ExportStatus.CANCELLED, ExportStatus.EXPIRED):
        raise Http404("This export was cancelled or its files removed.")
    final = export_directory(job)
    shutil.rmtree(final, ignore_errors=True)
    job.status, job.finished_at = ExportStatus.CANCELLED, job.finished_at or clock.now()
    job.save(update_fields=["status", "finished_at"])
    audit_record(
        ctx=ctx,
        request=request,
        actor=getattr(request, "user", None) if ctx is None else None,
        clinic=job.clinic,
        action=Action.UPDATE,
        object_type="fhir_export",
        object_id=str(job.public_id),
        detail={"cancelled": True},
    )
    return job


def stall_limit() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "TAUT_EXPORT_STALL_MINUTES", 10)))


def export_death(job: ExportJob, *, now: datetime) -> str:
    """Why a queued or running export will never finish, or "" while it may still."""
    if job.status == ExportStatus.RUNNING:
        beat = job.heartbeat_at or job.started_at
        if beat is not None and now - beat > stall_limit():
            minutes = int(stall_limit().total_seconds() // 60)
            return f"The export's worker stopped: no progress for more than {minutes} minutes."
    if job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) and job.task_id:
        try:
            result = run_bulk_export.get_result(job.task_id)
        except TaskResultDoesNotExist:
            return "The export's task is gone from the queue."
        if result.status == TaskResultStatus.FAILED:
            return "The export's task failed in the worker."
    return ""


@transaction.atomic
def export_fail_dead(job: ExportJob, *, now: datetime) -> ExportJob:
    """Mark an export whose worker died as failed (so it is never "running" forever)."""
    job = ExportJob.objects.select_for_update().select_related("clinic").get(pk=job.pk)
    reason = export_death(job, now=now)
    if not reason:
        return job
    final = export_directory(job)
    shutil.rmtree(final.with_name(final.name + ".partial"), ignore_errors=True)
    job.status, job.error, job.finished_at = ExportStatus.FAILED, reason, now
    job.save(update_fields=["status", "error", "finished_at"])
    audit_record(
        request=None,
        actor=None,
        clinic=job.clinic,
        action=Action.UPDATE,
        object_type="fhir_export",
        object_id=str(job.public_id),
        detail={"failed": reason},
    )
    return job


def _agent(job: ExportJob) -> str:
    client = job.requested_by_client
    return client.audit_label if client is not None else ""


@task()
def run_bulk_export(job_id: int) -> str:
    job = (
        ExportJob.objects.select_related("clinic", "requested_by", "requested_by_client", "group")
        .filter(pk=job_id)
        .first()
    )
    if job is None or job.status != ExportStatus.QUEUED:
        return "skipped"
    done = export_run(job)
    expires = export_expires_at(done)
    if expires is not None:
        remove_expired_export.using(run_after=expires).enqueue(done.pk)
    return str(done.status)


@task()
def remove_expired_export(job_id: int) -> str:
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None:
        return "skipped"
    return "removed" if export_expire(job, now=clock.now()) else "kept"
