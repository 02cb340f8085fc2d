"""Reads of the money records, scoped to a clinic; balances are sums of ledger entries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.billing.fees import FeeRow
from taut.billing.ledger import balance_of
from taut.billing.models import (
    BillingSettings,
    EntryKind,
    Fee,
    Invoice,
    InvoiceStatus,
    LedgerEntry,
)
from taut.common.context import AuditContext


def billing_settings_for(clinic: Any) -> BillingSettings:
    """The clinic's settings, or the defaults (US dollars, no tax) before it saves any."""
    found = BillingSettings.objects.filter(clinic=clinic).first()
    return found if found is not None else BillingSettings(clinic=clinic)


def fee_rows(clinic: Any) -> list[FeeRow]:
    return [
        FeeRow(
            id=fee.pk,
            amount_minor=fee.amount_minor,
            effective_from=fee.effective_from,
            effective_to=fee.effective_to,
            appointment_type_id=fee.appointment_type_id,
            code=fee.code,
            location_id=fee.location_id,
            practitioner_id=fee.practitioner_id,
        )
        for fee in Fee.objects.for_clinic(clinic)
    ]


def fees_of(clinic: Any) -> list[Fee]:
    return list(
        Fee.objects.for_clinic(clinic)
        .select_related("appointment_type", "location", "practitioner")
        .order_by("code", "appointment_type__name", "-effective_from")
    )


def patient_balance(patient: Any) -> int:
    return balance_of(LedgerEntry.objects.for_clinic(patient.clinic_id).filter(patient=patient))


def clinic_receivables(clinic: Any) -> int:
    """What all patients owe the clinic, net of credits: the sum of every entry."""
    return balance_of(LedgerEntry.objects.for_clinic(clinic))


def invoice_balance(invoice: Invoice) -> int:
    return balance_of(LedgerEntry.objects.for_clinic(invoice.clinic_id).filter(invoice=invoice))


@dataclass(frozen=True)
class Totals:
    subtotal: int
    tax: int

    @property
    def total(self) -> int:
        return self.subtotal + self.tax


def invoice_totals(invoice: Invoice) -> Totals:
    lines = list(invoice.lines.all())
    return Totals(
        subtotal=sum(line.amount_minor for line in lines),
        tax=sum(line.tax_minor for line in lines),
    )


def get_invoice_for(*, clinic: Any, public_id: uuid.UUID | str, patient: Any = None) -> Invoice:
    found = Invoice.objects.for_clinic(clinic).select_related("patient", "clinic")
    if patient is not None:
        found = found.filter(patient=patient)
    invoice = found.filter(public_id=public_id).first()
    if invoice is None:
        raise Http404("No such invoice.")
    return invoice


def get_entry_for(*, clinic: Any, public_id: uuid.UUID | str, patient: Any = None) -> LedgerEntry:
    found = LedgerEntry.objects.for_clinic(clinic).select_related("patient", "invoice")
    if patient is not None:
        found = found.filter(patient=patient)
    entry = found.filter(public_id=public_id).first()
    if entry is None:
        raise Http404("No such entry.")
    return entry


def issued_invoices_of(patient: Any) -> list[Invoice]:
    """Invoices a payment may be put against: issued, not void."""
    return list(
        Invoice.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient, status=InvoiceStatus.ISSUED)
        .order_by("-number")
    )


@dataclass(frozen=True)
class Account:
    patient: Any
    balance: int
    entries: list[LedgerEntry]
    invoices: list[Invoice]


def patient_account(*, ctx: AuditContext, patient: Any, issued_only: bool = False) -> Account:
    """A patient's ledger, invoices and balance; the read is audited."""
    invoices = Invoice.objects.for_clinic(patient.clinic_id).filter(patient=patient)
    if issued_only:
        invoices = invoices.exclude(status=InvoiceStatus.DRAFT)
    entries = (
        LedgerEntry.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient)
        .select_related("invoice", "reversed_by")
    )
    audit_record(
        ctx=ctx,
        clinic=patient.clinic,
        action=Action.VIEW,
        object_type="billing_account",
        object_id=str(patient.public_id),
    )
    return Account(
        patient=patient,
        balance=patient_balance(patient),
        entries=list(entries),
        invoices=list(invoices.order_by("-created_at")),
    )


def refundable(payment: LedgerEntry) -> int:
    """What may still be refunded of a payment: its amount less refunds already made."""
    if payment.kind != EntryKind.PAYMENT or hasattr(payment, "reversed_by"):
        return 0
    refunded = balance_of(payment.refunded_by.filter(reversed_by__isnull=True))
    return -payment.amount_minor - refunded


def sessions_to_invoice(patient: Any) -> list[Any]:
    """The patient's signed sessions without a live invoice: what the desk has still to bill."""
    from taut.charting.models import SessionStatus, TreatmentSession

    billed = (
        Invoice.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient, session__isnull=False)
        .exclude(status=InvoiceStatus.VOID)
        .values("session_id")
    )
    return list(
        TreatmentSession.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient, status=SessionStatus.SIGNED)
        .exclude(pk__in=billed)
        .select_related("clinician")
        .order_by("date_of_service")
    )
