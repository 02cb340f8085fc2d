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
    name = f"consent-{document.kind}-v{document.version}-{consent.signed_at:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
