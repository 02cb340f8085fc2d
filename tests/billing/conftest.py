"""Money fixtures: clinic A's fee schedule and a signed session to invoice."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from taut.billing import services
from taut.billing.models import Invoice, LedgerEntry
from taut.clinics.models import Membership
from taut.common.context import AuditContext
from tests.conftest import World

FEE_FROM = date(2026, 1, 1)
CODE_FEES = {"20560": 6500, "20561": 8500}


def ctx_of(user: Any) -> AuditContext:
    return AuditContext.of(user, Membership.objects.filter(user=user).first())


def key() -> str:
    return uuid.uuid4().hex


def price_codes(world: World, fees: dict[str, int] | None = None) -> None:
    for code, amount in (fees or CODE_FEES).items():
        services.fee_add(
            ctx=ctx_of(world.owner_a),
            clinic=world.clinic_a,
            amount_minor=amount,
            effective_from=FEE_FROM,
            code=code,
        )


def signed_session_a(world: World) -> Any:
    from tests.diary.conftest import signed_session

    if not hasattr(world, "_signed_session_a"):
        world._signed_session_a = signed_session(world)  # type: ignore[attr-defined]
    return world._signed_session_a  # type: ignore[attr-defined]


def issued_invoice_a(world: World) -> Invoice:
    price_codes(world)
    desk = ctx_of(world.frontdesk_a)
    draft = services.invoice_draft_from_session(
        ctx=desk, session=signed_session_a(world), idempotency_key=key()
    )
    return services.invoice_issue(ctx=desk, invoice=draft)


def payment_a(
    world: World, amount_minor: int = 2000, invoice: Invoice | None = None
) -> LedgerEntry:
    return services.payment_record(
        ctx=ctx_of(world.frontdesk_a),
        patient=world.patient_a,
        amount_minor=amount_minor,
        method="cash",
        idempotency_key=key(),
        invoice=invoice,
    )


def draft_invoice(world: World, amount_minor: int = 9000, patient: Any = None) -> Invoice:
    """A draft with one line, without a session: for tests about issuing and numbering."""
    from taut.billing.models import InvoiceLine

    invoice = Invoice.objects.create(
        clinic=world.clinic_a,
        patient=patient or world.patient_a,
        currency="USD",
        date_of_service=FEE_FROM,
        idempotency_key=key(),
    )
    InvoiceLine.objects.create(
        clinic=world.clinic_a,
        invoice=invoice,
        description="Dry needling visit",
        unit_minor=amount_minor,
        amount_minor=amount_minor,
    )
    return invoice
