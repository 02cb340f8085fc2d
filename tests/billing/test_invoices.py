"""Invoices drafted from a signed session, issued with a number, never edited, voided by credit."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, transaction

from taut.billing import services
from taut.billing.models import EntryKind, InvoiceLine, InvoiceStatus, LedgerEntry
from taut.billing.selectors import invoice_balance, invoice_totals, patient_balance
from taut.common.refusals import Refused
from tests.billing.conftest import (
    CODE_FEES,
    ctx_of,
    issued_invoice_a,
    key,
    price_codes,
    signed_session_a,
)


def test_a_signed_session_is_drafted_with_its_billing_codes_priced(world: Any) -> None:
    price_codes(world)
    session = signed_session_a(world)
    draft = services.invoice_draft_from_session(
        ctx=ctx_of(world.frontdesk_a), session=session, idempotency_key=key()
    )
    codes = session.billing["codes"]
    assert codes, "the signed session carries billing codes"
    lines = list(draft.lines.all())
    assert [line.code for line in lines] == [c["code"] for c in codes]
    for line, code in zip(lines, codes, strict=True):
        assert line.units == code["units"]
        assert line.amount_minor == CODE_FEES[code["code"]] * code["units"]
    assert draft.status == InvoiceStatus.DRAFT and draft.number is None
    assert patient_balance(world.patient_a) == 0  # a draft charges nothing


def test_it_refuses_to_draft_without_a_fee_and_names_the_code(world: Any) -> None:
    session = signed_session_a(world)
    with pytest.raises(Refused) as refused:
        services.invoice_draft_from_session(
            ctx=ctx_of(world.frontdesk_a), session=session, idempotency_key=key()
        )
    assert session.billing["codes"][0]["code"] in refused.value.message


def test_an_open_session_cannot_be_invoiced(world: Any) -> None:
    from tests.charting.conftest import ready_session

    price_codes(world)
    session, _ = ready_session(world)
    with pytest.raises(Refused, match="signed"):
        services.invoice_draft_from_session(
            ctx=ctx_of(world.frontdesk_a), session=session, idempotency_key=key()
        )


def test_a_double_submitted_draft_makes_one_invoice(world: Any) -> None:
    price_codes(world)
    once = key()
    desk = ctx_of(world.frontdesk_a)
    first = services.invoice_draft_from_session(
        ctx=desk, session=signed_session_a(world), idempotency_key=once
    )
    second = services.invoice_draft_from_session(
        ctx=desk, session=signed_session_a(world), idempotency_key=once
    )
    assert first.pk == second.pk


def test_a_session_has_one_live_invoice(world: Any) -> None:
    issued_invoice_a(world)
    with pytest.raises(Refused, match="already has an invoice"):
        services.invoice_draft_from_session(
            ctx=ctx_of(world.frontdesk_a), session=signed_session_a(world), idempotency_key=key()
        )


def test_issuing_numbers_the_invoice_and_charges_its_total(world: Any) -> None:
    invoice = issued_invoice_a(world)
    assert invoice.status == InvoiceStatus.ISSUED and invoice.number == 1
    total = invoice_totals(invoice).total
    assert total > 0
    assert invoice_balance(invoice) == total == patient_balance(world.patient_a)
    again = services.invoice_issue(ctx=ctx_of(world.frontdesk_a), invoice=invoice)
    assert again.number == 1
    assert LedgerEntry.objects.filter(invoice=invoice).count() == 1


def test_tax_is_added_per_line_at_the_clinic_rate(world: Any) -> None:
    services.billing_settings_save(
        ctx=ctx_of(world.owner_a),
        clinic=world.clinic_a,
        currency="CAD",
        tax_label="HST",
        tax_basis_points=1300,
    )
    price_codes(world, {"20560": 6499, "20561": 6499})
    draft = services.invoice_draft_from_session(
        ctx=ctx_of(world.frontdesk_a), session=signed_session_a(world), idempotency_key=key()
    )
    line = draft.lines.first()
    assert line is not None
    # 13 % of 64.99 is 8.4487: rounded half up to 8.45 per unit.
    assert line.tax_minor == round(line.amount_minor * 13 / 100 + 1e-9)
    assert draft.currency == "CAD" and draft.tax_label == "HST"


def test_an_issued_invoice_cannot_be_edited_in_the_database(world: Any) -> None:
    invoice = issued_invoice_a(world)
    line = invoice.lines.first()
    assert line is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        InvoiceLine.objects.filter(pk=line.pk).update(unit_minor=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        type(invoice).objects.filter(pk=invoice.pk).update(number=99)
    with pytest.raises(DatabaseError), transaction.atomic():
        InvoiceLine.objects.create(
            clinic=world.clinic_a, invoice=invoice, description="x", unit_minor=1, amount_minor=1
        )
    with pytest.raises(DatabaseError), transaction.atomic():
        type(invoice).objects.filter(pk=invoice.pk).delete()


def test_voiding_reverses_the_charge_and_keeps_the_invoice(world: Any) -> None:
    invoice = issued_invoice_a(world)
    voided = services.invoice_void(ctx=ctx_of(world.owner_a), invoice=invoice, reason="Wrong code")
    assert voided.status == InvoiceStatus.VOID and voided.number == invoice.number
    assert invoice_balance(voided) == 0 == patient_balance(world.patient_a)
    reversal = LedgerEntry.objects.get(invoice=invoice, kind=EntryKind.REVERSAL)
    assert "Credit note" in reversal.memo
    with pytest.raises(DatabaseError), transaction.atomic():
        type(invoice).objects.filter(pk=invoice.pk).update(status="issued")


def test_after_a_void_the_session_can_be_invoiced_again_with_the_next_number(world: Any) -> None:
    first = issued_invoice_a(world)
    services.invoice_void(ctx=ctx_of(world.owner_a), invoice=first, reason="Fee was wrong")
    desk = ctx_of(world.frontdesk_a)
    draft = services.invoice_draft_from_session(
        ctx=desk, session=signed_session_a(world), idempotency_key=key()
    )
    second = services.invoice_issue(ctx=desk, invoice=draft)
    assert second.number == 2


def test_a_void_needs_a_reason(world: Any) -> None:
    invoice = issued_invoice_a(world)
    with pytest.raises(Refused, match="why"):
        services.invoice_void(ctx=ctx_of(world.owner_a), invoice=invoice, reason="  ")
