"""Writes of the money side: settings, fees, invoices and ledger entries.

Each service runs in one transaction, leaves one audit entry, and refuses with
`taut.common.refusals.Refused`/`Invalid` in words for the person at the desk.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.billing.fees import Service, resolve_fee
from taut.billing.ledger import append, check_key
from taut.billing.models import (
    BillingSettings,
    EntryKind,
    Fee,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    InvoiceStatus,
    LedgerEntry,
    PaymentMethod,
)
from taut.billing.money import CURRENCIES, check_amount, format_money, tax_on
from taut.billing.packages import package_to_draw, redeem
from taut.billing.selectors import billing_settings_for, fee_rows, invoice_totals, refundable
from taut.common.context import AuditContext
from taut.common.refusals import Invalid, Refused


def _audit(
    ctx: AuditContext, clinic: Any, action: Action, kind: str, obj: Any, **detail: Any
) -> None:
    audit_record(
        ctx=ctx,
        clinic=clinic,
        action=action,
        object_type=kind,
        object_id=str(obj.public_id if hasattr(obj, "public_id") else obj.pk),
        detail=detail or None,
    )


# --- settings and fees --------------------------------------------------------------------------


@transaction.atomic
def billing_settings_save(
    *,
    ctx: AuditContext,
    clinic: Any,
    currency: str,
    tax_label: str,
    tax_basis_points: int,
    tax_number: str = "",
) -> BillingSettings:
    if currency not in CURRENCIES:
        raise Invalid("Choose one of the currencies offered.", fields={"currency": currency})
    if not 0 <= tax_basis_points <= 10_000:
        raise Invalid("The tax rate must be between 0 and 100 %.", fields={"tax_rate": "range"})
    current = billing_settings_for(clinic)
    if current.currency != currency and LedgerEntry.objects.for_clinic(clinic).exists():
        raise Refused(
            "The currency cannot change once the clinic has charged or taken money in it.",
            fields={"currency": "in use"},
        )
    current.currency, current.tax_label = currency, tax_label.strip()
    current.tax_basis_points, current.tax_number = tax_basis_points, tax_number.strip()
    current.save()
    _audit(ctx, clinic, Action.UPDATE, "billing_settings", current, currency=currency)
    return current


@transaction.atomic
def fee_add(
    *,
    ctx: AuditContext,
    clinic: Any,
    amount_minor: int,
    effective_from: date,
    effective_to: date | None = None,
    appointment_type: Any = None,
    code: str = "",
    location: Any = None,
    practitioner: Any = None,
) -> Fee:
    check_amount(amount_minor)
    code = code.strip().upper()
    if (appointment_type is None) == (not code):
        raise Invalid(
            "A fee prices either an appointment type or a billing code, not both or neither.",
            fields={"code": "one of"},
        )
    if effective_to is not None and effective_to < effective_from:
        raise Invalid("The fee cannot end before it starts.", fields={"effective_to": "order"})
    for related in (appointment_type, location):
        if related is not None and related.clinic_id != clinic.pk:
            raise Invalid("That choice is not of this clinic.")
    fee = Fee.objects.create(
        clinic=clinic,
        amount_minor=amount_minor,
        effective_from=effective_from,
        effective_to=effective_to,
        appointment_type=appointment_type,
        code=code,
        location=location,
        practitioner=practitioner,
    )
    _audit(ctx, clinic, Action.CREATE, "fee", fee, amount_minor=amount_minor)
    return fee


# --- invoices -----------------------------------------------------------------------------------


def _session_lines(session: Any) -> list[tuple[str, str, int, Service]]:
    """(description, code, units, service) for the visit's type and each billing code."""
    base = {
        "on": session.date_of_service,
        "location_id": session.location_id,
        "practitioner_id": session.clinician_id,
    }
    lines = []
    appointment = getattr(session, "appointment", None)
    if appointment is not None:
        kind = appointment.appointment_type
        lines.append((kind.name, "", 1, Service(appointment_type_id=kind.pk, **base)))
    for code in (session.billing or {}).get("codes", []):
        lines.append(
            (
                code["description"],
                code["code"],
                int(code["units"]),
                Service(code=code["code"], **base),
            )
        )
    return lines


