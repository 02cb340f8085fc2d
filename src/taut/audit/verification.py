"""Checking the hash chains of the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from taut.audit.chain import entry_hash
from taut.audit.models import AuditChain, AuditEntry


@dataclass(frozen=True)
class ChainBreak:
    chain_key: str
    entry_id: int
    sequence: int
    reason: str


@dataclass(frozen=True)
class VerificationResult:
    entries_checked: int
    chains_checked: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def _check_chain(chain: AuditChain) -> tuple[int, ChainBreak | None]:
    prev_hash = ""
    expected_sequence = 1
    checked = 0
    for entry in AuditEntry.objects.filter(chain=chain).order_by("sequence").iterator(2000):
        checked += 1
        reason = _entry_problem(entry, prev_hash, expected_sequence)
        if reason:
            return checked, ChainBreak(chain.key, entry.pk, entry.sequence, reason)
        prev_hash = entry.hash
        expected_sequence += 1
    if chain.length != expected_sequence - 1 or chain.last_hash != prev_hash:
        return checked, ChainBreak(chain.key, 0, expected_sequence, "entries missing at the end")
    return checked, None


def _entry_problem(entry: AuditEntry, prev_hash: str, expected_sequence: int) -> str:
    if entry.sequence != expected_sequence:
        return f"sequence {entry.sequence} where {expected_sequence} was expected (entry removed?)"
    if entry.prev_hash != prev_hash:
        return "does not link to the entry before it"
    recomputed = entry_hash(
        prev_hash=entry.prev_hash,
        sequence=entry.sequence,
        clinic_id=entry.clinic_id,
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        at=entry.at,
        ip_address=entry.ip_address,
        detail=entry.detail,
    )
    if recomputed != entry.hash:
        return "its contents do not match its hash (entry altered)"
    return ""


def audit_chain_verify() -> VerificationResult:
    total = 0
    chains = list(AuditChain.objects.order_by("key"))
    for chain in chains:
        checked, problem = _check_chain(chain)
        total += checked
        if problem is not None:
            return VerificationResult(total, len(chains), problem)
    return VerificationResult(total, len(chains), None)
