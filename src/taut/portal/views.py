from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.portal.access import patient_required


@patient_required
def portal_home(request: HttpRequest) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    audit_record(
        request=request,
        actor=request.user,
        clinic=patient.clinic,
        action=Action.VIEW,
        object_type="patient",
        object_id=str(patient.public_id),
        detail={"via": "portal"},
    )
    return render(request, "portal/home.html", {"patient": patient})
