"""Maps a patient's stored screening and consents onto the clinical core's treatment gate.

`taut.clinical.gate.treatment_gate` decides; this module only gathers what it reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from taut.clinical.gate import (
    ConsentView,
    GateDecision,
    GatePolicy,
    ScreeningRecordView,
    treatment_gate,
)
from taut.consent.models import ConsentKind
from taut.consent.selectors import ConsentStanding, consent_standings
from taut.patients.models import Patient
from taut.screening.findings import screening_of
from taut.screening.models import Intake, ScreeningRecord
from taut.screening.selectors import intake_latest, screening_latest


def screening_view_of(
    record: ScreeningRecord, *, latest_intake_version: int
) -> ScreeningRecordView:
    return ScreeningRecordView.of(
        screening_of(record),
        intake_version=record.intake.version,
        latest_intake_version=latest_intake_version,
        acknowledged=(a.code for a in record.acknowledgements.all()),
    )


@dataclass(frozen=True)
class GateRecords:
    """What the gate reads of a patient. A page that shows these records too fetches them once
    (`gate_records_for`) and passes them to `gate_for_patient`."""

    screening: ScreeningRecord | None
    intake: Intake | None
    consent_standings: Sequence[ConsentStanding]


def gate_records_for(patient: Patient) -> GateRecords:
    return GateRecords(
        screening=screening_latest(patient=patient),
        intake=intake_latest(patient=patient),
        consent_standings=consent_standings(patient=patient),
    )


def consent_view_of(standings: Sequence[ConsentStanding]) -> ConsentView | None:
    by_kind = {standing.kind: standing for standing in standings}
    general = by_kind[ConsentKind.GENERAL]
    signed = general.consent or general.withdrawn
    if signed is None or general.status is None:
        return None
    return ConsentView(
        status=general.status,
        document_version=signed.document.version,
        required_version=signed.document.version,  # re-consent is expressed by the status
        covers_electrical=by_kind[ConsentKind.ELECTRICAL].valid,
    )


def gate_for_patient(
    *,
    patient: Patient,
    planned_techniques: Iterable[str],
    today: date,
    records: GateRecords | None = None,
) -> GateDecision:
    records = records or gate_records_for(patient)
    record, latest = records.screening, records.intake
    screening = None
    if record is not None:
        screening = screening_view_of(
            record, latest_intake_version=latest.version if latest else record.intake.version
        )
    policy = GatePolicy(
        max_screening_age_days=patient.clinic.screening_max_age_days,
        electrical_needs_own_consent=patient.clinic.separate_electrical_consent,
    )
    return treatment_gate(
        as_of=today,
        screening=screening,
        consent=consent_view_of(records.consent_standings),
        planned_techniques=planned_techniques,
        policy=policy,
    )
