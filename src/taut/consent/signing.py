"""The signing page, shared by the patient portal and the clinic's tablet."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from taut.consent import services
from taut.consent.content import document_context
from taut.consent.forms import SignForm
from taut.consent.models import ConsentKind
from taut.consent.selectors import document_current
from taut.patients.models import Patient


def sign_page(
    request: HttpRequest, *, patient: Patient, kind: str, channel: str, done_url: str
) -> HttpResponse:
    if kind not in ConsentKind.values:
        raise Http404("No such kind of consent.")
    document = document_current(clinic=patient.clinic_id, kind=kind)
    if document is None:
        messages.error(request, "The clinic has not published this consent document yet.")
        return redirect(done_url)
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_sign(
                request=request,
                actor=request.user,
                patient=patient,
                document=document,
                signed_name=form.cleaned_data["signed_name"],
                signature=form.cleaned_data["signature"],
                channel=channel,
            )
        except services.ConsentError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Thank you: the consent is signed and a copy is stored.")
            return redirect(done_url)
    context: dict[str, Any] = {
        **document_context(document),
        "form": form,
        "patient": patient,
        "done_url": done_url,
    }
    return render(request, "consent/sign.html", context)
