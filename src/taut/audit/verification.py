"""Checking the audit log: every entry's content against its hash, every chain of seals link by
link, and every entry that the sealer has not reached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from taut import clock
from taut.audit.chain import content_hash, seal_hash
from taut.audit.models import AuditChain, AuditEntry, AuditSeal
from taut.audit.sealing import chain_key_for

DEFAULT_GRACE = timedelta(minutes=10)
ITERATION_CHUNK = 2_000


@dataclass(frozen=True)
class ChainBreak:
    chain_key: str
    entry_id: int
    sequence: int | None  # None for an entry that has no seal yet
    reason: str


@dataclass(frozen=True)
class VerificationResult:
    entries_checked: int  # sealed entries, each checked for content and link
    chains_checked: int
    first_break: ChainBreak | None
    never_sealed: tuple[int, ...]  # ids of entries older than the grace period without a seal
    awaiting_seal: int  # entries younger than the grace period without a seal
    grace: timedelta

    @property
    def ok(self) -> bool:
        return self.first_break is None and not self.never_sealed


def audit_chain_verify(*, grace: timedelta = DEFAULT_GRACE) -> VerificationResult:
    checked, first_break = 0, None
    chains = list(AuditChain.objects.order_by("key"))
    for chain in chains:
        count, problem = _check_chain(chain)
        checked += count
        if problem is not None:
            first_break = problem
            break
    never_sealed, awaiting, unsealed_break = _check_unsealed(grace)
    return VerificationResult(
        entries_checked=checked,
        chains_checked=len(chains),
        first_break=first_break or unsealed_break,
        never_sealed=never_sealed,
        awaiting_seal=awaiting,
        grace=grace,
    )


def _check_chain(chain: AuditChain) -> tuple[int, ChainBreak | None]:
    prev_hash = ""
    expected = 1
    seals = AuditSeal.objects.filter(chain=chain).select_related("entry").order_by("sequence")
    for seal in seals.iterator(ITERATION_CHUNK):
        reason = _seal_problem(chain, seal, prev_hash, expected)
        if reason:
            return expected - 1, ChainBreak(chain.key, seal.entry_id, seal.sequence, reason)
        prev_hash = seal.hash
        expected += 1
    if chain.length != expected - 1 or chain.last_hash != prev_hash:
        reason = f"the chain should hold {chain.length} seals and ends after {expected - 1}"
        return expected - 1, ChainBreak(chain.key, 0, expected, reason)
    return expected - 1, None


def _seal_problem(chain: AuditChain, seal: AuditSeal, prev_hash: str, expected: int) -> str:
    entry = seal.entry
    if seal.sequence != expected:
        return f"seal {seal.sequence} where {expected} was expected (a seal or entry removed?)"
    if chain_key_for(entry.clinic_id) != chain.key:
        return "the entry belongs to another chain (its clinic was changed?)"
    if _recomputed(entry) != entry.content_hash:
        return "its contents do not match its hash (entry altered)"
    link = seal_hash(
        prev_hash=prev_hash,
        sequence=seal.sequence,
        entry_id=entry.pk,
        entry_hash=entry.content_hash,
    )
    if link != seal.hash:
        return "its seal does not link to the seal before it (entry or seal replaced)"
    return ""


def _check_unsealed(grace: timedelta) -> tuple[tuple[int, ...], int, ChainBreak | None]:
    cutoff = clock.now() - grace
    never_sealed: list[int] = []
    awaiting = 0
    first_break = None
    unsealed = AuditEntry.objects.filter(seal__isnull=True).order_by("pk")
    for entry in unsealed.iterator(ITERATION_CHUNK):
        if entry.at < cutoff:
            never_sealed.append(entry.pk)
        else:
            awaiting += 1
        if first_break is None and _recomputed(entry) != entry.content_hash:
            reason = "its contents do not match its hash (entry altered before it was sealed)"
            first_break = ChainBreak(chain_key_for(entry.clinic_id), entry.pk, None, reason)
    return tuple(never_sealed), awaiting, first_break


def _recomputed(entry: AuditEntry) -> str:
    return content_hash(
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
