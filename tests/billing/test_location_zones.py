"""A clinic whose two locations lie in two zones: billing papers and the close-out read each
payment where it was taken (the visit's location), money on account in the clinic's zone."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from pypdf import PdfReader

from taut.billing import documents, services
from taut.billing.takings import close_out
from taut.clinics.models import Location
from tests.billing.conftest import ctx_of, draft_invoice, payment_a
from tests.conftest import CLINIC_NOW

# CLINIC_NOW is Monday 08:00 in Denver (the clinic's zone) and already Tuesday 02:00 in Sydney.
DENVER_MONDAY = CLINIC_NOW.date()
SYDNEY_TUESDAY = DENVER_MONDAY + timedelta(days=1)


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _sydney_invoice(world: Any) -> Any:
    sydney = Location.objects.create(
        clinic=world.clinic_a, name="Sydney", address="1 George St", time_zone="Australia/Sydney"
    )
    draft = draft_invoice(world, amount_minor=5000)
    type(draft).objects.filter(pk=draft.pk).update(location=sydney)
    draft.refresh_from_db()
    return services.invoice_issue(ctx=ctx_of(world.frontdesk_a), invoice=draft)


def test_a_payment_counts_on_the_local_day_of_the_location_it_was_taken_at(
    world: Any, clinic_clock: Any
) -> None:
    invoice = _sydney_invoice(world)
    payment_a(world, 3000, invoice)  # Tuesday in Sydney
    payment_a(world, 1000)  # on account: Monday in Denver
    owner = ctx_of(world.owner_a)

    def total(day: Any) -> int:
        return close_out(ctx=owner, clinic=world.clinic_a, day=day, currency="USD").total

    assert total(DENVER_MONDAY) == 1000
    assert total(SYDNEY_TUESDAY) == 3000


def test_billing_papers_show_the_time_in_the_zone_of_the_visits_location(
    world: Any, clinic_clock: Any
) -> None:
    invoice = _sydney_invoice(world)
    at_sydney = payment_a(world, 3000, invoice)
    on_account = payment_a(world, 1000)
    sydney_receipt = _text(documents.receipt_pdf(at_sydney))
    assert "AEDT" in sydney_receipt and "MST" not in sydney_receipt
    assert "AEDT" not in _text(documents.receipt_pdf(on_account))
    assert documents.receipt_filename(at_sydney) == f"receipt-{SYDNEY_TUESDAY:%Y-%m-%d}.pdf"
    assert documents.receipt_filename(on_account) == f"receipt-{DENVER_MONDAY:%Y-%m-%d}.pdf"
    issued_day = f"{SYDNEY_TUESDAY.day} {SYDNEY_TUESDAY:%B %Y}"
    assert f"Issued {issued_day}" in _text(documents.invoice_pdf(invoice))
