from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models

from taut.clinics.models import ScopedManager, local_zone


class Profession(models.TextChoices):
    PHYSICAL_THERAPIST = "physical_therapist", "Physical therapist / physiotherapist"
    CHIROPRACTOR = "chiropractor", "Chiropractor"
    PHYSICIAN = "physician", "Physician"
    DENTIST = "dentist", "Dentist"
    ACUPUNCTURIST = "acupuncturist", "Acupuncturist"
    ATHLETIC_TRAINER = "athletic_trainer", "Athletic trainer"


class PractitionerProfile(models.Model):
    """A clinician's credentials, checked against jurisdictions.toml before every session."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="practitioner_profiles"
    )
    profession = models.CharField(max_length=30, choices=Profession.choices)
    licence_number = models.CharField(max_length=60)
    licence_expires = models.DateField()
    licensed_since = models.DateField(null=True, blank=True)
    training_hours = models.PositiveIntegerField(help_text="Dry-needling training, in hours.")
    training_course = models.CharField(max_length=200)
    training_date = models.DateField()

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "user"], name="practitioner_profile_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_profession_display()})"


class NeedleProduct(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    brand = models.CharField(max_length=100)
    gauge_mm = models.DecimalField(max_digits=4, decimal_places=2)
    length_mm = models.PositiveIntegerField()
    is_active = models.BooleanField(default=True)

    objects = ScopedManager()

    def __str__(self) -> str:
        return f"{self.brand} {self.gauge_mm} × {self.length_mm} mm"


class NeedleLot(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(NeedleProduct, on_delete=models.PROTECT, related_name="lots")
    lot_number = models.CharField(max_length=60)
    expires_on = models.DateField()
    received_on = models.DateField()

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "product", "lot_number"], name="needle_lot_unique"
            )
        ]
        indexes = [models.Index(fields=["clinic", "lot_number"], name="needle_lot_number")]

    def __str__(self) -> str:
        return f"{self.product} lot {self.lot_number} (expires {self.expires_on})"


class SessionStatus(models.TextChoices):
    OPEN = "open", "In progress"
    SIGNED = "signed", "Signed"


class TreatmentSession(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="treatment_sessions"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    screening = models.ForeignKey(
        "screening.ScreeningRecord", on_delete=models.PROTECT, related_name="+"
    )
    consent = models.ForeignKey("consent.Consent", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(
        "clinics.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Nullable so that adding it never makes SQLite rebuild the table (and drop its triggers).
    condition = models.CharField(  # noqa: DJ001
        max_length=40,
        null=True,
        blank=True,
        help_text="The condition treated: an id of conditions.toml.",
    )
    started_at = models.DateTimeField()
    date_of_service = models.DateField()
    first_session = models.BooleanField()
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN
    )
    pain_regions = models.JSONField(default=list, blank=True)
    subjective = models.TextField(blank=True)
    skin_check = models.TextField(blank=True)
    patient_response = models.TextField(blank=True)
    drowsy_or_fainted = models.BooleanField(default=False)
    assessment = models.TextField(blank=True)
    plan = models.TextField(blank=True)
    diagnosis_codes = models.CharField(
        max_length=300, blank=True, help_text="ICD-10 codes and text, e.g. M79.1 Myalgia"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    billing = models.JSONField(default=dict, blank=True)
    aftercare = models.JSONField(default=dict, blank=True)

    objects = ScopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "patient", "-started_at"], name="session_patient"),
            # The outcomes dashboard: every filter starts from the clinic and a date range.
            models.Index(fields=["clinic", "status", "date_of_service"], name="session_day"),
            models.Index(
                fields=["clinic", "clinician", "date_of_service"], name="session_clinician_day"
            ),
            models.Index(
                fields=["clinic", "location", "date_of_service"], name="session_location_day"
            ),
            # The API's list, newest first, paged by cursor (taut.keyset).
            models.Index(fields=["clinic", "started_at", "id"], name="session_list"),
        ]

    def __str__(self) -> str:
        return f"Session of {self.patient} on {self.date_of_service}"

    @property
    def zone(self) -> ZoneInfo:
        """The session's times read where it happened: its location's zone, else the clinic's."""
        return local_zone(self.clinic, self.location)

    @property
    def is_signed(self) -> bool:
        return self.status == SessionStatus.SIGNED


