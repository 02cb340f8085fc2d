"""The frozen PDF of exactly what a patient signed, rendered with WeasyPrint."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
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
    # Rendered once, at signing, and kept: it must not depend on the zone of the request.
    with timezone.override(patient.clinic.zone):
        html = render_to_string(
            "consent/signed_pdf.html",
            {
                **document_context(document),
                "patient": patient,
                "signed_name": signed_name,
                # Drawn by taut.consent.signature from validated numbers, never uploaded markup.
                "signature_svg": mark_safe(signature_svg),  # noqa: S308
                "signed_at": signed_at,
                "ip_address": ip_address,
            },
        )
    return bytes(HTML(string=html).write_pdf())
