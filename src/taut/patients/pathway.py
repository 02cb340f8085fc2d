"""What the patient page shows of each step of the pathway, gathered from the apps that own them."""

from __future__ import annotations

from typing import Any

from taut import clock
from taut.consent.selectors import consent_standings
from taut.patients.models import Patient
from taut.scheduling.selectors import appointments_of_patient, care_plan_active
from taut.screening.gate import gate_for_patient
from taut.screening.selectors import intake_latest, screening_latest


def patient_pathway(*, patient: Patient) -> dict[str, Any]:
    today = clock.today_in(patient.clinic.zone)
    return {
        "latest_intake": intake_latest(patient=patient),
        "latest_screening": screening_latest(patient=patient),
        "consent_standings": consent_standings(patient=patient),
        "gate": gate_for_patient(patient=patient, planned_techniques=(), today=today),
        "appointments": appointments_of_patient(patient=patient, now=clock.now()),
        "care_plan": care_plan_active(patient=patient),
    }
