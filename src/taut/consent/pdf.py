"""The frozen PDF of exactly what a patient signed, rendered with WeasyPrint."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from weasyprint import HTML

from taut.consent.content import document_context


def consent_pdf(
    *,
    document: Any,
    patient: Any,
    signed_name: str,
    signature_svg: str,
    signed_at: datetime,
    ip_address: str | None,
) -> bytes:
    html = render_to_string(
        "consent/signed_pdf.html",
        {
            **document_context(document),
            "patient": patient,
            "signed_name": signed_name,
            # Drawn by taut.consent.signature from validated numbers, never from uploaded markup.
            "signature_svg": mark_safe(signature_svg),  # noqa: S308
            "signed_at": signed_at,
            "ip_address": ip_address,
            "clinic_zone": patient.clinic.zone,
        },
    )
    return bytes(HTML(string=html).write_pdf())