def _covering_package(session: Any) -> Any:
    """The patient's package that pays for this visit, if its type is one a package covers."""
    appointment = getattr(session, "appointment", None)
    if appointment is None:
        return None
    return package_to_draw(
        patient=session.patient,
        appointment_type_id=appointment.appointment_type_id,
        on=session.date_of_service,
    )


def _priced(
    lines: list[tuple[str, str, int, Service]], rows: list[Any], *, covered: bool
) -> list[tuple[str, str, int, int]]:
    """(description, code, units, unit price) of each line; a visit a package covers costs 0."""
    if covered:
        return [(description, code, units, 0) for description, code, units, _ in lines]
    priced, missing = [], []
    for description, code, units, service in lines:
        fee = resolve_fee(rows, service)
        if fee is None:
            missing.append(code or description)
        else:
            priced.append((description, code, units, fee.amount_minor))
    if missing:
        raise Refused(f"Set a fee first for: {', '.join(missing)}.")
    return priced


@transaction.atomic
def invoice_draft_from_session(*, ctx: AuditContext, session: Any, idempotency_key: str) -> Invoice:
    """Draft the invoice of a signed session: its visit type's fee and its billing codes' fees."""
    key = check_key(idempotency_key)
    earlier = Invoice.objects.for_clinic(session.clinic_id).filter(idempotency_key=key).first()
    if earlier is not None:
        return earlier
    if not session.is_signed:
        raise Refused("Only a signed session can be invoiced.")
    live = Invoice.objects.for_clinic(session.clinic_id).filter(session=session)
    if live.exclude(status=InvoiceStatus.VOID).exists():
        raise Refused("This session already has an invoice; void it first to invoice again.")
    settings = billing_settings_for(session.clinic)
    lines = _session_lines(session)
    if not lines:
        raise Refused("The session has nothing to invoice: no visit type and no billing codes.")
    package = _covering_package(session)
    priced = _priced(lines, fee_rows(session.clinic), covered=package is not None)
    try:
        with transaction.atomic():
            invoice = Invoice.objects.create(
                clinic=session.clinic,
                patient=session.patient,
                session=session,
                currency=settings.currency,
                tax_label=settings.tax_label,
                tax_basis_points=settings.tax_basis_points,
                date_of_service=session.date_of_service,
                practitioner_id=session.clinician_id,
                location_id=session.location_id,
                idempotency_key=key,
            )
    except IntegrityError:
        earlier = Invoice.objects.for_clinic(session.clinic_id).filter(idempotency_key=key).first()
        if earlier is None:
            raise Refused("This session already has an invoice.") from None
        return earlier
    if package is not None:
        left = redeem(package=package, invoice=invoice)
        covered = f" (covered by package, {left} of {package.sessions} left)"
        priced[0] = (priced[0][0][: 200 - len(covered)] + covered, *priced[0][1:])
    for order, (description, code, units, unit_minor) in enumerate(priced):
        amount = unit_minor * units
        InvoiceLine.objects.create(
            clinic=session.clinic,
            invoice=invoice,
            description=description[:200],
            code=code,
            units=units,
            unit_minor=unit_minor,
            amount_minor=amount,
            tax_minor=tax_on(amount, settings.tax_basis_points),
            order=order,
        )
    _audit(ctx, session.clinic, Action.CREATE, "invoice", invoice, session=str(session.public_id))
    return invoice


