"""Writes for intake and screening. Each in one transaction, each audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinical.screening import screen
from taut.common.refusals import Refused
from taut.patients.models import Patient
from taut.screening.facts import screening_facts_for
from taut.screening.findings import findings_as_records
from taut.screening.models import Intake, PrecautionAcknowledgement, ScreeningRecord


class ScreeningError(Refused):
    """A screening write the rules refuse."""


@transaction.atomic
def intake_submit(
    *,
    request: HttpRequest | None,
    actor: Any,
    patient: Patient,
    facts: dict[str, Any],
    history: dict[str, str],
    channel: str,
) -> Intake:
    """Store a new intake version; the earlier versions stay as they were."""
    Patient.objects.select_for_update().filter(pk=patient.pk).first()  # serialise versions
    latest = Intake.objects.filter(patient=patient).aggregate(v=Max("version"))["v"] or 0
    intake = Intake.objects.create(
        clinic=patient.clinic,
        patient=patient,
        version=latest + 1,
        facts=facts,
        channel=channel,
        submitted_by=actor,
        submitted_at=clock.now(),
        **history,
    )
    audit_record(
        request=request,
        actor=actor,
        clinic=patient.clinic,
        action=Action.CREATE,
        object_type="intake",
        object_id=str(intake.public_id),
        detail={"patient": str(patient.public_id), "version": intake.version},
    )
    return intake


@transaction.atomic
def screening_perform(
    *, request: HttpRequest | None, actor: Any, patient: Patient, as_of: date
) -> ScreeningRecord:
    intake = Intake.objects.filter(patient=patient).order_by("-version").first()
    if intake is None:
        raise ScreeningError("There is no medical history to screen yet; take the intake first.")
    result = screen(screening_facts_for(intake=intake, patient=patient, as_of=as_of), as_of=as_of)
    record = ScreeningRecord.objects.create(
        clinic=patient.clinic,
        patient=patient,
        intake=intake,
        as_of=as_of,
        findings=findings_as_records(result),
        blocked=result.blocked,
        performed_by=actor,
        performed_at=clock.now(),
    )
    audit_record(
        request=request,
        actor=actor,
        clinic=patient.clinic,
        action=Action.CREATE,
        object_type="screening",
        object_id=str(record.public_id),
        detail={
            "patient": str(patient.public_id),
            "intake_version": intake.version,
            "blocked": record.blocked,
        },
    )
    return record


@transaction.atomic
def precaution_acknowledge(
    *, request: HttpRequest | None, actor: Any, screening: ScreeningRecord, code: str, note: str
) -> PrecautionAcknowledgement:
    if code not in {f["code"] for f in screening.findings_of_level("precaution")}:
        raise ScreeningError(f"“{code}” is not a precaution of this screening.")
    note = note.strip()
    if len(note) < 3:
        raise ScreeningError("Write what you will do about this precaution (a short note).")
    if screening.acknowledgements.filter(code=code).exists():
        raise ScreeningError("This precaution is already acknowledged.")
    acknowledgement = PrecautionAcknowledgement.objects.create(
        clinic=screening.clinic,
        screening=screening,
        code=code,
        note=note,
        acknowledged_by=actor,
        acknowledged_at=clock.now(),
    )
    audit_record(
        request=request,
        actor=actor,
        clinic=screening.clinic,
        action=Action.UPDATE,
        object_type="screening",
        object_id=str(screening.public_id),
        detail={"acknowledged": code},
    )
    return acknowledgement
