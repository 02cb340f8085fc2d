from __future__ import annotations

from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    ARCHIVE = "archive", "Archived"
    EXPORT = "export", "Exported"
    LOGIN = "login", "Signed in"
    FAILED_LOGIN = "failed_login", "Failed sign-in"


class AuditChain(models.Model):
    """The head of one hash chain. Locking this row serialises appends to the chain.

    Each clinic has its own chain (so clinics never wait on each other); events with no clinic,
    such as a failed sign-in for an unknown user, go to the chain with the key "global".
    """

    key = models.CharField(max_length=64, unique=True)
    last_hash = models.CharField(max_length=64, default="")
    length = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key} ({self.length} entries)"


class AuditEntry(models.Model):
    chain = models.ForeignKey(AuditChain, on_delete=models.PROTECT, related_name="entries")
    sequence = models.PositiveBigIntegerField()
    clinic = models.ForeignKey(
        "clinics.Clinic", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="audit_chain_sequence"),
        ]
        indexes = [
            models.Index(fields=["clinic", "at"], name="audit_clinic_at"),
            models.Index(fields=["clinic", "object_type", "object_id"], name="audit_clinic_obj"),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Audit entries are append-only and cannot be changed.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit entries are append-only and cannot be deleted.")
