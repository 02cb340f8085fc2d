from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from taut.clinics.models import ScopedManager
from taut.consent.sections import (
    DEFAULT_AFTER_TREATMENT,
    DEFAULT_RIGHTS,
    DEFAULT_RISKS_INTRO,
)


class ConsentKind(models.TextChoices):
    GENERAL = "general", "Dry needling"
    ELECTRICAL = "electrical", "Electrical dry needling"


class SigningChannel(models.TextChoices):
    PORTAL = "portal", "Patient portal"
    TABLET = "tablet", "Clinic tablet"


class ConsentDocument(models.Model):
    """One published version of a clinic's consent text. Versions are never edited."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    introduction = models.TextField(help_text="The clinic's own words, shown first.")
    techniques = models.JSONField(help_text="Technique ids the clinic uses (knowledge data).")
    risks_intro = models.TextField(
        default=DEFAULT_RISKS_INTRO, help_text="The clinic's words before the risk summary."
    )
    after_treatment = models.TextField(
        default=DEFAULT_AFTER_TREATMENT, help_text="What to watch for after a session."
    )
    rights = models.TextField(
        default=DEFAULT_RIGHTS, help_text="The right to refuse, stop and withdraw."
    )
    alternatives = models.TextField(help_text="Other treatments the patient may choose.")
    show_quoted_figures = models.BooleanField(
        default=False,
        help_text="Also show the commonly quoted consent-form figures, labelled as such.",
    )
    requires_reconsent = models.BooleanField(
        default=False, help_text="Patients who signed an earlier version must sign this one."
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField()

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "kind", "version"], name="consent_document_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Consent(models.Model):
    """A patient's signature on one document version, with the PDF of exactly what was signed."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="consents"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="+")
    signed_name = models.CharField(max_length=200)
    signature_svg = models.TextField()
    signed_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    channel = models.CharField(max_length=20, choices=SigningChannel.choices)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawal_reason = models.TextField(blank=True)

    objects = ScopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "patient", "-signed_at"], name="consent_latest"),
            models.Index(fields=["clinic", "signed_at", "id"], name="consent_list"),  # the API's
        ]

    def __str__(self) -> str:
        return f"Consent of {self.patient} to {self.document}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
