"""Roll-ups of signed sessions that the clinic dashboard adds up instead of scanning every row.

They are derived data: `rollups.py` writes them when a note is signed or a patient reports an
adverse event, and `taut rollups` recomputes them from the clinical records at any time. Nothing
here is a clinical record, so a refresh replaces rows instead of amending them.

- Tallies count per clinic, location, clinician and period. A period is a day or a calendar
  month (`grain`): a dashboard range adds up the months it covers whole and the days at its
  edges, so any date range sums exactly and a year costs a few thousand rows, not a million.
- A course row holds one patient's course of one instrument (and site) in one episode of care,
  reduced by the core's `summarise_course` to what the outcome tables count.
- A patient span holds the first and last signed day of a patient per location and clinician:
  distinct patients cannot be summed across periods, so the dashboard counts spans instead.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from taut.clinical.course import PLATEAU_WINDOWS
from taut.clinics.models import ScopedManager


class Grain(models.TextChoices):
    DAY = "d", "Day"
    MONTH = "m", "Month"


class Tally(models.Model):
    """One clinic, location and clinician over one day or month (`day` is the month's first)."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="+")
    grain = models.CharField(max_length=1, choices=Grain.choices)
    day = models.DateField()
    location = models.ForeignKey(
        "clinics.Location", on_delete=models.CASCADE, null=True, related_name="+"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    objects = ScopedManager()
    keys: tuple[str, ...] = ()  # what a tally counts by, besides its period and bucket
    counts: tuple[str, ...] = ()  # the numbers, which months add up from days

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{type(self).__name__} of {self.day} ({self.get_grain_display()})"


class SessionTally(Tally):
    sessions = models.PositiveIntegerField()
    first_sessions = models.PositiveIntegerField()

    counts = ("sessions", "first_sessions")

    class Meta:
        indexes = [models.Index(fields=["clinic", "grain", "day"], name="session_tally_day")]


class UseKind(models.TextChoices):
    MUSCLE = "muscle", "Muscle"
    TECHNIQUE = "technique", "Technique"


class UseTally(Tally):
    """Needling entries by muscle or by technique (two kinds, so neither double-counts sessions)."""

    kind = models.CharField(max_length=10, choices=UseKind.choices)
    key = models.CharField(max_length=60)
    entries = models.PositiveIntegerField()
    sessions = models.PositiveIntegerField()  # sessions with at least one such entry
    needles = models.PositiveIntegerField()

    keys = ("kind", "key")
    counts = ("entries", "sessions", "needles")

    class Meta:
        indexes = [models.Index(fields=["clinic", "grain", "day"], name="use_tally_day")]


ANY_EVENT = ""  # the event of the rows that count treatments with any event of a severity


class EventTally(Tally):
    """Adverse events recorded by the clinician or reported by the patient, by type and severity;
    rows with event ANY_EVENT count treatments with any event of the severity."""

    event = models.CharField(max_length=40, blank=True)
    severity = models.CharField(max_length=20)
    treatments = models.PositiveIntegerField()  # treatments with at least one such event
    reports = models.PositiveIntegerField()

    keys = ("event", "severity")
    counts = ("treatments", "reports")

    class Meta:
        indexes = [models.Index(fields=["clinic", "grain", "day"], name="event_tally_day")]


class OutcomeGrouping(models.TextChoices):
    CONDITION = "condition", "Condition"
    TECHNIQUE = "technique", "Technique"


def plateau_column(window: int) -> str:
    return f"plateaus_{window}"


class OutcomeTally(Tally):
    """Courses by condition (each course once) or by technique (under each technique of its
    episode) and instrument, dated by their latest score: sums for means, and counts of
    responders, worsening and plateaus for every window a dashboard may choose."""

    grouping = models.CharField(max_length=10, choices=OutcomeGrouping.choices)
    key = models.CharField(max_length=60, blank=True)
    instrument = models.CharField(max_length=30)
    courses = models.PositiveIntegerField()
    baseline_sum = models.DecimalField(max_digits=14, decimal_places=3)
    latest_sum = models.DecimalField(max_digits=14, decimal_places=3)
    change_sum = models.DecimalField(max_digits=14, decimal_places=3)
    responders = models.PositiveIntegerField()
    worsening = models.PositiveIntegerField()
    plateaus_2 = models.PositiveIntegerField()
    plateaus_3 = models.PositiveIntegerField()
    plateaus_4 = models.PositiveIntegerField()
    plateaus_5 = models.PositiveIntegerField()
    plateaus_6 = models.PositiveIntegerField()
    plateaus_7 = models.PositiveIntegerField()
    plateaus_8 = models.PositiveIntegerField()
    plateaus_9 = models.PositiveIntegerField()
    plateaus_10 = models.PositiveIntegerField()

    keys = ("grouping", "key", "instrument")
    counts = (
        "courses",
        "baseline_sum",
        "latest_sum",
        "change_sum",
        "responders",
        "worsening",
        *(plateau_column(window) for window in PLATEAU_WINDOWS),
    )

    class Meta:
        indexes = [models.Index(fields=["clinic", "grain", "day"], name="outcome_tally_day")]


TALLIES: tuple[type[Tally], ...] = (SessionTally, UseTally, EventTally, OutcomeTally)


class CourseSummary(models.Model):
    """One course: a patient's scores before needling of one instrument (and site) within one
    episode of care, with two or more scores. Dated, placed and attributed by its latest score."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="+")
    instrument = models.CharField(max_length=30)
    site = models.CharField(max_length=60, blank=True)
    condition = models.CharField(max_length=60, blank=True)
    first_day = models.DateField()
    last_day = models.DateField()
    location = models.ForeignKey(
        "clinics.Location", on_delete=models.CASCADE, null=True, related_name="+"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    observations = models.PositiveIntegerField()
    baseline = models.DecimalField(max_digits=9, decimal_places=3)
    latest = models.DecimalField(max_digits=9, decimal_places=3)
    change = models.DecimalField(max_digits=9, decimal_places=3)
    mcid = models.DecimalField(max_digits=9, decimal_places=3)
    responded = models.BooleanField()
    worsened = models.BooleanField()
    plateau_mask = models.PositiveIntegerField(help_text="Bit N set: a plateau over the last N.")
    techniques = models.JSONField(default=list)  # needled in the episode, sorted

    objects = ScopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "last_day"], name="course_summary_day"),
            models.Index(fields=["clinic", "patient"], name="course_summary_patient"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} course of patient {self.patient_id} to {self.last_day}"


class SpanScope(models.TextChoices):
    """What a span is per, matching the dashboard's filters: so no count needs DISTINCT."""

    PATIENT = "patient", "Patient"
    LOCATION = "location", "Patient at a location"
    CLINICIAN = "clinician", "Patient with a clinician"
    BOTH = "both", "Patient at a location with a clinician"


class PatientSpan(models.Model):
    """A patient's first and last signed session, overall or per location and/or clinician (the
    fields outside the scope are empty)."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=10, choices=SpanScope.choices)
    location = models.ForeignKey(
        "clinics.Location", on_delete=models.CASCADE, null=True, related_name="+"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    first_day = models.DateField()
    last_day = models.DateField()

    objects = ScopedManager()

    class Meta:
        indexes = [
            models.Index(
                fields=["clinic", "scope", "last_day", "first_day"], name="patient_span_days"
            ),
            models.Index(fields=["clinic", "patient"], name="patient_span_patient"),
        ]

    def __str__(self) -> str:
        return f"Patient {self.patient_id} from {self.first_day} to {self.last_day}"


class SpanEdgeTally(models.Model):
    """How many patient spans of one scope (location, clinician) begin and end on a day, or in a
    month (`day` is then the month's first). The patients whose span overlaps a range are those
    whose span began by its end less those whose span ended before its start: two sums over day
    and month rows, however many patients the clinic has
    (outcomes.selectors.clinic_dashboard._patients)."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=10, choices=SpanScope.choices)
    grain = models.CharField(max_length=1, choices=Grain.choices)
    day = models.DateField()
    location = models.ForeignKey(
        "clinics.Location", on_delete=models.CASCADE, null=True, related_name="+"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    began = models.PositiveIntegerField(default=0)
    ended = models.PositiveIntegerField(default=0)

    objects = ScopedManager()

    class Meta:
        indexes = [models.Index(fields=["clinic", "scope", "grain", "day"], name="span_edge_day")]

    def __str__(self) -> str:
        return f"{self.began} spans begun, {self.ended} ended on {self.day} ({self.scope})"
