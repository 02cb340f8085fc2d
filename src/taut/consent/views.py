from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission
from taut.common.context import AuditContext
from taut.consent import services
from taut.consent.content import document_context
from taut.consent.downloads import pdf_response
from taut.consent.forms import DocumentForm, SectionForm, WithdrawForm
from taut.consent.models import ConsentKind, SigningChannel
from taut.consent.sections import DEFAULT_ALTERNATIVES, section_for
from taut.consent.selectors import (
    consent_standings,
    consents_for,
    document_current,
    documents_for,
    get_consent_for,
    get_document_for,
)
from taut.consent.signing import sign_page
from taut.patients.selectors import get_patient_for, patient_read_for


@staff_required(Permission.CONSENT_MANAGE)
def document_list(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    form = DocumentForm(request.POST or None, initial=_initial_document(clinic))
    if request.method == "POST" and form.is_valid():
        document = services.document_publish(
            request=request, actor=request.user, clinic=clinic, data=form.cleaned_data
        )
        messages.success(request, f"Published “{document.title}” version {document.version}.")
        return redirect("consent:documents")
    return render(
        request, "consent/documents.html", {"form": form, "documents": documents_for(clinic=clinic)}
    )


def _initial_document(clinic: object) -> dict[str, object]:
    current = document_current(clinic=clinic, kind=ConsentKind.GENERAL)  # type: ignore[arg-type]
    if current is None:
        return {
            "kind": ConsentKind.GENERAL,
            "title": "Consent to dry needling",
            "techniques": ["superficial", "deep"],
            "alternatives": DEFAULT_ALTERNATIVES,
        }
    return {
        f: getattr(current, f)
        for f in (
            "kind",
            "title",
            "introduction",
            "techniques",
            "risks_intro",
            "after_treatment",
            "rights",
            "alternatives",
            "show_quoted_figures",
        )
    }


@staff_required(Permission.CONSENT_MANAGE)
def document_detail(request: StaffRequest, document_id: uuid.UUID) -> HttpResponse:
    document = get_document_for(membership=request.membership, public_id=document_id)
    current = document_current(clinic=request.membership.clinic, kind=document.kind)
    is_current = current is not None and current.pk == document.pk
    return render(
        request,
        "consent/document_detail.html",
        {
            **document_context(document),
            "editable": is_current,
            "newer": None if is_current else current,
        },
    )


@staff_required(Permission.CONSENT_MANAGE)
def section_edit(request: StaffRequest, document_id: uuid.UUID, section: str) -> HttpResponse:
    """Edit one section of the current version; saving publishes the next version."""
    document = get_document_for(membership=request.membership, public_id=document_id)
    chosen = section_for(section)
    if chosen is None:
        raise Http404("No such section of a consent document.")
    form = SectionForm(request.POST or None, section=chosen, document=document)
    if request.method == "POST" and form.is_valid():
        try:
            revised = services.document_revise(
                request=request,
                actor=request.user,
                document=document,
                field=chosen.field,
                value=form.cleaned_data["value"],
                requires_reconsent=form.cleaned_data["requires_reconsent"],
            )
        except services.ConsentError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                f"“{chosen.heading}” changed: version {revised.version} is published and is "
                "the one patients now sign.",
            )
            return redirect("consent:document", document_id=revised.public_id)
    return render(
        request,
        "consent/section_edit.html",
        {"document": document, "section": chosen, "form": form},
    )


@staff_required(Permission.CONSENT_TAKE)
def patient_consents(request: StaffRequest, patient_id: uuid.UUID) -> HttpResponse:
    patient = patient_read_for(
        ctx=AuditContext.from_request(request), public_id=patient_id, reading="consents"
    )
    return render(
        request,
        "consent/patient_consents.html",
        {
            "patient": patient,
            "standings": consent_standings(patient=patient),
            "consents": consents_for(patient=patient),
            "withdraw_form": WithdrawForm(),
        },
    )


@staff_required(Permission.CONSENT_TAKE)
def sign_on_tablet(request: StaffRequest, patient_id: uuid.UUID, kind: str) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    return sign_page(
        request,
        patient=patient,
        kind=kind,
        channel=SigningChannel.TABLET,
        done_url=reverse("consent:patient", args=[patient.public_id]),
    )


@staff_required(Permission.CONSENT_TAKE)
def consent_pdf(
    request: StaffRequest, patient_id: uuid.UUID, consent_id: uuid.UUID
) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    consent = get_consent_for(
        clinic_id=request.membership.clinic_id, patient=patient, public_id=consent_id
    )
    return pdf_response(consent, ctx=AuditContext.from_request(request))


@require_POST
@staff_required(Permission.CONSENT_TAKE)
def consent_withdraw(
    request: StaffRequest, patient_id: uuid.UUID, consent_id: uuid.UUID
) -> HttpResponse:
    patient = get_patient_for(membership=request.membership, public_id=patient_id)
    consent = get_consent_for(
        clinic_id=request.membership.clinic_id, patient=patient, public_id=consent_id
    )
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.consent_withdraw(
            request=request, actor=request.user, consent=consent, reason=reason
        )
        messages.success(request, "Consent withdrawn. No needling until the patient signs again.")
    except services.ConsentError as refusal:
        messages.error(request, str(refusal))
    return redirect("consent:patient", patient_id=patient.public_id)
