"""The patient's money papers as PDFs in the clinic's letterhead: invoice, credit note, receipt.

They show what a patient (and a payer) can read: names, dates, descriptions, CPT codes, amounts;
never internal ids. Times are shown in the zone of the location the visit was at (its own, or
the clinic's when it keeps the clinic's); money on account, tied to no visit, in the clinic's.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from taut.billing.models import EntryKind, Invoice, LedgerEntry
from taut.billing.selectors import billing_settings_for, invoice_balance, invoice_totals
from taut.clinics.models import local_zone


def _zone(clinic: Any, invoice: Invoice | None) -> Any:
    return local_zone(clinic, invoice.location if invoice is not None else None)


def _pdf(template: str, clinic: Any, zone: Any, context: dict[str, Any]) -> bytes:
    with timezone.override(zone):
        html = render_to_string(template, {"clinic": clinic, **context})
    return bytes(HTML(string=html).write_pdf())


def invoice_pdf(invoice: Invoice) -> bytes:
    clinic = invoice.clinic
    payments = invoice.entries.exclude(kind=EntryKind.CHARGE).order_by("recorded_at", "pk")
    return _pdf(
        "billing/pdf_invoice.html",
        clinic,
        _zone(clinic, invoice),
        {
            "invoice": invoice,
            "patient": invoice.patient,
            "lines": list(invoice.lines.all()),
            "totals": invoice_totals(invoice),
            "movements": list(payments),
            "balance": invoice_balance(invoice),
            "settings": billing_settings_for(clinic),
        },
    )


def credit_note_pdf(invoice: Invoice) -> bytes:
    """The credit note of a void invoice: the reversal of its charge, with the reason."""
    reversal = invoice.entries.get(kind=EntryKind.REVERSAL, reverses__kind=EntryKind.CHARGE)
    return _pdf(
        "billing/pdf_credit_note.html",
        invoice.clinic,
        _zone(invoice.clinic, invoice),
        {
            "invoice": invoice,
            "patient": invoice.patient,
            "reversal": reversal,
            "amount": abs(reversal.amount_minor),
            "settings": billing_settings_for(invoice.clinic),
        },
    )


def credit_note_filename(invoice: Invoice) -> str:
    return f"credit-note-{invoice.display_number}.pdf"


def receipt_pdf(entry: LedgerEntry) -> bytes:
    return _pdf(
        "billing/pdf_receipt.html",
        entry.clinic,
        _zone(entry.clinic, entry.invoice),
        {
            "entry": entry,
            "patient": entry.patient,
            "amount": abs(entry.amount_minor),
            "invoice": entry.invoice,
            "settings": billing_settings_for(entry.clinic),
        },
    )


def attachment(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def invoice_filename(invoice: Invoice) -> str:
    return f"invoice-{invoice.display_number}.pdf"


def receipt_filename(entry: LedgerEntry) -> str:
    with timezone.override(_zone(entry.clinic, entry.invoice)):
        day = timezone.localtime(entry.recorded_at).date()
    return f"receipt-{day:%Y-%m-%d}.pdf"
