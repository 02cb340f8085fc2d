from __future__ import annotations

from django.http import HttpResponse

from taut.consent.models import Consent


def pdf_response(consent: Consent) -> HttpResponse:
    response = HttpResponse(bytes(consent.pdf), content_type="application/pdf")
    document = consent.document
    signed_on = consent.signed_at.astimezone(consent.clinic.zone).date()  # the clinic's day
    name = f"consent-{document.kind}-v{document.version}-{signed_on:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
