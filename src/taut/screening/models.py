from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models

from taut.clinics.models import ScopedManager


class IntakeChannel(models.TextChoices):
    PORTAL = "portal", "Patient portal"
    DESK = "desk", "Front desk"
    CLINICIAN = "clinician", "Clinician"


class PreviousNeedling(models.TextChoices):
    NEVER = "never", "Never had dry needling or acupuncture"
    WENT_WELL = "went_well", "Had it before; it went well"
    PROBLEMS = "problems", "Had it before; there were problems"


class Intake(models.Model):
    """One version of a patient's medical history. A new version supersedes, never overwrites."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="intakes"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField()
    facts = models.JSONField(help_text="Answers as intake fact ids (docs/intake.md).")
    medications = models.TextField(blank=True)
    conditions = models.TextField(blank=True)
    previous_needling = models.CharField(
        max_length=20, choices=PreviousNeedling.choices, blank=True
    )
    previous_needling_notes = models.TextField(blank=True)
    channel = models.CharField(max_length=20, choices=IntakeChannel.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "version"], name="intake_version_unique"),
        ]
        indexes = [models.Index(fields=["clinic", "patient", "-version"], name="intake_latest")]

    def __str__(self) -> str:
        return f"Intake v{self.version} of {self.patient}"


class ScreeningRecord(models.Model):
    """The findings of one screening, frozen as shown, with the intake version they came from."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="screenings"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="screenings")
    as_of = models.DateField()
    findings = models.JSONField()
    blocked = models.BooleanField()
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    performed_at = models.DateTimeField()

    objects = ScopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "patient", "-performed_at"], name="screening_latest")
        ]

    def __str__(self) -> str:
        return f"Screening of {self.patient} on {self.as_of}"

    def findings_of_level(self, level: str) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["level"] == level]


class PrecautionAcknowledgement(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    screening = models.ForeignKey(
        ScreeningRecord, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    code = models.CharField(max_length=100)
    note = models.TextField()
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField()

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["screening", "code"], name="acknowledgement_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} acknowledged"
