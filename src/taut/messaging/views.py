"""The staff side of patient messages: the inbox, one patient's thread, and the front desk's
requests (contact form, call-back texts, texts Taut did not understand)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from taut import clock
from taut.audit.services import audit_patient_read
from taut.clinics.access import StaffRequest, staff_required
from taut.clinics.roles import Permission
from taut.common.context import AuditContext
from taut.messaging.desk_requests import AlreadyHandled, desk_request_mark_handled
from taut.messaging.models import Direction
from taut.messaging.selectors import (
    desk_requests_of,
    get_desk_request_for,
    inbox_of,
    thread_of,
    undeliverable_emails_of,
)
from taut.messaging.services import MessageRefused, patient_message_send, patient_thread_mark_read
from taut.messaging.sms_text import (
    DEFAULTS,
    EDITABLE,
    PLACEHOLDERS,
    SmsTemplateInvalid,
    sms_templates_save,
    template_for,
)
from taut.patients.selectors import get_patient_for


@staff_required(Permission.PATIENT_VIEW)
def inbox(request: StaffRequest) -> HttpResponse:
    clinic = request.membership.clinic
    return render(
        request,
        "messaging/inbox.html",
        {
            "threads": inbox_of(clinic=clinic),
            "requests": desk_requests_of(clinic=clinic),
            "handled": desk_requests_of(clinic=clinic, handled=True, limit=20),
            "bounced": undeliverable_emails_of(clinic=clinic),
            "may_word_texts": request.membership.may(Permission.CLINIC_MANAGE),
        },
    )


@require_POST
@staff_required(Permission.PATIENT_VIEW)
def desk_request_handled(request: StaffRequest, request_id: uuid.UUID) -> HttpResponse:
    desk_request = get_desk_request_for(clinic=request.membership.clinic, public_id=request_id)
    try:
        desk_request_mark_handled(
            ctx=AuditContext.from_request(request), request=desk_request, now=clock.now()
        )
    except AlreadyHandled as refusal:
        messages.info(request, refusal.message)
    else:
        messages.success(request, "Marked handled.")
    return redirect("messaging:inbox")


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


def _posted_wording(request: StaffRequest, kind: str) -> str:
    text = request.POST.get(kind, "")
    # Unchanged from the default (or emptied): keep following the default.
    return "" if " ".join(text.split()) == DEFAULTS[kind] else text


@staff_required(Permission.CLINIC_MANAGE)
def text_wording(request: StaffRequest) -> HttpResponse:
    """The clinic's wording of each text message; placeholders only from the whitelist."""
    clinic = request.membership.clinic
    errors: dict[str, str] = {}
    if request.method == "POST":
        texts = {str(kind.value): _posted_wording(request, kind) for kind in EDITABLE}
        try:
            sms_templates_save(ctx=AuditContext.from_request(request), clinic=clinic, texts=texts)
        except SmsTemplateInvalid as refusal:
            errors = refusal.fields
        else:
            messages.success(request, "Text message wording saved.")
            return redirect("messaging:texts")
    rows = [
        {
            "kind": kind,
            "text": request.POST.get(kind.value)
            if errors
            else template_for(clinic=clinic, kind=kind),
            "error": errors.get(kind.value, ""),
        }
        for kind in EDITABLE
    ]
    return render(
        request,
        "messaging/texts.html",
        {"rows": rows, "placeholders": PLACEHOLDERS},
        status=400 if errors else 200,
    )
