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
    CONTACT_RECEIVED = "contact_received", "Contact form: received"
    # Answers to a patient's text reply (C, R), sent back in the reply itself.
    TEXT_CONFIRMED = "text_confirmed", "Answer to C: visit confirmed"
    TEXT_CALL_BACK = "text_call_back", "Answer to R: we will call"
    WAITLIST_OFFER = "waitlist_offer", "Waitlist offer"
    WAITLIST_TAKEN = "waitlist_taken", "Waitlist offer taken"


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    # Set later by the text-message provider's status callbacks.
    DELIVERED = "delivered", "Delivered"
    UNDELIVERED = "undelivered", "Not delivered"
    FAILED = "failed", "Failed"
    # The mail server refused the address when the email was handed over.
    BOUNCED = "bounced", "Bounced"
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
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    # The provider's id of the sent message (a Twilio message SID), for its status callbacks.
    provider_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "about"], name="message_about"),
            models.Index(fields=["clinic", "patient", "send_after"], name="message_patient"),
            models.Index(fields=["provider_id"], name="message_provider"),
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


class SmsTemplate(models.Model):
    """A clinic's own wording of one kind of text message; without one, the default applies.
    Only the placeholders of taut.messaging.sms_text may appear in it."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    text = models.CharField(max_length=320)

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "kind"], name="sms_template_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} text"


class SmsOptOut(models.Model):
    """A number that replied STOP: nothing is texted to it until it replies START. Kept per
    number, as the provider keeps it for the sending number."""

    number = models.CharField(max_length=20, unique=True, help_text="In E.164 form.")
    opted_out_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Opted out {self.opted_out_at:%Y-%m-%d}"


class UndeliverableEmail(models.Model):
    """An address the mail server refused: staff see it, and Taut texts instead where it can."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=254)
    reason = models.CharField(max_length=500)
    recorded_at = models.DateTimeField()

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "address"], name="undeliverable_email_once")
        ]

    def __str__(self) -> str:
        return f"Undeliverable since {self.recorded_at:%Y-%m-%d}"


class RequestKind(models.TextChoices):
    CONTACT = "contact", "Contact form"
    CALL_BACK = "call_back", "Asked for a call back"
    TEXT_REPLY = "text_reply", "Text message reply"


class DeskRequest(models.Model):
    """Something for the front desk to deal with that is not a portal thread: a question from the
    public contact form, a patient's text asking for a call back, a text Taut did not understand."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=12, choices=RequestKind.choices)
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=120, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    body = models.TextField(max_length=2000, blank=True)
    # The sender's address, for the contact form's rate limit.
    sender_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["clinic", "handled_at", "created_at"], name="desk_request_open"),
            models.Index(fields=["sender_address", "created_at"], name="desk_request_sender"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.created_at:%Y-%m-%d}"
