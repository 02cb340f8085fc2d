"""The patient sends the clinic a document (a referral letter, an imaging report) from the
portal; the clinic reviews it before it joins the record."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from taut.common.context import AuditContext
from taut.common.forms_text import form_errors_sentence
from taut.common.refusals import Refused
from taut.files.forms import UploadForm
from taut.files.selectors import files_sent_by_patient
from taut.files.services import patient_file_add
from taut.portal.access import patient_required


@patient_required
def portal_files(request: HttpRequest) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, form_errors_sentence(form))
        else:
            upload = form.cleaned_data["file"]
            try:
                patient_file_add(
                    ctx=AuditContext.from_request(request),
                    patient=patient,
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    original_name=upload.name or "",
                    data=upload.read(),
                    from_portal=True,
                )
            except Refused as refusal:
                messages.error(request, f"We could not take this file: {refusal.message}")
            else:
                messages.success(request, "Sent. The clinic will look at it before your visit.")
                return redirect("portal_files:home")
    return render(
        request,
        "portal/files.html",
        {"patient": patient, "sent": files_sent_by_patient(patient=patient), "form": UploadForm()},
    )
