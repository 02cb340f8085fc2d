from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from taut.clinics.models import ScopedManager


class EducationPage(models.Model):
    """A clinic's own version of one shipped topic (knowledge/education.toml).

    No row means the clinic shows the shipped text. Empty ``title``, ``summary`` and ``body``
    mean the same (after "restore shipped text"), so that later improvements to the shipped text
    reach the clinic; ``is_published = False`` hides the topic from the public pages.
    """

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    topic = models.SlugField(max_length=60)
    title = models.CharField(max_length=200, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    is_published = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "topic"], name="education_page_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.clinic_id})"

    @property
    def uses_shipped_text(self) -> bool:
        return not self.body


class EducationPageVersion(models.Model):
    """Every saved state of a page, kept so that earlier wording can be read again."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    page = models.ForeignKey(EducationPage, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    is_published = models.BooleanField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField()

    objects = ScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "version"], name="education_page_version"),
        ]
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.page.topic} v{self.version}"

    @property
    def uses_shipped_text(self) -> bool:
        return not self.body
