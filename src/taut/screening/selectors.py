"""Reads of intakes and screenings, scoped to the member's clinic."""

from __future__ import annotations

import uuid

from django.http import Http404

from taut.clinics.models import Membership
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