def _next_number(clinic: Any) -> int:
    InvoiceCounter.objects.get_or_create(clinic=clinic)
    counter = InvoiceCounter.objects.select_for_update().get(clinic=clinic)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def invoice_issue(*, ctx: AuditContext, invoice: Invoice) -> Invoice:
    """Number the invoice and charge its total to the patient. Issuing twice is a no-op."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == InvoiceStatus.ISSUED:
        return invoice
    if invoice.status != InvoiceStatus.DRAFT:
        raise Refused("A void invoice cannot be issued.")
    total = invoice_totals(invoice).total
    covered = hasattr(invoice, "redemption")
    if not (covered and total == 0):
        check_amount(total, field="invoice total")
    invoice.number = _next_number(invoice.clinic)
    invoice.status, invoice.issued_at = InvoiceStatus.ISSUED, clock.now()
    invoice.save(update_fields=["number", "status", "issued_at"])
    _audit(ctx, invoice.clinic, Action.UPDATE, "invoice", invoice, issued=invoice.number)
    if total == 0:  # a visit a package paid for: nothing to charge
        return invoice
    append(
        clinic=invoice.clinic,
        patient=invoice.patient,
        kind=EntryKind.CHARGE,
        amount_minor=total,
        currency=invoice.currency,
        key=f"issue:{invoice.public_id}",
        invoice=invoice,
        practitioner_id=invoice.practitioner_id,
        recorded_by=ctx.actor,
        memo=f"Invoice {invoice.display_number}",
    )
    return invoice


@transaction.atomic
def invoice_void(*, ctx: AuditContext, invoice: Invoice, reason: str) -> Invoice:
    """Void an issued invoice: its charge is reversed (the credit note); the record stays."""
    reason = reason.strip()
    if not reason:
        raise Invalid("Say why the invoice is voided.", fields={"reason": "required"})
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status == InvoiceStatus.VOID:
        return invoice
    if invoice.status == InvoiceStatus.DRAFT:
        raise Refused("A draft has not been issued; there is nothing to void.")
    sold = getattr(invoice, "package_sold", None)
    if sold is not None and (
        sold.refund_entry_id is not None
        or sold.redemptions.exclude(invoice__status=InvoiceStatus.VOID).exists()
    ):
        raise Refused(
            "The package this invoice sold has been drawn on or refunded; refund its unused "
            "part instead, or void the covered visits' invoices first."
        )
    charge = (
        LedgerEntry.objects.for_clinic(invoice.clinic_id)
        .filter(invoice=invoice, kind=EntryKind.CHARGE)
        .first()
    )
    if charge is not None:  # a visit a package covered charged nothing
        note = f"Credit note for invoice {invoice.display_number}: {reason}"
        _reverse(ctx, charge, reason=note)
    invoice.status, invoice.voided_at, invoice.void_reason = InvoiceStatus.VOID, clock.now(), reason
    invoice.save(update_fields=["status", "voided_at", "void_reason"])
    _audit(ctx, invoice.clinic, Action.UPDATE, "invoice", invoice, voided=reason[:100])
    return invoice


# --- payments, refunds, charges, reversals ------------------------------------------------------


def _check_currency(patient: Any, currency: str | None) -> str:
    clinic_currency = billing_settings_for(patient.clinic).currency
    if currency is not None and currency != clinic_currency:
        raise Invalid(
            f"This clinic takes money in {clinic_currency}, not {currency}.",
            fields={"currency": currency},
        )
    return clinic_currency


@transaction.atomic
def payment_record(
    *,
    ctx: AuditContext,
    patient: Any,
    amount_minor: int,
    method: str,
    idempotency_key: str,
    currency: str | None = None,
    invoice: Invoice | None = None,
    reference: str = "",
) -> LedgerEntry:
    """Record money the patient paid at the desk; any amount (a part payment, or more)."""
    key = check_key(idempotency_key)
    check_amount(amount_minor)
    if method not in PaymentMethod.values:
        raise Invalid("Choose how the patient paid.", fields={"method": method})
    code = _check_currency(patient, currency)
    if invoice is not None and (invoice.patient_id != patient.pk or invoice.is_draft):
        raise Invalid("Pay an issued invoice of this patient.", fields={"invoice": "mismatch"})
    entry, created = append(
        clinic=patient.clinic,
        patient=patient,
        kind=EntryKind.PAYMENT,
        amount_minor=-amount_minor,
        currency=code,
        key=key,
        invoice=invoice,
        method=method,
        reference=reference.strip()[:80],
        recorded_by=ctx.actor,
        practitioner_id=invoice.practitioner_id if invoice is not None else None,
    )
    if created:
        _audit(ctx, patient.clinic, Action.CREATE, "payment", entry, amount_minor=amount_minor)
    return entry


@transaction.atomic
def refund_record(
    *,
    ctx: AuditContext,
    payment: LedgerEntry,
    amount_minor: int,
    idempotency_key: str,
    memo: str = "",
) -> LedgerEntry:
    """Pay back (part of) a payment, by the method it came in; never more than is left of it."""
    key = check_key(idempotency_key)
    check_amount(amount_minor)
    payment = LedgerEntry.objects.select_for_update().get(pk=payment.pk)
    earlier = LedgerEntry.objects.for_clinic(payment.clinic_id).filter(idempotency_key=key).first()
    if earlier is None and amount_minor > refundable(payment):
        left = format_money(refundable(payment), payment.currency)
        raise Invalid(
            f"The amount is more than is left of this payment: at most {left} can be refunded.",
            fields={"amount": "too much"},
        )
    entry, created = append(
        clinic=payment.clinic,
        patient=payment.patient,
        kind=EntryKind.REFUND,
        amount_minor=amount_minor,
        currency=payment.currency,
        key=key,
        invoice=payment.invoice,
        method=payment.method,
        refunds=payment,
        memo=memo.strip()[:300],
        recorded_by=ctx.actor,
        practitioner_id=payment.practitioner_id,
    )
    if created:
        _audit(ctx, payment.clinic, Action.CREATE, "refund", entry, amount_minor=amount_minor)
    return entry


@transaction.atomic
def charge_record(
    *,
    ctx: AuditContext,
    patient: Any,
    amount_minor: int,
    memo: str,
    idempotency_key: str,
    practitioner: Any = None,
) -> LedgerEntry:
    """A charge outside an invoice (a late-cancellation fee)."""
    key = check_key(idempotency_key)
    check_amount(amount_minor)
    entry, created = append(
        clinic=patient.clinic,
        patient=patient,
        kind=EntryKind.CHARGE,
        amount_minor=amount_minor,
        currency=_check_currency(patient, None),
        key=key,
        memo=memo.strip()[:300],
        recorded_by=ctx.actor,
        practitioner=practitioner,
    )
    if created:
        _audit(ctx, patient.clinic, Action.CREATE, "charge", entry, amount_minor=amount_minor)
    return entry


def _reverse(
    ctx: AuditContext, entry: LedgerEntry, *, reason: str, key: str | None = None
) -> LedgerEntry:
    reversal, created = append(
        clinic=entry.clinic,
        patient=entry.patient,
        kind=EntryKind.REVERSAL,
        amount_minor=-entry.amount_minor,
        currency=entry.currency,
        key=key or f"reverse:{entry.public_id}",
        invoice=entry.invoice,
        method=entry.method,
        reverses=entry,
        memo=reason[:300],
        recorded_by=ctx.actor,
        practitioner_id=entry.practitioner_id,
    )
    if created:
        _audit(
            ctx, entry.clinic, Action.CREATE, "reversal", reversal, reverses=str(entry.public_id)
        )
    return reversal


@transaction.atomic
def entry_reverse(
    *, ctx: AuditContext, entry: LedgerEntry, reason: str, idempotency_key: str
) -> LedgerEntry:
    """Correct a mistaken payment, refund or charge with an entry of the opposite amount."""
    key = check_key(idempotency_key)
    reason = reason.strip()
    if not reason:
        raise Invalid("Say why the entry is reversed.", fields={"reason": "required"})
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    earlier = LedgerEntry.objects.for_clinic(entry.clinic_id).filter(idempotency_key=key).first()
    if earlier is not None and earlier.reverses_id == entry.pk:
        return earlier
    if entry.kind == EntryKind.REVERSAL:
        raise Refused("A reversal cannot itself be reversed; record a new entry instead.")
    if entry.kind == EntryKind.CHARGE and entry.invoice_id is not None:
        raise Refused("An invoice's charge is undone by voiding the invoice.")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise Refused("This entry has already been reversed.")
    if (
        entry.kind == EntryKind.PAYMENT
        and entry.refunded_by.filter(reversed_by__isnull=True).exists()
    ):
        raise Refused("Part of this payment was refunded; reverse the refund first.")
    return _reverse(ctx, entry, reason=reason, key=key)
