"""A care plan: what the course of dry needling is for and how many visits it should take."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from taut.clinics.models import ScopedManager


class CarePlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed (discharged)"
    DISCONTINUED = "discontinued", "Discontinued"


class CarePlan(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    goals = models.TextField(help_text="One goal per line, in the patient's terms where possible.")
    conditions = models.JSONField(
        default=list, help_text="Condition ids from the clinical knowledge."
    )
    planned_sessions = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    per_week = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(2)]
    )
    reassess_at = models.JSONField(
        default=list, help_text="Session numbers at which to reassess, e.g. [3, 6]."
    )
    starts_on = models.DateField()
    status = models.CharField(
        max_length=14, choices=CarePlanStatus.choices, default=CarePlanStatus.ACTIVE
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    end_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["clinic", "patient", "status"], name="plan_patient")]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(status="active"),
                name="one_active_plan_per_patient",
            )
        ]

    def __str__(self) -> str:
        return f"Care plan from {self.starts_on}: {self.planned_sessions} sessions"

    @property
    def goal_lines(self) -> list[str]:
        return [line.strip() for line in self.goals.splitlines() if line.strip()]
