"""Reads of exports and imports. `get_export_for` / `get_import_for` are the access helpers."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from taut.clinics.models import Membership
from taut.interop.models import ExportJob, ImportBatch


def get_export_for(*, membership: Membership, public_id: uuid.UUID | str) -> ExportJob:
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
