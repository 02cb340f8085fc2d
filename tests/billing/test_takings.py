"""The day's close-out: by method and practitioner, between the clinic's own midnights."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from taut.billing import services
from taut.billing.takings import close_out
from taut.clinics.roles import Role
from tests.billing.conftest import ctx_of, draft_invoice, key, payment_a
from tests.conftest import CLINIC_NOW, client_for

MONDAY = date(2026, 11, 23)  # CLINIC_NOW is 08:00 on this day in Denver


def _invoice_by_clinician(world: Any) -> Any:
    draft = draft_invoice(world)
    type(draft).objects.filter(pk=draft.pk).update(practitioner=world.clinician_a)
    draft.refresh_from_db()
    return services.invoice_issue(ctx=ctx_of(world.frontdesk_a), invoice=draft)


def test_takings_sum_payments_less_refunds_by_method_and_practitioner(
    world: Any, clinic_clock: Any
) -> None:
    invoice = _invoice_by_clinician(world)
    payment_a(world, 3000, invoice)
    card = services.payment_record(
        ctx=ctx_of(world.frontdesk_a),
        patient=world.patient_a,
        amount_minor=5000,
        method="card_terminal",
        idempotency_key=key(),
    )
    services.refund_record(
        ctx=ctx_of(world.frontdesk_a), payment=card, amount_minor=1500, idempotency_key=key()
    )
    report = close_out(ctx=ctx_of(world.owner_a), clinic=world.clinic_a, day=MONDAY, currency="USD")
    rows = {(r.method, r.practitioner): r.amount_minor for r in report.rows}
    assert rows == {
        ("Cash", "Clinician A"): 3000,
        ("Card (terminal)", "Not linked to a visit"): 3500,
    }
    assert report.total == 6500
    assert report.by_method() == {"Cash": 3000, "Card (terminal)": 3500}


def test_the_day_ends_at_the_clinics_midnight_not_utcs(world: Any, time_machine: Any) -> None:
    late_monday = CLINIC_NOW + timedelta(hours=15, minutes=30)  # 23:30 Denver, 06:30 UTC Tuesday
    time_machine.move_to(late_monday)
    payment_a(world, 1000)
    time_machine.move_to(late_monday + timedelta(hours=1))  # 00:30 Tuesday in Denver
    payment_a(world, 2000)
    owner = ctx_of(world.owner_a)
    assert close_out(ctx=owner, clinic=world.clinic_a, day=MONDAY, currency="USD").total == 1000
    tuesday = MONDAY + timedelta(days=1)
    assert close_out(ctx=owner, clinic=world.clinic_a, day=tuesday, currency="USD").total == 2000


@pytest.mark.parametrize("role", list(Role))
def test_only_the_owner_sees_takings(world: Any, role: Role) -> None:
    response = client_for(world.staff("a", role)).get(reverse("billing:takings"))
    assert response.status_code == (200 if role == Role.OWNER else 403)


def test_the_csv_has_plain_amounts_and_a_total(world: Any, clinic_clock: Any) -> None:
    payment_a(world, 4550)
    response = client_for(world.owner_a).get(reverse("billing:takings_csv"), {"day": "2026-11-23"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["day", "payment method", "practitioner", "amount", "currency"]
    assert rows[1] == ["2026-11-23", "Cash", "Not linked to a visit", "45.50", "USD"]
    assert rows[-1] == ["2026-11-23", "total", "", "45.50", "USD"]


def test_another_clinics_money_is_not_in_the_takings(world: Any, clinic_clock: Any) -> None:
    services.payment_record(
        ctx=ctx_of(world.frontdesk_b),
        patient=world.patient_b,
        amount_minor=9900,
        method="cash",
        idempotency_key=key(),
    )
    page = client_for(world.owner_a).get(reverse("billing:takings"), {"day": "2026-11-23"})
    assert page.context["report"].total == 0


@pytest.mark.parametrize("day", ["2026-13-01", "yesterday", "9999999-01-01"])
def test_a_malformed_day_is_refused(world: Any, day: str) -> None:
    assert (
        client_for(world.owner_a).get(reverse("billing:takings"), {"day": day}).status_code == 404
    )
