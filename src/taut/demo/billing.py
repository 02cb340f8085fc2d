"""The demo clinic's money: a fee schedule, invoices for its signed sessions, payments, one void
with its credit note, and packages; all through the billing services the desk uses.

History is written at the time it would have happened: `clock.held_at` holds the clock at the
evening of each visit, so the ledger, the invoices' issue times and the daily close-outs of
past days read as a real clinic's would.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from taut import clock
from taut.billing import package_sales, services
from taut.billing.models import PaymentMethod
from taut.billing.selectors import invoice_totals
from taut.charting.models import SessionStatus, TreatmentSession
from taut.clinical.billing import load_billing
from taut.clinics.models import Membership, local_zone
from taut.common.context import AuditContext
from taut.patients.models import Patient
from taut.scheduling.models import AppointmentType

CURRENCY = "USD"  # Colorado does not tax physical therapy services
TYPE_FEES = {
    "initial_evaluation": 12000,
    "dry_needling": 9500,
    "follow_up": 8000,
    "combined": 14500,
}
CODE_FEES = {"20560": 4500, "20561": 6500}
METHODS = (PaymentMethod.CARD_TERMINAL, PaymentMethod.CASH, PaymentMethod.CARD_TERMINAL)


def _at(day: dt.date, hour: int, minute: int, zone: Any) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


def seed_billing(*, clinic: Any, owner: Any, desk: Any, today: dt.date) -> int:
    """Set the fees and bill the signed sessions before today; the number of invoices issued."""
    owner_ctx = AuditContext.of(owner, Membership.objects.get(clinic=clinic, user=owner))
    desk_ctx = AuditContext.of(desk, Membership.objects.get(clinic=clinic, user=desk))
    services.billing_settings_save(
        ctx=owner_ctx, clinic=clinic, currency=CURRENCY, tax_label="", tax_basis_points=0
    )
    _seed_fees(owner_ctx, clinic, today)
    sessions = (
        TreatmentSession.objects.for_clinic(clinic)
        .filter(status=SessionStatus.SIGNED, date_of_service__lt=today)
        .select_related("patient", "clinic", "location")
        .order_by("date_of_service", "pk")
    )
    issued = 0
    for index, session in enumerate(sessions):
        issued += _bill(owner_ctx, desk_ctx, session, index)
    return issued


def _seed_fees(ctx: AuditContext, clinic: Any, today: dt.date) -> None:
    since = today - dt.timedelta(days=365)
    for kind in AppointmentType.objects.for_clinic(clinic):
        if kind.kind in TYPE_FEES:
            services.fee_add(
                ctx=ctx,
                clinic=clinic,
                amount_minor=TYPE_FEES[kind.kind],
                effective_from=since,
                appointment_type=kind,
            )
    for row in load_billing().codes:
        services.fee_add(
            ctx=ctx,
            clinic=clinic,
            amount_minor=CODE_FEES.get(row.code, 5000),
            effective_from=since,
            code=row.code,
        )


def _bill(owner_ctx: AuditContext, desk_ctx: AuditContext, session: Any, index: int) -> int:
    """Invoice one visit that evening. The oldest stays unpaid (overdue), the second is voided
    and invoiced again, every fourth is paid in part, the rest in full."""
    zone = local_zone(session.clinic, session.location)
    day = session.date_of_service
    with clock.held_at(_at(day, 17, 30, zone)):
        invoice = _invoice(desk_ctx, session, f"demo-invoice-{session.public_id}")
    count = 1
    if index == 1:
        with clock.held_at(_at(day, 17, 40, zone)):
            services.invoice_void(
                ctx=owner_ctx,
                invoice=invoice,
                reason="Billed 20561 for two muscles; corrected on a new invoice.",
            )
            invoice = _invoice(desk_ctx, session, f"demo-reinvoice-{session.public_id}")
        count += 1
    if index == 0:
        return count
    total = invoice_totals(invoice).total
    paid = total // 2 if index % 4 == 2 else total
    with clock.held_at(_at(day, 17, 45, zone)):
        services.payment_record(
            ctx=desk_ctx,
            patient=session.patient,
            amount_minor=paid,
            method=METHODS[index % len(METHODS)],
            idempotency_key=f"demo-payment-{invoice.public_id}",
            invoice=invoice,
        )
    return count


def _invoice(ctx: AuditContext, session: Any, key: str) -> Any:
    draft = services.invoice_draft_from_session(ctx=ctx, session=session, idempotency_key=key)
    return services.invoice_issue(ctx=ctx, invoice=draft)


def seed_packages(*, clinic: Any, desk: Any, patients: list[Patient], today: dt.date) -> None:
    """Six dry-needling visits sold to each patient given, half paid at the desk."""
    ctx = AuditContext.of(desk, Membership.objects.get(clinic=clinic, user=desk))
    covered = list(
        AppointmentType.objects.for_clinic(clinic).filter(kind__in=["dry_needling", "combined"])
    )
    for patient in patients:
        package = package_sales.package_sell(
            ctx=ctx,
            patient=patient,
            name="6 dry-needling visits",
            sessions=6,
            price_minor=51000,
            expires_on=today + dt.timedelta(days=180),
            appointment_types=covered,
            idempotency_key=f"demo-package-{patient.public_id}",
        )
        services.payment_record(
            ctx=ctx,
            patient=patient,
            amount_minor=25500,
            method=PaymentMethod.CARD_TERMINAL,
            idempotency_key=f"demo-package-payment-{patient.public_id}",
            invoice=package.sale_invoice,
        )
