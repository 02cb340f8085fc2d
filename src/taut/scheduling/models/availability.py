"""What a clinic offers and when its practitioners are there."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from taut.clinical.scheduling import AppointmentKind
from taut.clinics.models import ScopedManager
from taut.scheduling.models.resources import DEVICE_KINDS

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class AppointmentType(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        max_length=30, choices=[(k.value, k.value.replace("_", " ")) for k in AppointmentKind]
    )
    name = models.CharField(max_length=80)
    minutes = models.PositiveSmallIntegerField()
    buffer_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Time kept free after the visit for notes and the room."
    )
    requires_established = models.BooleanField(
        default=False, help_text="Only for patients who have had an evaluation here."
    )
    requires_consent = models.BooleanField(
        default=False, help_text="Only with a current signed consent to dry needling."
    )
    needs_room = models.BooleanField(
        default=False, help_text="Each visit holds a treatment room at its location."
    )
    needs_device = models.CharField(
        max_length=12,
        blank=True,
        choices=[(kind.value, kind.label) for kind in DEVICE_KINDS],
        help_text="Each visit also holds one device of this kind; empty for none.",
    )
    bookable_online = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.minutes} min)"


class WorkingHours(models.Model):
    """A practitioner's weekly hours at one location, wall-clock in the clinic's zone."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    location = models.ForeignKey("clinics.Location", on_delete=models.PROTECT, related_name="+")
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    start = models.TimeField()
    end = models.TimeField()

    objects = ScopedManager()

    class Meta:
        ordering = ["practitioner_id", "weekday", "start"]
        indexes = [models.Index(fields=["clinic", "practitioner"], name="hours_practitioner")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="hours_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"


class WeeklyBreak(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    start = models.TimeField()
    end = models.TimeField()

    objects = ScopedManager()

    class Meta:
        ordering = ["practitioner_id", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="break_order"
            )
        ]

    def __str__(self) -> str:
        return f"Break {self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"


class TimeOff(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=120, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")), name="time_off_order"
            )
        ]

    def __str__(self) -> str:
        return f"Time off {self.starts_at:%Y-%m-%d %H:%M} to {self.ends_at:%Y-%m-%d %H:%M}"


class BookingPolicy(models.Model):
    clinic = models.OneToOneField("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    online_booking = models.BooleanField(default=True)
    min_notice_minutes = models.PositiveIntegerField(
        default=120, help_text="Online bookings must start at least this long from now."
    )
    days_ahead = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    cancellation_notice_hours = models.PositiveSmallIntegerField(
        default=24, validators=[MaxValueValidator(336)]
    )
    late_fee = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Charged for a late cancellation or a missed visit; empty for no fee.",
    )
    reminder_hours = models.PositiveSmallIntegerField(
        default=24, validators=[MinValueValidator(1), MaxValueValidator(168)]
    )

    objects = ScopedManager()

    def __str__(self) -> str:
        return f"Booking policy of clinic {self.clinic_id}"


def _feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A secret address from which a practitioner's calendar app reads their bookings."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "practitioner"], name="one_feed_each")
        ]

    def __str__(self) -> str:
        return f"Calendar feed of user {self.practitioner_id}"
