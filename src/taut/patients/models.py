from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from taut.clinics.models import ScopedManager

PATTERN = "varchar_pattern_ops"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not stated"


class Patient(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="patients")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    # Search keys, kept by the services: lower case, accents removed, digits only; the phone's
    # digits also reversed, so that "ends with 0142" is a prefix search through an index.
    given_key = models.CharField(max_length=100, editable=False)
    family_key = models.CharField(max_length=100, editable=False)
    phone_digits = models.CharField(max_length=40, blank=True, editable=False)
    phone_reversed = models.CharField(max_length=40, blank=True, default="", editable=False)
    email_key = models.CharField(max_length=254, blank=True, editable=False)
    portal_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patient_record",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager()

    class Meta:
        # Searches are prefix matches. PostgreSQL seeks a name prefix and reads it in name order
        # through two indexes on the keys in the "C" collation (migration 0003, PostgreSQL only);
        # phone and email prefixes use the pattern operator class (which SQLite ignores).
        indexes = [
            models.Index(fields=["clinic", "family_key", "given_key"], name="patient_name"),
            models.Index(fields=["clinic", "given_key"], name="patient_given"),
            *(
                models.Index(fields=["clinic", key], name=name, opclasses=["int8_ops", PATTERN])
                for key, name in (
                    ("phone_digits", "patient_phone_prefix"),
                    ("phone_reversed", "patient_phone_suffix"),
                    ("email_key", "patient_email_prefix"),
                )
            ),
            models.Index(fields=["clinic", "date_of_birth"], name="patient_dob"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class ExternalIdentifier(models.Model):
    """A patient's number in another system (an EHR's MRN, an insurer's member id): FHIR's
    Patient.identifier, system and value. One value of a system names one patient of the clinic."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="identifiers")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    system = models.CharField(max_length=255, blank=True)  # a URI; blank when the sender gave none
    value = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "system", "value"], name="external_identifier_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system}|{self.value}"
