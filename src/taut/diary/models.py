"""The symptom diary: prompts after a signed session, the patient's answers, the adverse events
they report, and the red-flag alerts a clinician must close.

Patient-reported events are kept here, not in charting's SessionAdverseEvent: a signed note is
final (the database refuses new rows for it), and who reported an event matters when reading it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from taut.clinics.models import ScopedManager


class Grade(models.TextChoices):
    """The answers of a graded question; the labels the patient sees come from diary.toml."""

    NONE = "none", "None"
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


class DiaryPrompt(models.Model):
    """One question time after a session (24, 48 or 72 hours), with the message that asked."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="diary_prompts"
    )
    session = models.ForeignKey(
        "charting.TreatmentSession", on_delete=models.PROTECT, related_name="diary_prompts"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    hours_after = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    message = models.ForeignKey(
        "messaging.OutboundMessage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the patient has no email address or phone number.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "hours_after"], name="diary_prompt_once")
        ]
        indexes = [models.Index(fields=["clinic", "patient", "due_at"], name="diary_prompt_due")]

    def __str__(self) -> str:
        return f"Diary prompt {self.hours_after} h after {self.session}"


class DiaryEntry(models.Model):
    """The patient's answers. One per prompt (the database's backstop); extra entries, written
    without a prompt because the patient got worse, have no prompt."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="diary_entries"
    )
    session = models.ForeignKey(
        "charting.TreatmentSession", on_delete=models.PROTECT, related_name="diary_entries"
    )
    prompt = models.OneToOneField(
        DiaryPrompt, null=True, blank=True, on_delete=models.PROTECT, related_name="entry"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    soreness = models.PositiveSmallIntegerField()
    bruising = models.CharField(max_length=10, choices=Grade.choices, default=Grade.NONE)
    drowsiness = models.CharField(max_length=10, choices=Grade.choices, default=Grade.NONE)
    fatigue = models.CharField(max_length=10, choices=Grade.choices, default=Grade.NONE)
    other_symptoms = models.TextField(blank=True)
    red_flags = models.JSONField(default=list, blank=True)
    hours_after = models.DecimalField(
        max_digits=6, decimal_places=1, help_text="Hours from the start of the session."
    )
    reported_at = models.DateTimeField()
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(soreness__lte=10), name="diary_soreness_0_10")
        ]
        indexes = [
            models.Index(fields=["clinic", "session", "reported_at"], name="diary_entry_session"),
            models.Index(fields=["clinic", "patient", "reported_at"], name="diary_entry_patient"),
        ]
        verbose_name_plural = "diary entries"

    def __str__(self) -> str:
        return f"Diary entry {self.hours_after} h after {self.session}"


class ReportedEvent(models.Model):
    """An adverse event the patient reported in the diary (an id of adverse_events.toml)."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        "charting.TreatmentSession", on_delete=models.PROTECT, related_name="reported_events"
    )
    entry = models.ForeignKey(DiaryEntry, on_delete=models.PROTECT, related_name="events")
    event = models.CharField(max_length=40)
    severity = models.CharField(max_length=20)
    because = models.CharField(max_length=300, blank=True)
    reported_at = models.DateTimeField()
    # A clinician's review (when closing the red-flag alert the report opened) settles it: either
    # confirmed as a structured adverse event (charting.LateAdverseEvent, counted instead of this
    # report) or judged not an adverse event of the needling. A reviewed report is not counted.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_as = models.ForeignKey(
        "charting.LateAdverseEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patient_reports",
    )

    objects = ScopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "event", "severity"], name="reported_event_kind"),
            models.Index(fields=["session", "event"], name="reported_event_session"),
        ]

    def __str__(self) -> str:
        return f"{self.event} ({self.severity}), reported by the patient"


class RedFlagAlert(models.Model):
    """Opened by a diary entry with a red flag; open until a clinician records what was done."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        "charting.TreatmentSession", on_delete=models.PROTECT, related_name="red_flag_alerts"
    )
    entry = models.OneToOneField(DiaryEntry, on_delete=models.PROTECT, related_name="alert")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    flags = models.JSONField()
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action_taken = models.TextField(blank=True)
    adverse_event = models.OneToOneField(
        "charting.LateAdverseEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alert",
        help_text="The adverse event recorded when the alert was closed, if any.",
    )

    objects = ScopedManager()

    class Meta:
        constraints = [
            # Closed means all three: when, who, and what was done.
            models.CheckConstraint(
                condition=(
                    Q(closed_at__isnull=True, closed_by__isnull=True, action_taken="")
                    | (Q(closed_at__isnull=False, closed_by__isnull=False) & ~Q(action_taken=""))
                ),
                name="red_flag_alert_closed_with_action",
            )
        ]
        indexes = [
            # The nav badge counts open alerts on every staff page: a small partial index.
            models.Index(
                fields=["clinic", "opened_at"],
                condition=Q(closed_at__isnull=True),
                name="red_flag_alert_open",
            ),
            models.Index(fields=["clinic", "-opened_at"], name="red_flag_alert_history"),
        ]

    def __str__(self) -> str:
        return f"Red-flag alert for {self.patient} ({'closed' if self.closed_at else 'open'})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
