from __future__ import annotations

import uuid
from datetime import date

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from taut import clock
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission
from taut.common.context import AuditContext
from taut.keyset import page_across
from taut.patients import services
from taut.patients.forms import PatientForm, PatientSearchForm
from taut.patients.selectors import (
    SEARCH_LIMIT,
    get_patient_for,
    patient_read_for,
    patient_search,
)


def _today(request: StaffRequest) -> date:
    return clock.today_in(request.membership.clinic.zone)


@staff_required(Permission.PATIENT_VIEW)
def patient_list(request: StaffRequest) -> HttpResponse:
    form = PatientSearchForm(request.GET or None)
    query, archived = "", False
    if form.is_valid():
        query, archived = form.cleaned_data["q"], form.cleaned_data["archived"]
    found = page_across(
        patient_search(
            request=request,
            membership=request.membership,
            query=query,
            include_archived=archived,
        ),
        None,
        SEARCH_LIMIT,
    )
    context = {
        "form": form,
        "patients": found.rows,
        "more": found.next is not None,
        "query": query,
    }
    if request.htmx:
        return render(request, "patients/list.html#results", context)
    return render(request, "patients/list.html", context)


@staff_required(Permission.PATIENT_EDIT)
def patient_create(request: StaffRequest) -> HttpResponse:
    form = PatientForm(request.POST or None, today=_today(request))
    if request.method == "POST" and form.is_valid():
        patient = services.patient_create(
            request=request,
            actor=request.user,
            clinic=request.membership.clinic,
            data=form.cleaned_data,
        )
        messages.success(request, f"{patient.full_name} is registered.")
        return redirect("patients:detail", patient_id=patient.public_id)
    return render(request, "patients/form.html", {"form": form, "patient": None})


@staff_required(Permission.PATIENT_EDIT)
def patient_edit(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    if request.method == "GET":
        patient = patient_read_for(ctx=AuditContext.from_request(request), public_id=patient_id)
    else:
        patient = get_patient_for(membership=request.membership, public_id=patient_id)
    if patient.is_archived:
        messages.error(request, "This patient is archived; restore the record before editing it.")
        return redirect("patients:detail", patient_id=patient.public_id)
    form = PatientForm(request.POST or None, instance=patient, today=_today(request))
    if request.method == "POST" and form.is_valid():
        services.patient_update(
            request=request, actor=request.user, patient=patient, data=form.cleaned_data
        )
        messages.success(request, "Changes saved.")
        return redirect("patients:detail", patient_id=patient.public_id)
    if request.method == "POST":
        patient.refresh_from_db()  # the form wrote its unsaved values onto the instance
    return render(request, "patients/form.html", {"form": form, "patient": patient})


@require_POST
@staff_required(Permission.PATIENT_ARCHIVE)
def patient_archive(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    try:
        services.patient_archive(request=request, actor=request.user, patient=patient)
        messages.success(request, f"{patient.full_name} is archived. The record is kept.")
    except services.PatientError as refusal:
        messages.error(request, str(refusal))
    return redirect("patients:detail", patient_id=patient.public_id)


@require_POST
@staff_required(Permission.PATIENT_ARCHIVE)
def patient_restore(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    try:
        services.patient_restore(request=request, actor=request.user, patient=patient)
        messages.success(request, f"{patient.full_name} is active again.")
    except services.PatientError as refusal:
        messages.error(request, str(refusal))
    return redirect("patients:detail", patient_id=patient.public_id)
