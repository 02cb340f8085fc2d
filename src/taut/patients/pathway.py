"""What the patient page shows of each step of the pathway, gathered from the apps that own them."""

from __future__ import annotations

from typing import Any

from taut import clock
from taut.patients.models import Patient
from taut.scheduling.selectors import appointments_of_patient, care_plan_active
from taut.screening.gate import gate_for_patient, gate_records_for


def patient_pathway(*, patient: Patient) -> dict[str, Any]:
    today = clock.today_in(patient.clinic.zone)
    records = gate_records_for(patient)  # shown on the page and read by the gate: fetched once
    return {
        "latest_intake": records.intake,
        "latest_screening": records.screening,
        "consent_standings": records.consent_standings,
        "gate": gate_for_patient(
            patient=patient, planned_techniques=(), today=today, records=records
        ),
        "appointments": appointments_of_patient(patient=patient, now=clock.now()),
        "care_plan": care_plan_active(patient=patient),
    }
