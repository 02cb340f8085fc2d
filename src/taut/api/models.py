"""Personal access tokens for the REST API.

A token belongs to one user in one clinic and acts with that user's role there. Only a SHA-256 of
the secret is stored: the secret is 256 random bits, so a fast hash cannot be brute-forced and a
slow password hash (Argon2) would only add latency to every API call. The prefix identifies the
token in lists and in the audit log without revealing the secret.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from taut.clinics.models import ScopedManager


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    READ_WRITE = "read_write", "Read and write"


class ApiToken(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=12, choices=TokenScope.choices)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The rate limit's fixed window, kept on the row so every server process shares it.
    rate_window_start = models.DateTimeField(null=True, blank=True, editable=False)
    rate_window_count = models.PositiveIntegerField(default=0, editable=False)

    objects = ScopedManager()

    class Meta:
        indexes = [models.Index(fields=["clinic", "user"], name="api_token_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def may_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE
