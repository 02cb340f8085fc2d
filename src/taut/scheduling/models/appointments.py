"""Bookings. Two active bookings of one practitioner never overlap, nor two of one room or
device: the database refuses it (exclusion constraints on PostgreSQL, triggers on SQLite; see
migrations 0002 and 0004)."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models

from taut.clinics.models import ScopedManager, local_zone


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    ARRIVED = "arrived", "Arrived"
    COMPLETED = "completed", "Attended"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "Did not attend"


# Statuses that hold the practitioner's time; the double-booking guard covers exactly these.
HOLDING = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED)


# The classes of clinical/scheduling.py's classify_cancellation, as stored and as read.
LATE_CLASSES = ("late", "no_show")
CANCELLED_LABELS = {"late": "Cancelled late", "on_time": "Cancelled in time"}


class BookingChannel(models.TextChoices):
    DESK = "desk", "Front desk"
    ONLINE = "online", "Online"
    CARE_PLAN = "care_plan", "Care plan"


class Appointment(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    location = models.ForeignKey("clinics.Location", on_delete=models.PROTECT, related_name="+")
    appointment_type = models.ForeignKey(
        "scheduling.AppointmentType", on_delete=models.PROTECT, related_name="+"
    )
    room = models.ForeignKey(
        "scheduling.Resource", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    device = models.ForeignKey(
        "scheduling.Resource", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    blocked_until = models.DateTimeField(help_text="The end of the visit and its buffer.")
    status = models.CharField(
        max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    channel = models.CharField(max_length=12, choices=BookingChannel.choices)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    care_plan = models.ForeignKey(
        "scheduling.CarePlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    rescheduled_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="rescheduled_to"
    )
    session = models.OneToOneField(
        "charting.TreatmentSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointment",
    )
    # When the patient confirmed they are coming (a "C" reply to a text), if they did.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancellation_reason = models.CharField(max_length=300, blank=True)
    cancellation_class = models.CharField(max_length=10, blank=True)
    fee = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["clinic", "practitioner", "starts_at"], name="appt_practitioner"),
            models.Index(fields=["clinic", "patient", "starts_at"], name="appt_patient"),
            # A day's range and the API list's keyset order (starts_at, id): ties on a start
            # time are read in id order from the index, not gathered and sorted.
            models.Index(fields=["clinic", "starts_at", "id"], name="appt_day_list"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at"))
                & models.Q(ends_at__lte=models.F("blocked_until")),
                name="appointment_times_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.appointment_type.name} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def zone(self) -> ZoneInfo:
        """The appointment's times read where it happens: its location's zone."""
        return local_zone(self.clinic, self.location)

    @property
    def is_active(self) -> bool:
        return self.status in HOLDING

    @property
    def late(self) -> bool:
        """Cancelled inside the notice period, or missed: the late fee may apply."""
        return self.cancellation_class in LATE_CLASSES

    @property
    def status_label(self) -> str:
        """The status as the desk reads it: a cancellation says whether it came in time."""
        if self.status == AppointmentStatus.CANCELLED and self.cancellation_class:
            return CANCELLED_LABELS.get(self.cancellation_class, self.get_status_display())
        return self.get_status_display()

    @property
    def about(self) -> str:
        """The key that ties messages (confirmation, reminder) to this booking."""
        return f"appointment:{self.public_id}"
