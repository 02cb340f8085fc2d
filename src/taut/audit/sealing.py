"""The sealer: links written entries into their clinic's chain, off the request path.

Requests write entries with one INSERT and no lock, and the database queues each one
(`UnsealedEntry`). The sealer, which `taut worker` runs every few seconds and `taut audit seal` runs
on demand, takes the queue in batches, oldest entry first. In one transaction per batch it locks
the heads of the chains it extends (so two sealers never interleave), gives each entry the next
place in its chain with a seal hash over the seal before it, and takes the entries off the queue.
A sealer killed half-way commits nothing, and the next one starts from the same queue; an entry
whose writer was killed after its INSERT committed is in the queue like any other.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from datetime import datetime

from django.db import DatabaseError, close_old_connections, transaction
from django.db.models import Q

from taut import clock
from taut.audit.chain import seal_hash
from taut.audit.models import AuditChain, AuditSeal, UnsealedEntry

BATCH = 2_000
logger = logging.getLogger(__name__)


def chain_key_for(clinic_id: int | None) -> str:
    return f"clinic:{clinic_id}" if clinic_id is not None else "global"


def audit_seal_pending(*, batch: int = BATCH) -> int:
    """Seal every queued entry; the number sealed."""
    sealed = 0
    while True:
        done = _seal_batch(batch)
        sealed += done
        if done < batch:
            return sealed


def seal_every(interval: float, stop: threading.Event) -> None:
    """The worker's sealing loop, until `stop` is set. A failed round (a dropped connection, say)
    is logged and retried at the next one: nothing is lost while the queue waits."""
    while True:
        try:
            close_old_connections()
            audit_seal_pending()
        except DatabaseError:
            logger.exception("sealing the audit log failed; retrying in %s s", interval)
        if stop.wait(interval):
            return


@transaction.atomic
def _seal_batch(limit: int) -> int:
    queue = UnsealedEntry.objects.order_by("entry_id")
    clinic_ids: set[int | None] = set(queue.values_list("entry__clinic_id", flat=True)[:limit])
    if not clinic_ids:
        return 0
    heads = _locked_heads(clinic_ids)
    # Read again under the locks: another sealer may have taken some of these meanwhile.
    rows = list(
        queue.filter(_of_clinics(clinic_ids)).values_list(
            "entry_id", "entry__clinic_id", "entry__content_hash"
        )[:limit]
    )
    by_chain: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for entry_id, clinic_id, entry_hash in rows:
        by_chain[chain_key_for(clinic_id)].append((entry_id, entry_hash))
    now = clock.now()
    seals = [
        seal
        for key, entries in by_chain.items()
        for seal in _extend(heads[key], entries, sealed_at=now)
    ]
    AuditSeal.objects.bulk_create(seals, batch_size=500)
    UnsealedEntry.objects.filter(entry_id__in=[row[0] for row in rows]).delete()
    return len(rows)


def _of_clinics(clinic_ids: set[int | None]) -> Q:
    condition = Q(entry__clinic_id__in=[c for c in clinic_ids if c is not None])
    if None in clinic_ids:
        condition |= Q(entry__clinic_id__isnull=True)
    return condition


def _locked_heads(clinic_ids: set[int | None]) -> dict[str, AuditChain]:
    keys = sorted(chain_key_for(clinic_id) for clinic_id in clinic_ids)
    for key in keys:
        AuditChain.objects.get_or_create(key=key)
    # One order for every sealer, so two of them never wait on each other in a circle.
    locked = AuditChain.objects.select_for_update().filter(key__in=keys).order_by("key")
    return {head.key: head for head in locked}


def _extend(
    head: AuditChain, entries: list[tuple[int, str]], *, sealed_at: datetime
) -> list[AuditSeal]:
    seals = []
    for entry_id, entry_hash in entries:
        sequence = head.length + 1
        link = seal_hash(
            prev_hash=head.last_hash, sequence=sequence, entry_id=entry_id, entry_hash=entry_hash
        )
        seals.append(
            AuditSeal(
                chain=head, sequence=sequence, entry_id=entry_id, hash=link, sealed_at=sealed_at
            )
        )
        head.length, head.last_hash = sequence, link
    head.save(update_fields=["length", "last_hash"])
    return seals
