"""The patient's message thread with the clinic (not for emergencies; the page says so)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from taut.audit.services import audit_patient_read
from taut.messaging.models import Direction
from taut.messaging.selectors import thread_of
from taut.messaging.services import MessageRefused, patient_message_send, patient_thread_mark_read
from taut.portal.access import patient_required


@patient_required
def portal_messages(request: HttpRequest) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            patient_message_send(
                request=request,
                author=request.user,
                patient=patient,
                body=request.POST.get("body", ""),
                from_patient=True,
            )
        except MessageRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "Sent. The clinic answers during opening hours.")
            return redirect("portal:messages")
    audit_patient_read(request=request, patient=patient, object_type="patient_messages")
    patient_thread_mark_read(patient=patient, direction=Direction.FROM_CLINIC)
    return render(
        request, "portal/messages.html", {"patient": patient, "thread": thread_of(patient=patient)}
    )
