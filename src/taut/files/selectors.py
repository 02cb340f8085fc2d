"""Reads of patients' files, scoped to the clinic; opening one is audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.http import Http404

from taut.audit.models import Action
from taut.audit.services import audit_patient_read
from taut.common.context import AuditContext
from taut.files import storage
from taut.files.models import FileStatus, PatientFile
from taut.patients.models import Patient


def files_of_patient(*, patient: Patient, include_removed: bool = False) -> list[PatientFile]:
    files = PatientFile.objects.for_clinic(patient.clinic_id).filter(patient=patient)
    if not include_removed:
        files = files.filter(removed_at__isnull=True)
    return list(files.select_related("uploaded_by").order_by("-uploaded_at", "-pk"))


def files_in_record(*, patient: Patient) -> list[PatientFile]:
    """What belongs to the record (for $everything): accepted and not removed."""
    return [f for f in files_of_patient(patient=patient) if f.status == FileStatus.IN_RECORD]


def files_sent_by_patient(*, patient: Patient) -> list[PatientFile]:
    """What the patient sent from the portal, with its review status, for the portal page."""
    return [
        f
        for f in files_of_patient(patient=patient)
        if patient.portal_user_id is not None and f.uploaded_by_id == patient.portal_user_id
    ]


def get_file_for(*, ctx: AuditContext, patient: Patient, public_id: uuid.UUID | str) -> PatientFile:
    try:
        file = PatientFile.objects.for_clinic(ctx.member.clinic_id).get(
            patient=patient, public_id=public_id
        )
    except (PatientFile.DoesNotExist, ValueError) as missing:
        raise Http404("No such file for this patient.") from missing
    file.patient = patient
    return file


@dataclass(frozen=True)
class OpenedFile:
    file: PatientFile
    data: bytes


def file_open_for(*, ctx: AuditContext, patient: Patient, public_id: uuid.UUID | str) -> OpenedFile:
    """A file's bytes, for a member to open; the read is audited. A removed file stays readable
    to the clinic (it was part of the record) and says so on its page."""
    file = get_file_for(ctx=ctx, patient=patient, public_id=public_id)
    data = storage.read(file.stored_name)
    audit_patient_read(
        ctx=ctx,
        patient=patient,
        object_type="patient_file",
        object_id=str(file.public_id),
        action=Action.EXPORT,
    )
    return OpenedFile(file, data)
