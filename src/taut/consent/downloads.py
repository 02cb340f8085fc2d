from __future__ import annotations

from django.http import HttpResponse

from taut.consent.models import Consent


def pdf_response(consent: Consent) -> HttpResponse:
    response = HttpResponse(bytes(consent.pdf), content_type="application/pdf")
    document = consent.document
    name = f"consent-{document.kind}-v{document.version}-{consent.signed_at:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
