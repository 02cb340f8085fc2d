"""The staff side of patient messages: the inbox and one patient's thread."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from taut.audit.services import audit_patient_read
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission
from taut.messaging.models import Direction
from taut.messaging.selectors import inbox_of, thread_of
from taut.messaging.services import MessageRefused, patient_message_send, patient_thread_mark_read
from taut.patients.selectors import get_patient_for


@staff_required(Permission.PATIENT_VIEW)
def inbox(request: StaffRequest) -> HttpResponse:
    return render(
        request, "messaging/inbox.html", {"threads": inbox_of(clinic=request.membership.clinic)}
    )


@staff_required(Permission.PATIENT_VIEW)
def thread(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    if request.method == "POST":
        try:
            patient_message_send(
                request=request,
                author=request.user,
                patient=patient,
                body=request.POST.get("body", ""),
                from_patient=False,
            )
        except MessageRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "Reply sent; the patient is told by their usual channel.")
            return redirect("messaging:thread", patient_id=patient.public_id)
    audit_patient_read(request=request, patient=patient, object_type="patient_messages")
    patient_thread_mark_read(patient=patient, direction=Direction.FROM_PATIENT)
    return render(
        request, "messaging/thread.html", {"patient": patient, "thread": thread_of(patient=patient)}
    )
