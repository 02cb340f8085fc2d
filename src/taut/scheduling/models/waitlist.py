"""The waitlist: patients who want an earlier visit, and the freed times offered to them."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models

from taut.clinics.models import ScopedManager


class PartOfDay(models.TextChoices):
    MORNING = "morning", "Morning (before 12:00)"
    AFTERNOON = "afternoon", "Afternoon (12:00 to 17:00)"
    EVENING = "evening", "Evening (from 17:00)"


# Local wall-clock bounds of each part of the day: [start, end).
PART_BOUNDS = {
    PartOfDay.MORNING: (dt.time(0), dt.time(12)),
    PartOfDay.AFTERNOON: (dt.time(12), dt.time(17)),
    PartOfDay.EVENING: (dt.time(17), dt.time.max),
}


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    BOOKED = "booked", "Booked from an offer"
    LEFT = "left", "Left the waitlist"


class WaitlistEntry(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    appointment_type = models.ForeignKey(
        "scheduling.AppointmentType", on_delete=models.PROTECT, related_name="+"
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: any practitioner.",
    )
    parts_of_day = models.JSONField(default=list, help_text="Empty: any time of day.")
    weekdays = models.JSONField(default=list, help_text="0 = Monday; empty: any day.")
    window_start = models.TimeField(null=True, blank=True)
    window_end = models.TimeField(null=True, blank=True)
    from_date = models.DateField()
    to_date = models.DateField()
    status = models.CharField(
        max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    joined_at = models.DateTimeField()
    joined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["joined_at", "pk"]
        indexes = [
            models.Index(
                fields=["clinic", "status", "appointment_type", "joined_at"], name="waitlist_queue"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(from_date__lte=models.F("to_date")), name="waitlist_dates_order"
            )
        ]

    def __str__(self) -> str:
        return f"Waitlist from {self.from_date} to {self.to_date}"


class OfferStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    TAKEN = "taken", "Taken by someone else"
    EXPIRED = "expired", "Expired"


class WaitlistOffer(models.Model):
    """A freed time offered to one waitlist entry, answered through a signed link."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entry = models.ForeignKey(WaitlistEntry, on_delete=models.PROTECT, related_name="offers")
    appointment_type = models.ForeignKey(
        "scheduling.AppointmentType", on_delete=models.PROTECT, related_name="+"
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    location = models.ForeignKey("clinics.Location", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=OfferStatus.choices, default=OfferStatus.OFFERED
    )
    offered_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    appointment = models.OneToOneField(
        "scheduling.Appointment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["offered_at", "pk"]
        indexes = [
            models.Index(fields=["clinic", "practitioner", "starts_at"], name="offer_slot"),
        ]
        constraints = [
            # One offer per entry and time: a re-run of the offering task never doubles it.
            models.UniqueConstraint(
                fields=["entry", "practitioner", "starts_at"], name="one_offer_per_entry_and_time"
            )
        ]

    def __str__(self) -> str:
        return f"Offer of {self.starts_at:%Y-%m-%d %H:%M}"
