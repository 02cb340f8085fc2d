"""Desks issuing at once: numbers run 1..N with no gap and no duplicate, on either engine."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from taut.billing import services
from taut.billing.models import Invoice
from tests.billing.conftest import ctx_of, draft_invoice

DESKS = 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_number_invoices_without_gaps_or_duplicates(world: Any) -> None:
    drafts = [draft_invoice(world, 1000 + i) for i in range(DESKS)]
    desk = ctx_of(world.frontdesk_a)
    start_line = threading.Barrier(DESKS)
    errors: list[str] = []
    lock = threading.Lock()

    def issue(invoice: Invoice) -> None:
        try:
            start_line.wait()
            services.invoice_issue(ctx=desk, invoice=invoice)
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            with lock:
                errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    numbers = sorted(Invoice.objects.filter(clinic=world.clinic_a).values_list("number", flat=True))
    assert numbers == list(range(1, DESKS + 1))


def test_each_clinic_has_its_own_sequence(world: Any) -> None:
    from tests.conftest import make_patient

    a = services.invoice_issue(ctx=ctx_of(world.frontdesk_a), invoice=draft_invoice(world))
    b_draft = draft_invoice(world, patient=world.patient_b)
    Invoice.objects.filter(pk=b_draft.pk).update(clinic=world.clinic_b)
    b_draft.refresh_from_db()
    b = services.invoice_issue(ctx=ctx_of(world.frontdesk_b), invoice=b_draft)
    assert (a.number, b.number) == (1, 1)
    assert make_patient  # the personas' patients suffice


@pytest.mark.django_db(transaction=True)
def test_a_payment_submitted_at_once_from_two_tabs_is_recorded_once(world: Any) -> None:
    from taut.billing.models import LedgerEntry
    from tests.billing.conftest import key

    once, tabs = key(), 4
    start_line = threading.Barrier(tabs)
    results: list[Any] = []
    lock = threading.Lock()

    def pay() -> None:
        try:
            start_line.wait()
            entry = services.payment_record(
                ctx=ctx_of(world.frontdesk_a),
                patient=world.patient_a,
                amount_minor=5000,
                method="cash",
                idempotency_key=once,
            )
            outcome: Any = entry.pk
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            outcome = f"{type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=pay) for _ in range(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert LedgerEntry.objects.filter(idempotency_key=once).count() == 1
    assert len(set(results)) == 1 and isinstance(results[0], int), results
