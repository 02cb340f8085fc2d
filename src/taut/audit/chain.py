"""The two hashes of the audit log. Pure: the same input always gives the same hash.

An entry's content hash covers what it says (who, what, which record, when, from where); it is
computed when the entry is written. A seal's hash links one entry into its clinic's chain: it
covers the seal before it, the seal's place in the chain, the entry's id and the entry's content
hash, so changing, removing or reordering an entry or a seal breaks every link after it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any


def content_hash(
    *,
    clinic_id: int | None,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    at: datetime,
    ip_address: str | None,
    detail: dict[str, Any],
) -> str:
    payload = json.dumps(
        {
            "clinic": clinic_id,
            "actor": actor_id,
            "actor_label": actor_label,
            "action": action,
            "type": object_type,
            "id": object_id,
            "at": at.isoformat(timespec="microseconds"),
            "ip": ip_address,
            "detail": detail,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def seal_hash(*, prev_hash: str, sequence: int, entry_id: int, entry_hash: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{sequence}|{entry_id}|{entry_hash}".encode()).hexdigest()
