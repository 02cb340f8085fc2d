"""Writing to the audit log. Services call `audit_record` explicitly; there are no signals."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from taut import clock
from taut.audit.chain import entry_hash
from taut.audit.models import Action, AuditChain, AuditEntry
from taut.clinic.proxies import client_ip


def chain_key_for(clinic: Any) -> str:
    return f"clinic:{clinic.pk}" if clinic is not None else "global"


def _storable(value: Any) -> Any:
    """The detail as PostgreSQL's jsonb will take it: no NUL characters, which a hostile
    username or search may carry (shown as U+FFFD so the entry still says something was there)."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(v) for v in value]
    return value


@transaction.atomic
def audit_record(
    *,
    request: HttpRequest | None,
    actor: Any,
    clinic: Any,
    action: Action,
    object_type: str,
    object_id: str,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    chain, _ = AuditChain.objects.get_or_create(key=chain_key_for(clinic))
    chain = AuditChain.objects.select_for_update().get(pk=chain.pk)
    actor_id = actor.pk if actor is not None else None
    actor_label = _storable(actor.get_username())[:200] if actor is not None else ""
    fields: dict[str, Any] = {
        "sequence": chain.length + 1,
        "clinic_id": clinic.pk if clinic is not None else None,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": str(action),
        "object_type": object_type,
        "object_id": _storable(object_id)[:64],
        "at": clock.now(),
        "ip_address": client_ip(request),
        "detail": _storable(detail or {}),
    }
    digest = entry_hash(prev_hash=chain.last_hash, **fields)
    entry = AuditEntry.objects.create(chain=chain, prev_hash=chain.last_hash, hash=digest, **fields)
    chain.last_hash = digest
    chain.length = fields["sequence"]
    chain.save(update_fields=["last_hash", "length"])
    return entry


def audit_patient_read(
    *, request: HttpRequest, patient: Any, object_type: str, object_id: str = ""
) -> AuditEntry:
    """Record that the signed-in user looked at part of a patient's record."""
    return audit_record(
        request=request,
        actor=request.user,
        clinic=patient.clinic,
        action=Action.VIEW,
        object_type=object_type,
        object_id=object_id or str(patient.public_id),
        detail={"patient": str(patient.public_id)},
    )
