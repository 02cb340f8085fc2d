"""Requests for the front desk that are not a portal thread: the public contact form, a text
asking for a call back, a text Taut did not understand. Staff read them in the inbox and mark
each handled."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinics.models import Clinic
from taut.common.context import AuditContext
from taut.common.refusals import Refused
from taut.messaging.models import DeskRequest, RequestKind
from taut.patients.models import Patient


def _audit(ctx: AuditContext, request: DeskRequest, action: Action) -> None:
    detail = {"kind": request.kind}
    if request.patient_id:
        detail["patient"] = str(request.patient.public_id)  # type: ignore[union-attr]
    audit_record(
        ctx=ctx,
        clinic=request.clinic,
        action=action,
        object_type="desk_request",
        object_id=str(request.public_id),
        detail=detail,
    )


@transaction.atomic
def desk_request_record(
    *,
    ctx: AuditContext,
    clinic: Clinic,
    kind: RequestKind,
    now: dt.datetime,
    patient: Patient | None = None,
    name: str = "",
    email: str = "",
    phone: str = "",
    body: str = "",
) -> DeskRequest:
    request = DeskRequest.objects.create(
        clinic=clinic,
        kind=kind,
        patient=patient,
        name=name,
        email=email,
        phone=phone,
        body=body,
        sender_address=ctx.client_address,
        created_at=now,
    )
    _audit(ctx, request, Action.CREATE)
    return request


class AlreadyHandled(Refused):
    """Someone marked the request handled first."""


@transaction.atomic
def desk_request_mark_handled(*, ctx: AuditContext, request: DeskRequest, now: dt.datetime) -> None:
    marked = DeskRequest.objects.filter(pk=request.pk, handled_at__isnull=True).update(
        handled_at=now, handled_by=ctx.actor
    )
    if not marked:
        raise AlreadyHandled("Someone has already marked this request handled.")
    _audit(ctx, request, Action.UPDATE)
