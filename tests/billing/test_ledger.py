"""The ledger: append-only in the database, balances are sums, every write happens once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, transaction

from taut.billing import services
from taut.billing.models import EntryKind, LedgerEntry
from taut.billing.selectors import clinic_receivables, patient_balance, refundable
from taut.common.refusals import Invalid, Refused
from tests.billing.conftest import ctx_of, draft_invoice, key, payment_a
from tests.conftest import make_patient


def test_the_database_refuses_to_change_or_delete_an_entry(world: Any) -> None:
    entry = payment_a(world)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount_minor=-1)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    assert LedgerEntry.objects.get(pk=entry.pk).amount_minor == -2000


def test_a_double_submitted_payment_is_recorded_once(world: Any) -> None:
    once = key()
    entries = [
        services.payment_record(
            ctx=ctx_of(world.frontdesk_a),
            patient=world.patient_a,
            amount_minor=5000,
            method="card_terminal",
            idempotency_key=once,
        )
        for _ in range(3)
    ]
    assert len({e.pk for e in entries}) == 1
    assert patient_balance(world.patient_a) == -5000


def test_a_key_used_for_another_patient_is_refused(world: Any) -> None:
    once = key()
    other = make_patient(world.clinic_a, "Grace", "Hopper")
    services.payment_record(
        ctx=ctx_of(world.frontdesk_a),
        patient=world.patient_a,
        amount_minor=100,
        method="cash",
        idempotency_key=once,
    )
    with pytest.raises(Refused):
        services.payment_record(
            ctx=ctx_of(world.frontdesk_a),
            patient=other,
            amount_minor=100,
            method="cash",
            idempotency_key=once,
        )


def test_part_payments_leave_the_rest_owing(world: Any) -> None:
    invoice = services.invoice_issue(ctx=ctx_of(world.frontdesk_a), invoice=draft_invoice(world))
    payment_a(world, 4000, invoice)
    payment_a(world, 3000, invoice)
    assert patient_balance(world.patient_a) == 2000
    assert clinic_receivables(world.clinic_a) == 2000


def test_a_refund_is_capped_at_what_is_left_of_the_payment(world: Any) -> None:
    payment = payment_a(world, 5000)
    desk = ctx_of(world.frontdesk_a)
    services.refund_record(ctx=desk, payment=payment, amount_minor=3000, idempotency_key=key())
    assert refundable(payment) == 2000
    with pytest.raises(Invalid, match=r"at most \$20\.00"):
        services.refund_record(ctx=desk, payment=payment, amount_minor=2001, idempotency_key=key())
    assert patient_balance(world.patient_a) == -2000


def test_a_reversed_payment_nets_to_nothing_and_cannot_be_reversed_twice(world: Any) -> None:
    payment = payment_a(world, 5000)
    owner = ctx_of(world.owner_a)
    reversal = services.entry_reverse(
        ctx=owner, entry=payment, reason="Recorded twice", idempotency_key=key()
    )
    assert reversal.kind == EntryKind.REVERSAL and reversal.amount_minor == 5000
    assert patient_balance(world.patient_a) == 0
    with pytest.raises(Refused, match="already been reversed"):
        services.entry_reverse(ctx=owner, entry=payment, reason="again", idempotency_key=key())
    with pytest.raises(Refused):
        services.entry_reverse(ctx=owner, entry=reversal, reason="undo", idempotency_key=key())


def test_a_payment_with_a_live_refund_cannot_be_reversed(world: Any) -> None:
    payment = payment_a(world, 5000)
    services.refund_record(
        ctx=ctx_of(world.frontdesk_a), payment=payment, amount_minor=100, idempotency_key=key()
    )
    with pytest.raises(Refused, match="refund"):
        services.entry_reverse(
            ctx=ctx_of(world.owner_a), entry=payment, reason="x", idempotency_key=key()
        )


def test_an_invoice_charge_is_undone_only_by_voiding_the_invoice(world: Any) -> None:
    invoice = services.invoice_issue(ctx=ctx_of(world.frontdesk_a), invoice=draft_invoice(world))
    charge = LedgerEntry.objects.get(invoice=invoice, kind=EntryKind.CHARGE)
    with pytest.raises(Refused, match="voiding"):
        services.entry_reverse(
            ctx=ctx_of(world.owner_a), entry=charge, reason="x", idempotency_key=key()
        )


@pytest.mark.parametrize("amount", [0, -100, 10**12])
def test_hostile_amounts_are_refused_by_every_write(world: Any, amount: int) -> None:
    desk = ctx_of(world.frontdesk_a)
    with pytest.raises(Invalid):
        services.payment_record(
            ctx=desk,
            patient=world.patient_a,
            amount_minor=amount,
            method="cash",
            idempotency_key=key(),
        )
    with pytest.raises(Invalid):
        services.charge_record(
            ctx=desk, patient=world.patient_a, amount_minor=amount, memo="x", idempotency_key=key()
        )
    assert not LedgerEntry.objects.exists()


def test_a_payment_in_another_currency_or_method_or_without_a_key_is_refused(world: Any) -> None:
    desk = ctx_of(world.frontdesk_a)
    base = {"ctx": desk, "patient": world.patient_a, "amount_minor": 100}
    with pytest.raises(Invalid, match="USD"):
        services.payment_record(**base, method="cash", idempotency_key=key(), currency="EUR")
    with pytest.raises(Invalid):
        services.payment_record(**base, method="bitcoin", idempotency_key=key())
    with pytest.raises(Invalid):
        services.payment_record(**base, method="cash", idempotency_key="")
    with pytest.raises(Invalid):
        services.payment_record(**base, method="cash", idempotency_key="k" * 65)
    assert not LedgerEntry.objects.exists()


def test_the_currency_cannot_change_once_money_moved(world: Any) -> None:
    payment_a(world)
    with pytest.raises(Refused):
        services.billing_settings_save(
            ctx=ctx_of(world.owner_a),
            clinic=world.clinic_a,
            currency="EUR",
            tax_label="",
            tax_basis_points=0,
        )


def test_every_money_write_leaves_an_audit_entry(world: Any) -> None:
    from taut.audit.models import AuditEntry

    payment = payment_a(world, 5000)
    services.refund_record(
        ctx=ctx_of(world.frontdesk_a), payment=payment, amount_minor=100, idempotency_key=key()
    )
    kinds = set(
        AuditEntry.objects.filter(clinic=world.clinic_a).values_list("object_type", flat=True)
    )
    assert {"payment", "refund"} <= kinds
    entry = AuditEntry.objects.get(object_type="payment")
    assert entry.object_id == str(payment.public_id) and entry.actor_id == world.frontdesk_a.pk