class Twitch(models.TextChoices):
    NONE = "none", "None"
    SOME = "some", "Some"
    MANY = "many", "Many"


class NeedlingEntry(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="entries")
    muscle = models.CharField(max_length=60)
    side = models.CharField(max_length=1, choices=[("l", "Left"), ("r", "Right")])
    technique = models.CharField(max_length=30)
    lot = models.ForeignKey(NeedleLot, on_delete=models.PROTECT, related_name="entries")
    needles_in = models.PositiveSmallIntegerField()
    needles_out = models.PositiveSmallIntegerField(null=True, blank=True)
    depth_mm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    insertions = models.PositiveSmallIntegerField(null=True, blank=True)
    twitch = models.CharField(max_length=10, choices=Twitch.choices, default=Twitch.NONE)
    minutes_in = models.PositiveSmallIntegerField(null=True, blank=True)
    frequency_hz = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    pulse_width_us = models.PositiveIntegerField(null=True, blank=True)
    intensity_ma = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    stimulation_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "lot"], name="entry_lot"),
            models.Index(fields=["session", "technique"], name="entry_session_technique"),
            models.Index(fields=["session", "muscle"], name="entry_session_muscle"),
        ]

    def __str__(self) -> str:
        return f"{self.muscle} ({self.side})"


class SessionAdverseEvent(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="adverse_events"
    )
    event = models.CharField(max_length=40)
    severity = models.CharField(max_length=20)
    action_taken = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    objects = ScopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["session", "event", "severity"], name="event_session"),
            models.Index(fields=["clinic", "recorded_at", "id"], name="event_list"),  # the API's
        ]

    def __str__(self) -> str:
        return f"{self.event} ({self.severity})"


class ReportedVia(models.TextChoices):
    DIARY = "diary", "Symptom diary (red-flag alert)"
    PHONE = "phone", "Phone call"
    VISIT = "visit", "At a later visit"
    MESSAGE = "message", "Message or email"
    OTHER = "other", "Other"


class LateAdverseEvent(models.Model):
    """An adverse event reported after the note was signed (a diary red flag, a phone call).

    Its own record, linked to the signed session: the note and its own adverse events never
    change. The dashboard counts it with the session's events (outcomes.rollups).
    """

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, related_name="late_adverse_events"
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=40, help_text="An id of adverse_events.toml.")
    severity = models.CharField(max_length=20)
    reported_via = models.CharField(max_length=10, choices=ReportedVia.choices)
    reported_on = models.DateField(help_text="The day the patient reported it (clinic's date).")
    description = models.TextField(help_text="What the patient reported.")
    action_taken = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    objects = ScopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["session", "event", "severity"], name="late_event_session"),
            models.Index(fields=["clinic", "patient", "recorded_at"], name="late_event_patient"),
        ]

    def __str__(self) -> str:
        return f"{self.event} ({self.severity}), reported after signing"


class Addendum(models.Model):
    """A correction or addition to a signed note; the note itself never changes."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    objects = ScopedManager()

    def __str__(self) -> str:
        return f"Addendum to {self.session}"


class Timing(models.TextChoices):
    BEFORE = "before", "Before needling"
    AFTER = "after", "After needling"


class Measure(models.Model):
    """One outcome measure taken in a session, scored by the instrument's published rules."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="measures")
    instrument = models.CharField(max_length=30)
    timing = models.CharField(max_length=10, choices=Timing.choices)
    score = models.DecimalField(max_digits=7, decimal_places=2)
    unit = models.CharField(max_length=30)
    answers = models.JSONField(default=list, blank=True)
    site = models.CharField(
        max_length=120, blank=True, help_text="Joint and movement for ROM, site for PPT."
    )
    recorded_at = models.DateTimeField()

    objects = ScopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "instrument", "recorded_at"], name="measure_instrument"),
            models.Index(fields=["session", "instrument", "timing"], name="measure_session"),
            models.Index(fields=["clinic", "recorded_at", "id"], name="measure_list"),  # the API's
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.score} ({self.timing})"
