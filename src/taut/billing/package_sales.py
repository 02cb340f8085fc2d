"""Selling a prepaid package, and refunding its unused visits pro rata.

A sale is one issued invoice (one line, taxed like any other), so it is charged to the ledger
and paid like any invoice. A refund is a credit (a negative adjustment) on that invoice of the
unused share of what it charged, rounded by the one rule; it closes the package. Expired visits
lapse: after the expiry date nothing is refunded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.billing.ledger import append, check_key
from taut.billing.models import EntryKind, Invoice, InvoiceLine, LedgerEntry, Package
from taut.billing.money import check_amount, format_money, pro_rata, tax_on
from taut.billing.packages import remaining
from taut.billing.selectors import billing_settings_for, invoice_totals
from taut.billing.services import invoice_issue
from taut.common.context import AuditContext
from taut.common.refusals import Invalid, Refused

MAX_SESSIONS = 100


def _audit(ctx: AuditContext, package: Package, action: Action, **detail: Any) -> None:
    audit_record(
        ctx=ctx,
        clinic=package.clinic,
        action=action,
        object_type="package",
        object_id=str(package.public_id),
        detail=detail,
    )


def _check_sale(
    patient: Any, name: str, sessions: int, expires_on: dt.date, types: list[Any], today: dt.date
) -> None:
    if not name:
        raise Invalid("Name the package, e.g. 6 dry-needling visits.", fields={"name": "required"})
    if not 1 <= sessions <= MAX_SESSIONS:
        raise Invalid(
            f"A package holds between 1 and {MAX_SESSIONS} visits.", fields={"sessions": "range"}
        )
    if expires_on < today:
        raise Invalid("The expiry cannot be in the past.", fields={"expires_on": "past"})
    if not types:
        raise Invalid(
            "Choose the appointment types the package covers.",
            fields={"appointment_types": "required"},
        )
    if any(kind.clinic_id != patient.clinic_id for kind in types):
        raise Invalid("That appointment type is not of this clinic.")


@transaction.atomic
def package_sell(
    *,
    ctx: AuditContext,
    patient: Any,
    name: str,
    sessions: int,
    price_minor: int,
    expires_on: dt.date,
    appointment_types: list[Any],
    idempotency_key: str,
) -> Package:
    """Sell a package: one invoice for its price, issued now, and the package it pays for."""
    key = check_key(idempotency_key)
    earlier = Invoice.objects.for_clinic(patient.clinic_id).filter(idempotency_key=key).first()
    if earlier is not None:
        if not hasattr(earlier, "package_sold") or earlier.patient_id != patient.pk:
            raise Refused("This form was already used; reload the page.")
        return earlier.package_sold
    name = name.strip()[:100]
    today = clock.today_in(patient.clinic.zone)
    check_amount(price_minor, field="price")
    _check_sale(patient, name, sessions, expires_on, appointment_types, today)
    settings = billing_settings_for(patient.clinic)
    invoice = Invoice.objects.create(
        clinic=patient.clinic,
        patient=patient,
        currency=settings.currency,
        tax_label=settings.tax_label,
        tax_basis_points=settings.tax_basis_points,
        date_of_service=today,
        idempotency_key=key,
    )
    InvoiceLine.objects.create(
        clinic=patient.clinic,
        invoice=invoice,
        description=f"Package: {name} ({sessions} visits, until {expires_on:%d %b %Y})",
        units=1,
        unit_minor=price_minor,
        amount_minor=price_minor,
        tax_minor=tax_on(price_minor, settings.tax_basis_points),
    )
    package = Package.objects.create(
        clinic=patient.clinic,
        patient=patient,
        name=name,
        sessions=sessions,
        price_minor=price_minor,
        currency=settings.currency,
        expires_on=expires_on,
        sale_invoice=invoice,
        sold_on=today,
    )
    package.appointment_types.set(appointment_types)
    package.sale_invoice = invoice_issue(ctx=ctx, invoice=invoice)
    _audit(ctx, package, Action.CREATE, sessions=sessions, price_minor=price_minor)
    return package


def unused_refund(package: Package, left: int) -> int:
    """The unused share of what the sale charged (price and tax): total x left / sessions."""
    return pro_rata(invoice_totals(package.sale_invoice).total, left, package.sessions)


@transaction.atomic
def package_refund_unused(*, ctx: AuditContext, package: Package) -> LedgerEntry:
    """Credit the patient the unused visits' share of the price; the package closes. A package
    refunds once, so its key is derived from it: a double click gets the first credit back."""
    package = Package.objects.select_for_update().select_related("sale_invoice").get(pk=package.pk)
    if package.refund_entry_id is not None:
        return LedgerEntry.objects.get(pk=package.refund_entry_id)
    if package.expires_on < clock.today_in(package.clinic.zone):
        raise Refused("The package has expired; its unused visits lapsed on the expiry date.")
    left = remaining(package)
    if left == 0:
        raise Refused("Every visit of this package has been used; there is nothing to refund.")
    amount = unused_refund(package, left)
    if amount == 0:
        raise Refused("The unused part rounds to nothing; there is nothing to refund.")
    entry, _ = append(
        clinic=package.clinic,
        patient=package.patient,
        kind=EntryKind.ADJUSTMENT,
        amount_minor=-amount,
        currency=package.currency,
        key=f"package-refund:{package.public_id}",
        invoice=package.sale_invoice,
        memo=f"Package refund: {left} unused of {package.sessions} visits, "
        f"{format_money(amount, package.currency)}",
        recorded_by=ctx.actor,
    )
    package.refund_entry = entry
    package.save(update_fields=["refund_entry"])
    _audit(ctx, package, Action.UPDATE, refunded_minor=amount, unused=left)
    return entry
