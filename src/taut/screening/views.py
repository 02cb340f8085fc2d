from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from taut import clock
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission
from taut.common.context import AuditContext
from taut.patients.selectors import get_patient_for, patient_read_for
from taut.screening import services
from taut.screening.gate import gate_for_patient
from taut.screening.intake_form import IntakeForm
from taut.screening.intake_page import intake_form_for, intake_form_submit
from taut.screening.models import IntakeChannel
from taut.screening.presentation import grouped_findings
from taut.screening.selectors import (
    get_screening_for,
    intake_latest,
    intake_read_for,
    intakes_for,
    screening_latest_read,
)


@staff_required(Permission.INTAKE_TAKE)
def intake_take(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    # Minimum necessary: a role that may take a history but not read one starts from a blank form.
    prefill = request.membership.may(Permission.CLINICAL_VIEW)
    form, latest = intake_form_for(request, patient, for_staff=True, prefill=prefill)
    if request.method == "POST" and form.is_valid():
        clinician = request.membership.role == "clinician"
        channel = IntakeChannel.CLINICIAN if clinician else IntakeChannel.DESK
        intake = intake_form_submit(request, form, patient, latest, channel)
        messages.success(request, f"Medical history saved as version {intake.version}.")
        return redirect("patients:detail", patient_id=patient.public_id)
    return render(
        request,
        "screening/intake_form.html",
        {"form": form, "patient": patient, "latest": latest, "prefilled": prefill},
    )


@staff_required(Permission.CLINICAL_VIEW)
def intake_history(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = patient_read_for(
        ctx=AuditContext.from_request(request), public_id=patient_id, reading="intake_history"
    )
    return render(
        request,
        "screening/intake_history.html",
        {"patient": patient, "intakes": intakes_for(patient=patient)},
    )


@staff_required(Permission.CLINICAL_VIEW)
def intake_detail(
    request: StaffRequest, patient_id: uuid.UUID, intake_id: uuid.UUID
) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    intake = intake_read_for(
        ctx=AuditContext.from_request(request), patient=patient, public_id=intake_id
    )
    form = IntakeForm(for_staff=True, initial_facts=intake.facts)
    return render(
        request,
        "screening/intake_detail.html",
        {"patient": patient, "intake": intake, "form": form},
    )


@staff_required(Permission.CLINICAL_VIEW)
def screening_view(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    record = screening_latest_read(ctx=AuditContext.from_request(request), patient=patient)
    today = clock.today_in(patient.clinic.zone)
    return render(
        request,
        "screening/screening.html",
        {
            "patient": patient,
            "record": record,
            "groups": grouped_findings(record) if record else [],
            "latest_intake": intake_latest(patient=patient),
            "gate": gate_for_patient(patient=patient, planned_techniques=(), today=today),
        },
    )


@require_POST
@staff_required(Permission.CLINICAL_EDIT)
def screening_run(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    try:
        record = services.screening_perform(
            request=request,
            actor=request.user,
            patient=patient,
            as_of=clock.today_in(patient.clinic.zone),
        )
        messages.success(request, f"Screened against intake version {record.intake.version}.")
    except services.ScreeningError as refusal:
        messages.error(request, str(refusal))
    return redirect("screening:view", patient_id=patient.public_id)


@require_POST
@staff_required(Permission.CLINICAL_EDIT)
def precaution_acknowledge(
    request: StaffRequest, patient_id: uuid.UUID, screening_id: uuid.UUID
) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    record = get_screening_for(
        membership=request.membership, patient=patient, public_id=screening_id
    )
    try:
        services.precaution_acknowledge(
            request=request,
            actor=request.user,
            screening=record,
            code=request.POST.get("code", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, "Precaution acknowledged.")
    except services.ScreeningError as refusal:
        messages.error(request, f"Not acknowledged: {refusal}")
    return redirect("screening:view", patient_id=patient.public_id)
