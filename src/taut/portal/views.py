"""The patient's own pages. Every view reaches records through `request.patient` only."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_patient_read, audit_record
from taut.charting.documents import pdf_response as charting_pdf
from taut.charting.selectors import session_of_patient, sessions_for
from taut.common.context import AuditContext
from taut.consent import services as consent_services
from taut.consent.downloads import pdf_response
from taut.consent.forms import WithdrawForm
from taut.consent.models import SigningChannel
from taut.consent.selectors import consent_standings, consents_for, get_consent_for
from taut.consent.signing import sign_page
from taut.portal.access import patient_required
from taut.scheduling.selectors import appointments_of_patient
from taut.screening.intake_page import intake_form_for, intake_form_submit
from taut.screening.models import IntakeChannel
from taut.screening.selectors import intake_latest


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
    return render(
        request,
        "portal/home.html",
        {
            "patient": patient,
            "latest_intake": intake_latest(patient=patient),
            "standings": consent_standings(patient=patient),
            "appointments": appointments_of_patient(patient=patient, now=clock.now()),
            "signed_consents": [c for c in consents_for(patient=patient) if not c.is_withdrawn],
            "aftercare_sessions": [s for s in sessions_for(patient=patient) if s.is_signed],
        },
    )


@patient_required
def portal_intake(request: HttpRequest) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    form, latest = intake_form_for(request, patient, for_staff=False)
    if request.method == "POST" and form.is_valid():
        intake_form_submit(request, form, patient, latest, IntakeChannel.PORTAL)
        messages.success(request, "Thank you: your medical history is with the clinic.")
        return redirect("portal:home")
    return render(
        request, "portal/intake.html", {"form": form, "patient": patient, "latest": latest}
    )


@patient_required
def portal_consents(request: HttpRequest) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    audit_patient_read(request=request, patient=patient, object_type="consents")
    return render(
        request,
        "portal/consents.html",
        {
            "patient": patient,
            "standings": consent_standings(patient=patient),
            "consents": consents_for(patient=patient),
            "withdraw_form": WithdrawForm(),
        },
    )


@patient_required
def portal_sign(request: HttpRequest, kind: str) -> HttpResponse:
    return sign_page(
        request,
        patient=request.patient,  # type: ignore[attr-defined]
        kind=kind,
        channel=SigningChannel.PORTAL,
        done_url=reverse("portal:consents"),
    )


@patient_required
def portal_consent_pdf(request: HttpRequest, consent_id: uuid.UUID) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    consent = get_consent_for(clinic_id=patient.clinic_id, patient=patient, public_id=consent_id)
    return pdf_response(consent, ctx=AuditContext.from_request(request), via="portal")


@require_POST
@patient_required
def portal_consent_withdraw(request: HttpRequest, consent_id: uuid.UUID) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    consent = get_consent_for(clinic_id=patient.clinic_id, patient=patient, public_id=consent_id)
    form = WithdrawForm(request.POST)
    try:
        consent_services.consent_withdraw(
            request=request,
            actor=request.user,
            consent=consent,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        )
        messages.success(
            request,
            "Your consent is withdrawn. The clinic will not needle you unless you sign again.",
        )
    except consent_services.ConsentError as refusal:
        messages.error(request, str(refusal))
    return redirect("portal:consents")


@patient_required
def portal_aftercare(request: HttpRequest) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    audit_patient_read(request=request, patient=patient, object_type="aftercare")
    sessions = [s for s in sessions_for(patient=patient) if s.is_signed]
    return render(request, "portal/aftercare.html", {"patient": patient, "sessions": sessions})


@patient_required
def portal_aftercare_pdf(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    session = session_of_patient(patient=patient, public_id=session_id, signed_only=True)
    return charting_pdf(session, "aftercare", ctx=AuditContext.from_request(request), via="portal")
