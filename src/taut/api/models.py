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


class BackendClient(models.Model):
    """A machine the clinic owner registered for SMART Backend Services: it signs a JWT with a
    private key whose public half is in `jwks`, and trades it for a short-lived access token."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client_id = models.CharField(max_length=64, unique=True, editable=False)
    name = models.CharField(max_length=100)
    jwks = models.JSONField()  # the public keys only: {"keys": [{"kid": ..., "kty": ...}, ...]}
    scopes = models.JSONField(default=list)  # the system scopes it may ask for
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager()

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def audit_label(self) -> str:
        """How the audit log names it where a person's username would be."""
        return f"backend client {self.name} ({self.client_id})"


class BackendAccessToken(models.Model):
    """A short-lived bearer token granted to a backend client; only its SHA-256 is kept."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(BackendClient, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    objects = ScopedManager()

    def __str__(self) -> str:
        return f"access token of {self.client_id} until {self.expires_at:%H:%M:%S}"


class SeenAssertion(models.Model):
    """A client assertion's `jti`, kept until the assertion expires so it cannot be replayed."""

    client = models.ForeignKey(BackendClient, on_delete=models.CASCADE, related_name="+")
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "jti"], name="assertion_jti_once"),
        ]

    def __str__(self) -> str:
        return f"{self.jti} of {self.client_id}"
