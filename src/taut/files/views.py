"""The clinic's pages for a patient's files: the list, upload, open, review, remove."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission
from taut.common.context import AuditContext
from taut.common.forms_text import form_errors_sentence
from taut.common.refusals import Refused
from taut.files import services
from taut.files.content import EXTENSIONS
from taut.files.forms import RemoveForm, UploadForm
from taut.files.selectors import file_open_for, files_of_patient, get_file_for
from taut.patients.selectors import get_patient_for, patient_read_for


def _to_list(patient_id: uuid.UUID) -> HttpResponse:
    return redirect("files:list", patient_id=patient_id)


@staff_required(Permission.CLINICAL_VIEW)
def file_list(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = patient_read_for(
        ctx=AuditContext.from_request(request), public_id=patient_id, reading="patient_files"
    )
    return render(
        request,
        "files/list.html",
        {
            "patient": patient,
            "files": files_of_patient(patient=patient, include_removed=True),
            "form": UploadForm(),
        },
    )


@require_POST
@staff_required(Permission.PATIENT_EDIT)
def file_upload(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors_sentence(form))
    else:
        upload = form.cleaned_data["file"]
        try:
            services.patient_file_add(
                ctx=AuditContext.from_request(request),
                patient=patient,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                original_name=upload.name or "",
                data=upload.read(),
            )
        except Refused as refusal:
            messages.error(request, f"The file was not kept: {refusal.message}")
        else:
            messages.success(request, "The file is in the record.")
    if not request.membership.may(Permission.CLINICAL_VIEW):
        return redirect("patients:detail", patient_id=patient.public_id)
    return _to_list(patient.public_id)


@staff_required(Permission.CLINICAL_VIEW)
def file_open(request: StaffRequest, patient_id: uuid.UUID, file_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    opened = file_open_for(
        ctx=AuditContext.from_request(request), patient=patient, public_id=file_id
    )
    response = HttpResponse(opened.data, content_type=opened.file.content_type)
    extension = EXTENSIONS[opened.file.content_type]
    name = f"{opened.file.kind}-{opened.file.uploaded_at:%Y%m%d}.{extension}"
    disposition = "inline" if request.GET.get("view") == "1" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    # Whatever the bytes hide, a browser showing them runs nothing and reaches nothing.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@staff_required(Permission.CLINICAL_VIEW)
def file_review(request: StaffRequest, patient_id: uuid.UUID, file_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    ctx = AuditContext.from_request(request)
    file = get_file_for(ctx=ctx, patient=patient, public_id=file_id)
    accept = request.POST.get("decision") == "accept"
    try:
        services.patient_file_review(ctx=ctx, file=file, accept=accept)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "Added to the record." if accept else "Declined.")
    return _to_list(patient.public_id)


@require_POST
@staff_required(Permission.CLINICAL_EDIT)
def file_remove(request: StaffRequest, patient_id: uuid.UUID, file_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    ctx = AuditContext.from_request(request)
    file = get_file_for(ctx=ctx, patient=patient, public_id=file_id)
    form = RemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_sentence(form))
        return _to_list(patient.public_id)
    try:
        services.patient_file_remove(ctx=ctx, file=file, reason=form.cleaned_data["reason"])
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "The file is marked removed; the audit log keeps who and why.")
    return _to_list(patient.public_id)
