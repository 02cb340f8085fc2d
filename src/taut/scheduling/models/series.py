"""A series: visits booked together from a care plan, so staff can change them together."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from taut.clinics.models import ScopedManager


class Series(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    care_plan = models.ForeignKey(
        "scheduling.CarePlan", on_delete=models.PROTECT, related_name="series"
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    weekdays = models.JSONField(help_text="The weekdays of the rhythm, 0 = Monday.")
    planned = models.PositiveSmallIntegerField(help_text="How many visits were proposed.")
    # A visit moved later is a new booking; it joins the series in place of the one it replaces.
    appointments = models.ManyToManyField("scheduling.Appointment", related_name="series")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return f"Series of {self.planned} visits"
