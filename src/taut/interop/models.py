from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from taut.clinics.models import ScopedManager


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Removed"  # files deleted after the stated lifetime (TAUT_EXPORT_HOURS)
    CANCELLED = "cancelled", "Cancelled"  # DELETE on the status URL; its files are removed


class ExportLevel(models.TextChoices):
    SYSTEM = "system", "Whole clinic"
    PATIENT = "patient", "All patients"
    GROUP = "group", "Patients of a location"


class ExportJob(models.Model):
    """One FHIR bulk export ($export) of a clinic: NDJSON files under VAR_DIR/exports."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # A person, or (for SMART Backend Services) a registered machine with no user.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by_client = models.ForeignKey(
        "api.BackendClient", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    request_url = models.CharField(max_length=500)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # [{"type": "Patient", "file": "Patient.ndjson", "count": 40, "sha256": "..."}]
    files = models.JSONField(default=list, blank=True)
    resource_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # The kick-off's parameters: which export, of which types, changed since when.
    level = models.CharField(max_length=10, choices=ExportLevel.choices, default=ExportLevel.SYSTEM)
    group = models.ForeignKey(
        "clinics.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    types = models.JSONField(default=list, blank=True)  # empty: every type of the level
    since = models.DateTimeField(null=True, blank=True)
    # What the export tells the client beside its files (parameters ignored under
    # Prefer: handling=lenient, types exported in full under _since): the manifest's error file.
    notes = models.JSONField(default=list, blank=True)
    # The worker touches it as it writes; a running job whose heartbeat stops has lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    objects = ScopedManager()

    class Meta:
        indexes = [models.Index(fields=["clinic", "-requested_at"], name="export_latest")]

    def __str__(self) -> str:
        return f"Export {self.public_id} ({self.status})"


class ImportKind(models.TextChoices):
    CSV = "csv", "Patients from CSV"
    FHIR = "fhir", "Patients from a FHIR Bundle"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Awaiting review"
    COMMITTED = "committed", "Imported"
    DISCARDED = "discarded", "Discarded"


class ImportBatch(models.Model):
    """An uploaded file between upload and commit. Its content is erased once it is imported
    or discarded; the row stays as the record of what was imported."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    filename = models.CharField(max_length=200)
    content = models.TextField(blank=True)
    columns = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    row_count = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)  # patients refused for their errors
    matched_count = models.PositiveIntegerField(default=0)  # FHIR Patients already registered
    # FHIR resources other than Patient, not imported: {resource type: count}
    skipped_resources = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        indexes = [models.Index(fields=["clinic", "-uploaded_at"], name="import_latest")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.filename}"
