"""Reads of patient-clinic message threads, scoped to the clinic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q

from taut.clinics.models import Clinic
from taut.messaging.models import Direction, PatientMessage
from taut.patients.models import Patient


def thread_of(*, patient: Patient) -> list[PatientMessage]:
    return list(
        PatientMessage.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient)
        .select_related("author")
    )


@dataclass(frozen=True)
class ThreadSummary:
    patient: Any
    last_at: Any
    unread: int


def inbox_of(*, clinic: Clinic, limit: int = 100) -> list[ThreadSummary]:
    """Threads, newest first, with how many patient messages are unread (one GROUP BY)."""
    rows = (
        PatientMessage.objects.for_clinic(clinic)
        .values("patient")
        .annotate(
            last_at=Max("created_at"),
            unread=Count("pk", filter=Q(direction=Direction.FROM_PATIENT, read_at__isnull=True)),
        )
        .order_by("-last_at")[:limit]
    )
    patients = Patient.objects.for_clinic(clinic).in_bulk([r["patient"] for r in rows])
    return [ThreadSummary(patients[r["patient"]], r["last_at"], r["unread"]) for r in rows]
