"""The run of `taut demo --sessions N`: chunk by chunk, one transaction each, then the roll-ups
and one audit entry for the whole import (the package's docstring says what it trades away)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinics.models import Clinic
from taut.demo.bulk.charting import seed_sessions, seed_treatments, sign
from taut.demo.bulk.consent import seed_consents
from taut.demo.bulk.patients import seed_patients
from taut.demo.bulk.plan import Chunk, Setting, plan_patients, setting_for
from taut.demo.bulk.screening import seed_intakes, seed_screenings
from taut.demo.bulk.writer import Writer
from taut.outcomes import rollups


@dataclass
class BulkResult:
    patients: int = 0
    sessions: int = 0
    entries: int = 0
    measures: int = 0
    events: int = 0


def seed_bulk_history(
    *,
    clinic: Clinic,
    sessions: int,
    today: date,
    seed: int = 2026,
    progress: Callable[[str], None] = lambda _: None,
) -> BulkResult:
    """Add about `sessions` signed sessions (exactly that many) of synthetic patients."""
    if sessions < 1:
        raise ValueError("sessions must be at least 1")
    setting = setting_for(clinic, today)
    rng = random.Random(seed * 7919 + sessions)  # noqa: S311 - synthetic data, deterministic
    result = BulkResult()
    started = clock.now()
    writer = Writer()
    while result.sessions < sessions:
        with transaction.atomic():
            _chunk(setting, rng, sessions - result.sessions, result, writer)
        progress(
            f"{result.sessions:,} of {sessions:,} sessions "
            f"({result.patients:,} patients, {result.entries:,} needling entries, "
            f"{result.measures:,} measures, {result.events:,} adverse events)"
        )
    writer.reset_sequences()
    progress("rebuilding the dashboard's roll-ups from the new history…")
    rollups.rebuild(clinic.pk, progress=progress)
    audit_record(
        request=None,
        actor=None,
        clinic=clinic,
        action=Action.CREATE,
        object_type="synthetic_history",
        object_id="",
        detail={
            "note": "bulk demo history: rows written without per-row audit entries",
            "seed": seed,
            "patients": result.patients,
            "sessions": result.sessions,
            "entries": result.entries,
            "measures": result.measures,
            "adverse_events": result.events,
            "seconds": round((clock.now() - started).total_seconds(), 1),
        },
    )
    return result


def _chunk(
    setting: Setting, rng: random.Random, wanted: int, result: BulkResult, w: Writer
) -> None:
    plans = plan_patients(setting, rng, wanted, first=result.patients)
    n = len(plans)
    chunk = Chunk(
        plans,
        patient_ids=w.ids("patients_patient", n),
        intake_ids=w.ids("screening_intake", n),
        screening_ids=w.ids("screening_screeningrecord", n),
        consent_ids=w.ids("consent_consent", n),
    )
    seed_patients(setting, w, chunk)
    seed_intakes(setting, w, rng, chunk)
    seed_screenings(setting, w, rng, chunk)
    seed_consents(setting, w, rng, chunk)
    result.patients += n
    visits = seed_sessions(setting, w, rng, chunk)
    result.sessions += len(visits)
    treatments = seed_treatments(setting, w, rng, visits)
    result.entries += treatments.entries
    result.measures += treatments.measures
    result.events += treatments.events
    sign(setting, visits)
