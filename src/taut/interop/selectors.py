"""Reads of exports and imports. `get_export_for` / `get_import_for` are the access helpers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from django.db.models import QuerySet
from django.http import Http404

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinics.access import ClinicAccess
from taut.clinics.models import Membership
from taut.common.context import AuditContext
from taut.interop.fhir import bulk
from taut.interop.models import ExportJob, ExportStatus, ImportBatch


@dataclass(frozen=True)
class ExportFile:
    path: Path
    name: str


def get_export_for(*, membership: ClinicAccess, public_id: uuid.UUID | str) -> ExportJob:
    """The export of the member's clinic with this id, or 404 (also for another clinic's)."""
    try:
        return (
            ExportJob.objects.for_clinic(membership.clinic_id)
            .select_related("clinic")
            .get(public_id=public_id)
        )
    except (ExportJob.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404("No such export in this clinic.") from missing


def get_import_for(*, membership: Membership, public_id: uuid.UUID | str) -> ImportBatch:
    try:
        return ImportBatch.objects.for_clinic(membership.clinic_id).get(public_id=public_id)
    except (ImportBatch.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404("No such import in this clinic.") from missing


def recent_exports(*, membership: Membership, limit: int = 10) -> QuerySet[ExportJob]:
    return ExportJob.objects.for_clinic(membership.clinic_id).order_by("-requested_at")[:limit]


def recent_imports(*, membership: Membership, limit: int = 10) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.for_clinic(membership.clinic_id).order_by("-uploaded_at")[:limit]


def export_file_for(*, ctx: AuditContext, job: ExportJob, resource_type: str) -> ExportFile:
    """One finished file of an export, or 404; handing it out is recorded as an export."""
    entry = next((e for e in job.files if e.get("type") == resource_type), None)
    if job.status != ExportStatus.DONE or entry is None:
        raise Http404("No such file in this export.")
    path = bulk.export_directory(job) / entry["file"]
    if not path.is_file():
        raise Http404("The export's files have been removed.")
    audit_record(
        ctx=ctx,
        clinic=job.clinic,
        action=Action.EXPORT,
        object_type="fhir_export_file",
        object_id=str(job.public_id),
        detail={"type": resource_type, "count": entry["count"]},
    )
    return ExportFile(path=path, name=entry["file"])
