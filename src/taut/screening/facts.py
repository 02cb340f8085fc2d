"""The mapper from stored records to the screening engine's input: one small function per input."""

from __future__ import annotations

from datetime import date
from typing import Any

from taut.patients.models import Patient
from taut.screening.models import Intake


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def screening_facts_for(*, intake: Intake, patient: Patient, as_of: date) -> dict[str, Any]:
    """The intake's answers plus the facts Taut derives rather than asks (age)."""
    return {**intake.facts, "age_years": age_on(patient.date_of_birth, as_of)}
