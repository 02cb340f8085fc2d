"""Personas shared by the tests: two clinics, staff of every role, a patient with a portal login."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from taut.clinics.models import Clinic, Location, Membership
from taut.clinics.roles import Role
from taut.patients.models import Patient
from taut.patients.services import _refresh_search_keys

PASSWORD = "correct-horse-battery-staple"
# The fixed "now" of tests whose records carry fixed dates: Monday 23 November 2026, 08:00 in
# Denver (the personas' clinics). Code reads the clock through taut.clock; `clinic_clock` fixes it.
CLINIC_NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
ROLE_LABELS = {Role.OWNER: "owner", Role.CLINICIAN: "clinician", Role.FRONT_DESK: "frontdesk"}


@dataclass
class World:
    clinic_a: Clinic
    clinic_b: Clinic
    owner_a: Any
    clinician_a: Any
    frontdesk_a: Any
    owner_b: Any
    clinician_b: Any
    frontdesk_b: Any
    patient_a: Patient
    patient_b: Patient
    portal_user_a: Any
    portal_user_b: Any

    def staff(self, clinic: str, role: Role) -> Any:
        return getattr(self, f"{ROLE_LABELS[role]}_{clinic}")


def make_user(django_user_model: Any, username: str, **extra: Any) -> Any:
    return django_user_model.objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.com", **extra
    )


def make_patient(clinic: Clinic, given: str, family: str, **extra: Any) -> Patient:
    fields = {
        "date_of_birth": date(1980, 5, 17),
        "phone": "(303) 555-0142",
        "email": f"{given}.{family}@example.com".lower(),
        **extra,
    }
    patient = Patient(clinic=clinic, given_name=given, family_name=family, **fields)
    _refresh_search_keys(patient)
    patient.save()
    return patient


def make_clinic(slug: str) -> Clinic:
    clinic = Clinic.objects.create(
        name=f"Clinic {slug.upper()}", slug=slug, time_zone="America/Denver", jurisdiction="US-CO"
    )
    Location.objects.create(clinic=clinic, name=f"{slug.upper()} main")
    return clinic


@pytest.fixture
def world(db: None, django_user_model: Any) -> World:
    clinic_a, clinic_b = make_clinic("a"), make_clinic("b")
    people: dict[str, Any] = {}
    for clinic_key, clinic in (("a", clinic_a), ("b", clinic_b)):
        for role, label in ROLE_LABELS.items():
            user = make_user(
                django_user_model,
                f"{label}_{clinic_key}",
                first_name=label.title(),
                last_name=clinic_key.upper(),
            )
            Membership.objects.create(clinic=clinic, user=user, role=role)
            people[f"{label}_{clinic_key}"] = user
    patient_a = make_patient(clinic_a, "Ada", "Lovelace")
    patient_b = make_patient(clinic_b, "Boris", "Becker")
    portal_user_a = make_user(django_user_model, "portal_a")
    patient_a.portal_user = portal_user_a
    patient_a.save()
    portal_user_b = make_user(django_user_model, "portal_b")
    patient_b.portal_user = portal_user_b
    patient_b.save()
    return World(
        clinic_a=clinic_a,
        clinic_b=clinic_b,
        patient_a=patient_a,
        patient_b=patient_b,
        portal_user_a=portal_user_a,
        portal_user_b=portal_user_b,
        **people,
    )


@pytest.fixture
def clinic_clock(time_machine: Any) -> Any:
    """The wall clock at CLINIC_NOW, ticking: for tests that book or compare fixed dates."""
    time_machine.move_to(CLINIC_NOW)
    return time_machine


# A drawn signature as the signature pad sends it: two strokes of [x, y] points.
SIGNATURE = json.dumps(
    [
        [[20 + 8 * i, 100 + (i % 5) * 6] for i in range(30)],
        [[300 + 5 * i, 60 + i] for i in range(20)],
    ]
)


def publish_consent_document(
    clinic: Clinic, owner: Any, *, kind: str = "general", requires_reconsent: bool = False
) -> Any:
    from taut.consent.services import document_publish

    return document_publish(
        request=None,
        actor=owner,
        clinic=clinic,
        data={
            "kind": kind,
            "title": "Consent to dry needling"
            if kind == "general"
            else "Consent to electrical dry needling",
            "introduction": "Dry needling uses thin solid needles to treat trigger points.",
            "techniques": ["superficial", "deep", "electrical"]
            if kind == "electrical"
            else ["superficial", "deep"],
            "alternatives": "Exercise, manual therapy and education.",
            "show_quoted_figures": True,
            "requires_reconsent": requires_reconsent,
        },
    )


def sign_consent(patient: Patient, document: Any, actor: Any) -> Any:
    from taut.consent.services import consent_sign

    return consent_sign(
        request=None,
        actor=actor,
        patient=patient,
        document=document,
        signed_name=patient.full_name,
        signature=SIGNATURE,
        channel="tablet",
    )


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def run_due_tasks(*, at: Any = None) -> int:
    """Run every queued background task due by `at` (default now), in this test's transaction.

    The real worker (`taut worker`) closes connections between tasks, which would end a test's
    transaction; this runs the same stored tasks the same way, one by one.
    """
    from django.db.models import Q
    from django.utils import timezone
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    due = DBTaskResult.objects.filter(status=TaskResultStatus.READY).filter(
        Q(run_after=get_date_max()) | Q(run_after__lte=at or timezone.now())
    )
    ran = 0
    for stored in due.order_by("enqueued_at", "pk"):
        result = stored.task_result
        stored.claim("test")
        stored.set_successful(stored.task.call(*result.args, **result.kwargs))
        ran += 1
    return ran


@pytest.fixture(autouse=True)
def patient_files_dir(settings: Any, tmp_path: Path) -> Path:
    """Each test keeps patients' files in its own directory (a backup reads them all)."""
    settings.TAUT_PATIENT_FILES_DIR = tmp_path / "patient-files"
    return Path(settings.TAUT_PATIENT_FILES_DIR)
