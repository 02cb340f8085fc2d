"""FHIR Bulk Data export of a clinic: NDJSON per resource type, written by a background task.

    job = export_request(request=..., membership=..., request_url=...)   # 202 + status URL
    run_bulk_export.enqueue(job.pk)   # done by export_request once the transaction commits

Files go to VAR_DIR/exports/<clinic public id>/<job public id>/<Type>.ndjson; they are written
under a ".partial" directory and renamed when complete, so a half-written export is never served.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_tasks import task

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinics.models import Clinic, Membership
from taut.interop.fhir.collect import RESOURCE_TYPES, clinic_resources
from taut.interop.models import ExportJob, ExportStatus
from taut.replica import replica_reads


class ExportError(Exception):
    """An export request the rules refuse (for example an unknown resource type)."""


def export_root(clinic: Clinic) -> Path:
    return Path(settings.VAR_DIR) / "exports" / str(clinic.public_id)


def export_directory(job: ExportJob) -> Path:
    return export_root(job.clinic) / str(job.public_id)


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
    *, request: HttpRequest | None, membership: Membership, request_url: str, types: list[str]
) -> ExportJob:
    job = ExportJob.objects.create(
        clinic=membership.clinic,
        requested_by=membership.user,
        requested_at=datetime.now(UTC),
        request_url=request_url[:500],
        files=[{"type": kind} for kind in types],  # the filter, replaced by the manifest
    )
    audit_record(
        request=request,
        actor=membership.user,
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
    job.status, job.started_at, job.error = ExportStatus.RUNNING, datetime.now(UTC), ""
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
        job.finished_at = datetime.now(UTC)
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    job.status, job.files, job.resource_count = ExportStatus.DONE, files, count
    job.finished_at = datetime.now(UTC)
    job.save(update_fields=["status", "files", "resource_count", "finished_at"])
    audit_record(
        request=None,
        actor=job.requested_by,
        clinic=job.clinic,
        action=Action.EXPORT,
        object_type="fhir_export",
        object_id=str(job.public_id),
        detail={"finished": True, "resources": count},
    )
    return job


@task()
def run_bulk_export(job_id: int) -> str:
    job = ExportJob.objects.select_related("clinic", "requested_by").filter(pk=job_id).first()
    if job is None or job.status != ExportStatus.QUEUED:
        return "skipped"
    return str(export_run(job).status)
