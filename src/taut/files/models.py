"""Files kept in a patient's record: referral letters, imaging reports, outside records.

The bytes live outside the web root (settings.TAUT_PATIENT_FILES_DIR), named by the row's id,
and are served only through the files app's access check. A file is never erased from the
record by a person: removing it marks it removed, with who, when and why (audited).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from taut.clinics.models import ScopedManager


class FileKind(models.TextChoices):
    REFERRAL = "referral", "Referral letter"
    IMAGING = "imaging", "Imaging report"
    OUTSIDE_RECORD = "outside_record", "Record from another provider"
    OTHER = "other", "Other document"


class FileStatus(models.TextChoices):
    # Sent by the patient from the portal; the clinic looks at it before it joins the record.
    AWAITING_REVIEW = "awaiting_review", "Sent by the patient, awaiting review"
    IN_RECORD = "in_record", "In the record"
    DECLINED = "declined", "Declined"


class PatientFile(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=FileKind.choices)
    title = models.CharField(max_length=200)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    sha1 = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=FileStatus.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.CharField(max_length=500, blank=True)

    objects = ScopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "patient", "uploaded_at"], name="patient_file_list"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def stored_name(self) -> str:
        return f"{self.clinic_id}/{self.public_id}"
