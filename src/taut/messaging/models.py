"""Messages Taut sends to patients and staff, kept as a record of what went out and when."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from taut.clinics.models import ScopedManager


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class Kind(models.TextChoices):
    BOOKING_CONFIRMATION = "booking_confirmation", "Booking confirmation"
    BOOKING_CHANGED = "booking_changed", "Appointment moved"
    BOOKING_CANCELLED = "booking_cancelled", "Appointment cancelled"
    REMINDER = "reminder", "Appointment reminder"
    PORTAL_INVITATION = "portal_invitation", "Portal invitation"
    DIARY_PROMPT = "diary_prompt", "Symptom diary prompt"
    RED_FLAG_ALERT = "red_flag_alert", "Red-flag alert to the clinic"
    CLINIC_MESSAGE = "clinic_message", "Message from a patient"
    WAITLIST_OFFER = "waitlist_offer", "Waitlist offer"
    WAITLIST_TAKEN = "waitlist_taken", "Waitlist offer taken"


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class OutboundMessage(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    calendar_file = models.TextField(
        blank=True, help_text="An iCalendar attachment, sent with emails."
    )
    # What the message is about, e.g. "appointment:<uuid>", so a cancelled visit can withdraw
    # its pending reminder.
    about = models.CharField(max_length=80, blank=True)
    send_after = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "about"], name="message_about"),
            models.Index(fields=["clinic", "patient", "send_after"], name="message_patient"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient}"


class Direction(models.TextChoices):
    FROM_PATIENT = "in", "From the patient"
    FROM_CLINIC = "out", "From the clinic"


class PatientMessage(models.Model):
    """A message between a patient (in the portal) and the clinic's staff. Not for emergencies:
    the portal says so above the form."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    body = models.TextField(max_length=4000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["clinic", "patient", "created_at"], name="thread_patient"),
            models.Index(fields=["clinic", "direction", "read_at"], name="thread_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} on {self.created_at:%Y-%m-%d}"
