"""/consents: patients' signed consents (read). Signing stays on the tablet and in the portal."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from taut.api.auth import ApiContext, reader
from taut.api.schemas import READ_ERRORS, NextCursor, PageQuery, UserRef, ids, page_of, user_ref
from taut.api.selectors import consents_for_api, get_consent_for_api
from taut.audit.models import Action
from taut.clinics.roles import Permission
from taut.consent.models import Consent, ConsentKind, SigningChannel

PREFIX = "/consents"
router = Router(tags=["consents"])


class DocumentRef(Schema):
    id: UUID
    kind: ConsentKind
    version: int
    title: str


class ConsentOut(Schema):
    id: UUID
    patient: UUID
    kind: ConsentKind
    document: DocumentRef
    signed_name: str
    signed_at: datetime
    channel: SigningChannel
    taken_by: UserRef
    pdf_sha256: str = Field(description="SHA-256 of the PDF frozen at signing.")
    withdrawn: bool
    withdrawn_at: datetime | None
    withdrawn_by: UserRef | None
    withdrawal_reason: str


class ConsentPage(Schema):
    limit: int
    next: NextCursor
    items: list[ConsentOut]


class ConsentQuery(PageQuery):
    patient: UUID | None = None
    kind: ConsentKind | None = None
    withdrawn: bool | None = Field(None, description="true: only withdrawn; false: only standing.")


def consent_out(consent: Consent) -> dict[str, Any]:
    document = consent.document
    return {
        "id": consent.public_id,
        "patient": consent.patient.public_id,
        "kind": document.kind,
        "document": {
            "id": document.public_id,
            "kind": document.kind,
            "version": document.version,
            "title": document.title,
        },
        "signed_name": consent.signed_name,
        "signed_at": consent.signed_at,
        "channel": consent.channel,
        "taken_by": user_ref(consent.taken_by),
        "pdf_sha256": consent.pdf_sha256,
        "withdrawn": consent.is_withdrawn,
        "withdrawn_at": consent.withdrawn_at,
        "withdrawn_by": user_ref(consent.withdrawn_by),
        "withdrawal_reason": consent.withdrawal_reason,
    }


@router.get("", response={200: ConsentPage, **READ_ERRORS}, auth=reader(Permission.CONSENT_TAKE))
def consent_list(request: HttpRequest, query: Query[ConsentQuery]) -> dict[str, Any]:
    """Signed consents of the clinic, newest first."""
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    consents = consents_for_api(
        membership=context.membership,
        patient=query.patient,
        kind=query.kind,
        withdrawn=query.withdrawn,
    )
    page, shown = page_of(consents, query, consent_out)
    context.audit(
        request,
        action=Action.VIEW,
        object_type="consents",
        object_id=str(query.patient or ""),
        patients=ids(c.patient.public_id for c in shown),
    )
    return page


@router.get(
    "/{consent_id}", response={200: ConsentOut, **READ_ERRORS}, auth=reader(Permission.CONSENT_TAKE)
)
def consent_detail(request: HttpRequest, consent_id: UUID) -> dict[str, Any]:
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    consent = get_consent_for_api(membership=context.membership, public_id=consent_id)
    context.audit(
        request,
        action=Action.VIEW,
        object_type="consent",
        object_id=str(consent.public_id),
        patient=str(consent.patient.public_id),
    )
    return consent_out(consent)
