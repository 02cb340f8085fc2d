"""Rooms and equipment a visit holds. A resource is never booked twice for the same time: the
database refuses it as it refuses a double-booked practitioner (see migration 0004)."""

from __future__ import annotations

import uuid

from django.db import models

from taut.clinics.models import ScopedManager


class ResourceKind(models.TextChoices):
    ROOM = "room", "Treatment room"
    ESTIM_UNIT = "estim_unit", "Electrical-stimulation unit"
    OTHER = "other", "Other equipment"


# What a visit type may ask for besides a room: one piece of equipment of one kind.
DEVICE_KINDS = (ResourceKind.ESTIM_UNIT, ResourceKind.OTHER)


class Resource(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    location = models.ForeignKey("clinics.Location", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=12, choices=ResourceKind.choices)
    active = models.BooleanField(
        default=True, help_text="Retired rooms and devices keep their past bookings."
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["location_id", "kind", "name"]
        indexes = [models.Index(fields=["clinic", "location", "kind"], name="resource_kind")]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "location", "name"], name="resource_name_once_per_location"
            )
        ]

    def __str__(self) -> str:
        return self.name
