"""The patient page: the record and each step of the pathway, from the apps that own them."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from taut import clock
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission
from taut.common.context import AuditContext
from taut.files.forms import UploadForm
from taut.files.models import FileStatus
from taut.files.selectors import files_of_patient
from taut.patients.models import Patient
from taut.patients.selectors import patient_read_for
from taut.scheduling.selectors import appointments_of_patient, care_plan_active
from taut.screening.gate import gate_for_patient, gate_records_for


def patient_pathway(*, patient: Patient) -> dict[str, Any]:
    today = clock.today_in(patient.clinic.zone)
    records = gate_records_for(patient)  # shown on the page and read by the gate: fetched once
    return {
        "latest_intake": records.intake,
        "latest_screening": records.screening,
        "consent_standings": records.consent_standings,
        "gate": gate_for_patient(
            patient=patient, planned_techniques=(), today=today, records=records
        ),
        "appointments": appointments_of_patient(patient=patient, now=clock.now()),
        "care_plan": care_plan_active(patient=patient),
        **_files_summary(patient),
    }


def _files_summary(patient: Patient) -> dict[str, Any]:
    files = files_of_patient(patient=patient)
    return {
        "files": [f for f in files if f.status == FileStatus.IN_RECORD],
        "files_awaiting": sum(f.status == FileStatus.AWAITING_REVIEW for f in files),
        "file_upload_form": UploadForm(),
    }


@staff_required(Permission.PATIENT_VIEW)
def patient_detail(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = patient_read_for(ctx=AuditContext.from_request(request), public_id=patient_id)
    return render(
        request, "patients/detail.html", {"patient": patient, **patient_pathway(patient=patient)}
    )
