"""Writing to the audit log. Services call `audit_record` explicitly; there are no signals."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from taut import clock
from taut.audit.chain import content_hash
from taut.audit.models import Action, AuditEntry
from taut.common.context import AuditContext
from taut.common.proxies import client_ip

_IP_FIELD = AuditEntry._meta.get_field("ip_address")


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


def audit_record(
    *,
    ctx: AuditContext | None = None,
    request: HttpRequest | None = None,
    actor: Any = None,
    clinic: Any,
    action: Action,
    object_type: str,
    object_id: str,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one entry in the caller's transaction (or on its own). One INSERT and no lock: the
    database queues the entry for the sealer (`taut.audit.sealing`), which chains it later.

    New code passes `ctx` (who acts and from where); `request`/`actor` are the older form."""
    agent = ""
    if ctx is not None:
        actor, address, agent = ctx.actor, ctx.client_address, ctx.agent
    else:
        address = client_ip(request)
    label = actor.get_username() if actor is not None else agent
    fields: dict[str, Any] = {
        "clinic_id": clinic.pk if clinic is not None else None,
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": _storable(label)[:200],
        "action": str(action),
        "object_type": object_type,
        "object_id": _storable(object_id)[:64],
        "at": clock.now(),
        "ip_address": _IP_FIELD.get_prep_value(address),  # as the column keeps it
        "detail": _storable(detail or {}),
    }
    return AuditEntry.objects.create(content_hash=content_hash(**fields), **fields)


def audit_patient_read(
    *,
    ctx: AuditContext | None = None,
    request: HttpRequest | None = None,
    patient: Any,
    object_type: str,
    object_id: str = "",
    action: Action = Action.VIEW,
) -> AuditEntry:
    """Record that someone looked at (or exported) part of a patient's record. Selectors pass
    `ctx`; `request` is the older form a few portal views still use."""
    return audit_record(
        ctx=ctx,
        request=request,
        actor=request.user if ctx is None and request is not None else None,
        clinic=patient.clinic,
        action=action,
        object_type=object_type,
        object_id=object_id or str(patient.public_id),
        detail={"patient": str(patient.public_id)},
    )
