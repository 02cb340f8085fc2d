"""Writes to patients' files: add (staff or the patient from the portal), review what a patient
sent, remove (never erased: marked removed, with the reason). Each in one transaction, audited."""

from __future__ import annotations

from django.db import transaction

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.common.context import AuditContext
from taut.common.refusals import Invalid, Refused
from taut.files import storage
from taut.files.content import checked_content
from taut.files.models import FileKind, FileStatus, PatientFile
from taut.patients.models import Patient

MAX_TITLE = 200


def _audit(ctx: AuditContext, file: PatientFile, action: Action, **detail: str) -> None:
    audit_record(
        ctx=ctx,
        clinic=file.clinic,
        action=action,
        object_type="patient_file",
        object_id=str(file.public_id),
        detail={"patient": str(file.patient.public_id), **detail},
    )


def _clean_title(title: str, kind: str, original_name: str) -> str:
    title = " ".join(title.split())
    if len(title) > MAX_TITLE:
        raise Invalid(
            f"The title is longer than {MAX_TITLE} characters.",
            fields={"title": f"Use at most {MAX_TITLE} characters."},
        )
    return title or FileKind(kind).label


def patient_file_add(
    *,
    ctx: AuditContext,
    patient: Patient,
    kind: str,
    title: str,
    original_name: str,
    data: bytes,
    from_portal: bool = False,
) -> PatientFile:
    if kind not in FileKind.values:
        raise Invalid("Choose what kind of document this is.", fields={"kind": "Choose a kind."})
    checked = checked_content(data)
    file = PatientFile(
        clinic=patient.clinic,
        patient=patient,
        kind=kind,
        title=_clean_title(title, kind, original_name),
        # Kept only to show the person what they sent; never used as a path.
        original_name=original_name.replace("\\", "/").rsplit("/", 1)[-1][:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        sha1=checked.sha1,
        status=FileStatus.AWAITING_REVIEW if from_portal else FileStatus.IN_RECORD,
        uploaded_by=ctx.actor,
        uploaded_at=clock.now(),
    )
    storage.store(file.stored_name, data)
    try:
        with transaction.atomic():
            file.save()
            _audit(ctx, file, Action.CREATE, kind=kind, status=file.status)
    except BaseException:
        storage.discard(file.stored_name)
        raise
    return file


def patient_file_review(*, ctx: AuditContext, file: PatientFile, accept: bool) -> PatientFile:
    with transaction.atomic():
        locked = PatientFile.objects.select_for_update().get(pk=file.pk)
        if locked.status != FileStatus.AWAITING_REVIEW or locked.is_removed:
            raise Refused("This file has already been reviewed.")
        locked.status = FileStatus.IN_RECORD if accept else FileStatus.DECLINED
        locked.reviewed_by = ctx.actor
        locked.reviewed_at = clock.now()
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        locked.patient = file.patient
        _audit(ctx, locked, Action.UPDATE, status=locked.status)
    return locked


def patient_file_remove(*, ctx: AuditContext, file: PatientFile, reason: str) -> PatientFile:
    reason = " ".join(reason.split())
    if not reason:
        raise Invalid("Say why the file is removed.", fields={"reason": "Say why."})
    if len(reason) > 500:
        raise Invalid(
            "The reason is longer than 500 characters.", fields={"reason": "At most 500."}
        )
    with transaction.atomic():
        locked = PatientFile.objects.select_for_update().get(pk=file.pk)
        if locked.is_removed:
            raise Refused("This file has already been removed.")
        locked.removed_by = ctx.actor
        locked.removed_at = clock.now()
        locked.removed_reason = reason
        locked.save(update_fields=["removed_by", "removed_at", "removed_reason"])
        locked.patient = file.patient
        _audit(ctx, locked, Action.ARCHIVE, reason=reason)
    return locked
