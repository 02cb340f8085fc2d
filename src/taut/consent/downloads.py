from __future__ import annotations

from django.http import HttpResponse

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.common.context import AuditContext
from taut.consent.models import Consent


def pdf_response(consent: Consent, *, ctx: AuditContext, via: str = "") -> HttpResponse:
    """The signed consent's frozen PDF, recorded in the audit log as an export."""
    audit_record(
        ctx=ctx,
        clinic=consent.clinic,
        action=Action.EXPORT,
        object_type="consent",
        object_id=str(consent.public_id),
        detail={"via": via} if via else None,
    )
    response = HttpResponse(bytes(consent.pdf), content_type="application/pdf")
    document = consent.document
    signed_on = consent.signed_at.astimezone(consent.clinic.zone).date()  # the clinic's day
    name = f"consent-{document.kind}-v{document.version}-{signed_on:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
