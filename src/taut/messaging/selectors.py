"""Reads of patient-clinic message threads, scoped to the clinic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404

from taut.clinics.models import Clinic
from taut.messaging.models import DeskRequest, Direction, PatientMessage, UndeliverableEmail
from taut.messaging.sms import e164
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


def patients_with_number(number: str) -> list[Patient]:
    """The active patients whose phone is this number, in every clinic: an inbound text names
    only the number, and the clinic follows from whose patient it is."""
    digits = e164(number).lstrip("+")
    national = digits[1:] if digits.startswith("1") else digits
    return list(
        Patient.objects.filter(
            phone_digits__in={digits, national}, archived_at__isnull=True
        ).select_related("clinic")
    )


def desk_requests_of(*, clinic: Clinic, handled: bool = False, limit: int = 100) -> list[Any]:
    rows = DeskRequest.objects.for_clinic(clinic).filter(handled_at__isnull=not handled)
    return list(rows.select_related("patient", "handled_by")[:limit])


def get_desk_request_for(*, clinic: Clinic, public_id: Any) -> DeskRequest:
    return get_object_or_404(DeskRequest.objects.for_clinic(clinic), public_id=public_id)


def undeliverable_emails_of(*, clinic: Clinic) -> list[dict[str, Any]]:
    """Bounced addresses with the patients who gave them, for staff to correct."""
    rows = list(UndeliverableEmail.objects.for_clinic(clinic).order_by("-recorded_at")[:100])
    patients = Patient.objects.for_clinic(clinic).filter(
        email_key__in=[r.address for r in rows], archived_at__isnull=True
    )
    by_address: dict[str, list[Patient]] = {}
    for patient in patients:
        by_address.setdefault(patient.email_key, []).append(patient)
    return [{"row": r, "patients": by_address.get(r.address, [])} for r in rows]
