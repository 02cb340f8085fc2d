"""Random runs of charges, payments, refunds, reversals and replays: every balance reconciles.

A plain model of the rules keeps the expected balance; after every step the patient's balance
(a sum over the database) and the clinic's receivables must equal it. Runs on the test database,
so on SQLite and on PostgreSQL in CI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taut.billing import services
from taut.billing.models import EntryKind, LedgerEntry
from taut.billing.selectors import clinic_receivables, patient_balance
from taut.common.refusals import Refused
from tests.billing.conftest import ctx_of, key
from tests.conftest import make_patient

amounts = st.integers(min_value=1, max_value=500_000)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("charge"), amounts),
        st.tuples(st.just("pay"), amounts),
        st.tuples(st.just("refund"), st.integers(0, 20), amounts),
        st.tuples(st.just("reverse"), st.integers(0, 40)),
        st.tuples(st.just("replay"), st.integers(0, 20)),
    ),
    min_size=1,
    max_size=25,
)


@dataclass
class Booked:
    entry: LedgerEntry
    key: str
    reversed: bool = False
    refunds: list[Booked] = field(default_factory=list)

    def refundable(self) -> int:
        live = sum(r.entry.amount_minor for r in self.refunds if not r.reversed)
        return 0 if self.reversed else -self.entry.amount_minor - live

    def reversible(self) -> bool:
        return not self.reversed and not any(not r.reversed for r in self.refunds)


class Model:
    def __init__(self, world: Any, patient: Any) -> None:
        self.desk, self.owner = ctx_of(world.frontdesk_a), ctx_of(world.owner_a)
        self.patient = patient
        self.expected = 0
        self.booked: list[Booked] = []
        self.payments: list[Booked] = []

    def charge(self, amount: int) -> None:
        k = key()
        entry = services.charge_record(
            ctx=self.desk, patient=self.patient, amount_minor=amount, memo="fee", idempotency_key=k
        )
        self.booked.append(Booked(entry, k))
        self.expected += amount

    def pay(self, amount: int) -> None:
        k = key()
        entry = services.payment_record(
            ctx=self.desk,
            patient=self.patient,
            amount_minor=amount,
            method="cash",
            idempotency_key=k,
        )
        booked = Booked(entry, k)
        self.booked.append(booked)
        self.payments.append(booked)
        self.expected -= amount

    def refund(self, index: int, amount: int) -> None:
        if not self.payments:
            return
        payment = self.payments[index % len(self.payments)]
        try:
            entry = services.refund_record(
                ctx=self.desk, payment=payment.entry, amount_minor=amount, idempotency_key=key()
            )
        except Refused:
            assert amount > payment.refundable()
            return
        assert amount <= payment.refundable()
        refund = Booked(entry, "")
        payment.refunds.append(refund)
        self.booked.append(refund)
        self.expected += amount

    def reverse(self, index: int) -> None:
        if not self.booked:
            return
        target = self.booked[index % len(self.booked)]
        try:
            services.entry_reverse(
                ctx=self.owner, entry=target.entry, reason="mistake", idempotency_key=key()
            )
        except Refused:
            assert not target.reversible()
            return
        assert target.reversible()
        target.reversed = True
        self.expected -= target.entry.amount_minor

    def replay(self, index: int) -> None:
        if not self.payments:
            return
        first = self.payments[index % len(self.payments)]
        again = services.payment_record(
            ctx=self.desk,
            patient=self.patient,
            amount_minor=-first.entry.amount_minor,
            method="cash",
            idempotency_key=first.key,
        )
        assert again.pk == first.entry.pk


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(run=steps)
def test_every_balance_reconciles_after_any_sequence(
    world: Any, run: list[tuple[Any, ...]]
) -> None:
    with transaction.atomic():
        patient = make_patient(world.clinic_a, "Random", "Walker")
        model = Model(world, patient)
        before = clinic_receivables(world.clinic_a)
        for name, *args in run:
            getattr(model, name)(*args)
            assert patient_balance(patient) == model.expected
            assert clinic_receivables(world.clinic_a) - before == model.expected
        entries = LedgerEntry.objects.filter(patient=patient)
        assert entries.filter(kind=EntryKind.REVERSAL).count() == sum(
            b.reversed for b in model.booked
        )
        transaction.set_rollback(True)
