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
    """The head of one clinic's chain of seals: how long it is and the hash of its last seal.

    Only the sealer writes it, under a row lock, so sealers never interleave; requests never
    touch it. Events with no clinic, such as a failed sign-in for an unknown user, go to the chain
    with the key "global".
    """

    key = models.CharField(max_length=64, unique=True)
    last_hash = models.CharField(max_length=64, default="")
    length = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key} ({self.length} entries)"


class AppendOnly(models.Model):
    """Rows that are written once and never changed or deleted (the database refuses it too)."""

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("The audit log is append-only: its rows cannot be changed.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("The audit log is append-only: its rows cannot be deleted.")


class AuditEntry(AppendOnly):
    """Who did what to which record, when and from where. Written by the request that did it,
    with no lock: the sealer links it into its clinic's chain afterwards (`AuditSeal`)."""

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
    content_hash = models.CharField(max_length=64)

    class Meta:
        indexes = [
            # The log's pages walk this backwards from a (moment, id) cursor.
            models.Index(fields=["clinic", "at", "id"], name="audit_clinic_at_id"),
            models.Index(fields=["clinic", "object_type", "object_id"], name="audit_clinic_obj"),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"


class AuditSeal(AppendOnly):
    """One entry's link in its clinic's chain, written by the sealer. Append-only like entries."""

    chain = models.ForeignKey(AuditChain, on_delete=models.PROTECT, related_name="seals")
    sequence = models.PositiveBigIntegerField()
    entry = models.OneToOneField(AuditEntry, on_delete=models.PROTECT, related_name="seal")
    hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chain", "sequence"], name="audit_seal_sequence"),
        ]

    def __str__(self) -> str:
        return f"seal {self.sequence} of chain {self.chain_id}"


class UnsealedEntry(models.Model):
    """The sealer's queue: a database trigger adds a row for every entry inserted, in the same
    statement, and the sealer removes it in the transaction that seals the entry. It is bookkeeping,
    not evidence: `taut audit verify` finds unsealed entries from the seals themselves."""

    entry = models.OneToOneField(
        AuditEntry, primary_key=True, on_delete=models.DO_NOTHING, related_name="+"
    )

    def __str__(self) -> str:
        return f"entry {self.entry_id} awaiting its seal"
