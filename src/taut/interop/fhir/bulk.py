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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, cast

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_tasks import task

from taut import clock
from taut.api.models import BackendClient
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinics.access import ClinicAccess
from taut.clinics.models import Clinic, Membership
from taut.common.context import AuditContext
from taut.interop.fhir.collect import RESOURCE_TYPES, clinic_resources
from taut.interop.models import ExportJob, ExportStatus
from taut.replica import replica_reads


class ExportError(Exception):
    """An export request the rules refuse (for example an unknown resource type)."""


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


def parse_types(value: str) -> list[str]:
    """The `_type` parameter: a comma-separated list of the types Taut exports."""
    wanted = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [kind for kind in wanted if kind not in RESOURCE_TYPES]
    if unknown:
        raise ExportError(
            f"Taut does not export {', '.join(unknown)}; it exports {', '.join(RESOURCE_TYPES)}."
        )
    return wanted


@transaction.atomic
def export_request(
    *,
    request: HttpRequest | None,
    membership: ClinicAccess,
    request_url: str,
    types: list[str],
    ctx: AuditContext | None = None,
    client: BackendClient | None = None,
) -> ExportJob:
    """Queue an export for a staff member, or (`client`, with its `ctx`) a registered machine."""
    exports_prune(now=clock.now())
    person = None if client is not None else cast(Membership, membership).user
    job = ExportJob.objects.create(
        clinic=membership.clinic,
        requested_by=person,
        requested_by_client=client,
        requested_at=clock.now(),
        request_url=request_url[:500],
        files=[{"type": kind} for kind in types],  # the filter, replaced by the manifest
    )
    audit_record(
        ctx=ctx,
        request=request,
        actor=person,
        clinic=membership.clinic,
        action=Action.EXPORT,
        object_type="fhir_export",
        object_id=str(job.public_id),
        detail={"types": types or "all"},
    )
    transaction.on_commit(lambda: run_bulk_export.enqueue(job.pk))
    return job


def export_run(job: ExportJob) -> ExportJob:
    """Write the files of a queued job; the job ends done or failed, never half-way."""
    wanted = {entry["type"] for entry in job.files}
    job.status, job.started_at, job.error = ExportStatus.RUNNING, clock.now(), ""
    job.save(update_fields=["status", "started_at", "error"])
    final = export_directory(job)
    partial = final.with_name(final.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    writer = NdjsonWriter(partial)
    try:
        with replica_reads():  # a long read of the whole clinic: the replica's, where there is one
            resources = clinic_resources(job.clinic)
            if wanted:
                resources = (r for r in resources if r["resourceType"] in wanted)
            count = writer.write_all(resources)
        files = writer.close()
        shutil.rmtree(final, ignore_errors=True)
        partial.rename(final)
    except Exception as error:
        writer.close()
        shutil.rmtree(partial, ignore_errors=True)
        job.status, job.error = ExportStatus.FAILED, f"{type(error).__name__}: {error}"[:2000]
        job.finished_at = clock.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    job.status, job.files, job.resource_count = ExportStatus.DONE, files, count
    job.finished_at = clock.now()
    job.save(update_fields=["status", "files", "resource_count", "finished_at"])
    audit_record(
        ctx=AuditContext(actor=job.requested_by, agent=_agent(job)),
        clinic=job.clinic,
        action=Action.EXPORT,
        object_type="fhir_export",
        object_id=str(job.public_id),
        detail={"finished": True, "resources": count},
    )
    return job


def _agent(job: ExportJob) -> str:
    client = job.requested_by_client
    return client.audit_label if client is not None else ""


@task()
def run_bulk_export(job_id: int) -> str:
    job = (
        ExportJob.objects.select_related("clinic", "requested_by", "requested_by_client")
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
