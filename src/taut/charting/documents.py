"""Printable documents of a session: SOAP note, aftercare sheet, superbill (WeasyPrint)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.charting.bodychart import chart_context
from taut.charting.models import TreatmentSession
from taut.charting.selectors import session_overview
from taut.clinical.billing import load_billing
from taut.common.context import AuditContext

DOCUMENTS = {
    "note": ("charting/pdf_note.html", "note"),
    "aftercare": ("charting/pdf_aftercare.html", "aftercare"),
    "superbill": ("charting/pdf_superbill.html", "superbill"),
}


def document_pdf(session: TreatmentSession, kind: str) -> bytes:
    template, _ = DOCUMENTS[kind]
    context: dict[str, Any] = {
        "session": session,
        "patient": session.patient,
        "clinic": session.clinic,
        **session_overview(session),
        "chart_regions": chart_context(session.pain_regions),
        "chart_readonly": True,
        "chart_input_name": "pain_regions",
        "billing_statements": load_billing().payer_statements,
    }
    # The note is read where the session happened, whoever prints it and wherever.
    with timezone.override(session.zone):
        html = render_to_string(template, context)
    return bytes(HTML(string=html).write_pdf())


def pdf_response(
    session: TreatmentSession, kind: str, *, ctx: AuditContext, via: str = ""
) -> HttpResponse:
    """The document as a download, recorded in the audit log as an export (`via` the portal)."""
    audit_record(
        ctx=ctx,
        clinic=session.clinic,
        action=Action.EXPORT,
        object_type=f"session_{kind}",
        object_id=str(session.public_id),
        detail={"via": via} if via else None,
    )
    _, stem = DOCUMENTS[kind]
    response = HttpResponse(document_pdf(session, kind), content_type="application/pdf")
    name = f"{stem}-{session.date_of_service:%Y-%m-%d}-{session.patient.family_name}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
