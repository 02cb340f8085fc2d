"""The patient's own money in the portal: balance, invoices and receipts to download."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render

from taut.billing import documents
from taut.billing.models import EntryKind, InvoiceStatus
from taut.billing.packages import packages_of
from taut.billing.selectors import (
    billing_settings_for,
    get_entry_for,
    get_invoice_for,
    patient_account,
)
from taut.common.context import AuditContext
from taut.portal.access import patient_required


@patient_required
def home(request: Any) -> HttpResponse:
    patient = request.patient
    found = patient_account(
        ctx=AuditContext.from_request(request), patient=patient, issued_only=True
    )
    return render(
        request,
        "billing/portal_home.html",
        {
            "patient": patient,
            "account": found,
            "payments": [e for e in found.entries if e.kind == EntryKind.PAYMENT],
            "currency": billing_settings_for(patient.clinic).currency,
            "packages": packages_of(patient),
        },
    )


@patient_required
def invoice_pdf(request: Any, invoice_id: uuid.UUID) -> HttpResponse:
    patient = request.patient
    found = get_invoice_for(clinic=patient.clinic_id, public_id=invoice_id, patient=patient)
    if found.is_draft:
        raise Http404("No such invoice.")
    return documents.attachment(documents.invoice_pdf(found), documents.invoice_filename(found))


@patient_required
def credit_note_pdf(request: Any, invoice_id: uuid.UUID) -> HttpResponse:
    patient = request.patient
    found = get_invoice_for(clinic=patient.clinic_id, public_id=invoice_id, patient=patient)
    if (
        found.status != InvoiceStatus.VOID
        or not found.entries.filter(kind=EntryKind.REVERSAL).exists()
    ):
        raise Http404("No such credit note.")
    pdf = documents.credit_note_pdf(found)
    return documents.attachment(pdf, documents.credit_note_filename(found))


@patient_required
def receipt_pdf(request: Any, ledger_entry_id: uuid.UUID) -> HttpResponse:
    patient = request.patient
    entry = get_entry_for(clinic=patient.clinic_id, public_id=ledger_entry_id, patient=patient)
    if entry.kind != EntryKind.PAYMENT:
        raise Http404("No such receipt.")
    return documents.attachment(documents.receipt_pdf(entry), documents.receipt_filename(entry))
