"""The hash over one audit entry. Pure: the same fields always give the same hash."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any


def entry_hash(
    *,
    prev_hash: str,
    sequence: int,
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
            "prev": prev_hash,
            "seq": sequence,
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
