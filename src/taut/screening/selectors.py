"""Reads of intakes and screenings, scoped to the member's clinic."""

from __future__ import annotations

import uuid

from django.http import Http404

from taut.audit.services import audit_patient_read
from taut.clinics.models import Membership
from taut.common.context import AuditContext
from taut.patients.models import Patient
from taut.screening.models import Intake, ScreeningRecord


def intake_latest(*, patient: Patient) -> Intake | None:
    return (
        Intake.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient)
        .order_by("-version")
        .first()
    )


def intakes_for(*, patient: Patient) -> list[Intake]:
    return list(
        Intake.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient)
        .select_related("submitted_by")
        .order_by("-version")
    )


def get_intake_for(
    *, membership: Membership, patient: Patient, public_id: uuid.UUID | str
) -> Intake:
    intake = (
        Intake.objects.for_clinic(membership.clinic_id)
        .filter(patient=patient, public_id=public_id)
        .first()
    )
    if intake is None:
        raise Http404("No such intake for this patient.")
    return intake


def intake_read_for(*, ctx: AuditContext, patient: Patient, public_id: uuid.UUID | str) -> Intake:
    """One intake of the patient, for a member to read; the read is audited."""
    intake = get_intake_for(membership=ctx.member, patient=patient, public_id=public_id)
    audit_patient_read(
        ctx=ctx, patient=patient, object_type="intake", object_id=str(intake.public_id)
    )
    return intake


def screening_latest_read(*, ctx: AuditContext, patient: Patient) -> ScreeningRecord | None:
    """The latest screening, for a member to read; the read (when there is one) is audited."""
    record = screening_latest(patient=patient)
    if record is not None:
        audit_patient_read(
            ctx=ctx, patient=patient, object_type="screening", object_id=str(record.public_id)
        )
    return record


def screening_latest(*, patient: Patient) -> ScreeningRecord | None:
    return (
        ScreeningRecord.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient)
        .select_related("intake", "performed_by")
        .prefetch_related("acknowledgements")
        .order_by("-performed_at", "-pk")
        .first()
    )


def get_screening_for(
    *, membership: Membership, patient: Patient, public_id: uuid.UUID | str
) -> ScreeningRecord:
    record = (
        ScreeningRecord.objects.for_clinic(membership.clinic_id)
        .filter(patient=patient, public_id=public_id)
        .first()
    )
    if record is None:
        raise Http404("No such screening for this patient.")
    return record
