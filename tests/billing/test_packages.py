"""Prepaid packages: sold on one invoice, drawn one covered visit at a time, refunded pro rata."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.urls import reverse

from taut import clock
from taut.billing import package_sales, services
from taut.billing.models import EntryKind, InvoiceStatus, LedgerEntry, Package
from taut.billing.money import pro_rata
from taut.billing.packages import package_to_draw, packages_of, remaining
from taut.billing.selectors import invoice_totals, patient_balance
from taut.clinics.models import Location
from taut.common.refusals import Invalid, Refused
from taut.scheduling.models import Appointment, AppointmentStatus, AppointmentType
from taut.scheduling.services.setup import scheduling_defaults_ensure
from tests.billing.conftest import FEE_FROM, ctx_of, key, price_codes, signed_session_a
from tests.conftest import World, client_for

PRICE = 54000  # $540.00 for six visits


def _types(world: World) -> dict[str, AppointmentType]:
    scheduling_defaults_ensure(clinic=world.clinic_a)
    return {t.kind: t for t in AppointmentType.objects.for_clinic(world.clinic_a)}


def _visit_of(world: World, kind: str, session: Any = None) -> Any:
    """A signed session that came from a booking of `kind` (the link attending a visit makes)."""
    from tests.charting.conftest import ready_session
    from tests.diary.conftest import signed_session

    session = session or signed_session(world, ready_session(world))
    earlier = Appointment.objects.for_clinic(world.clinic_a).count()
    start = clock.now() - dt.timedelta(hours=1 + earlier)
    Appointment.objects.create(
        clinic=world.clinic_a,
        patient=session.patient,
        practitioner=session.clinician,
        location=Location.objects.for_clinic(world.clinic_a).first(),
        appointment_type=_types(world)[kind],
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
        blocked_until=start + dt.timedelta(minutes=30),
        status=AppointmentStatus.COMPLETED,
        channel="desk",
        session=session,
    )
    session.refresh_from_db()
    return session


def _sell(
    world: World, *, sessions: int = 6, days: int = 180, kinds: tuple[str, ...] = ("dry_needling",)
) -> Package:
    types = _types(world)
    return package_sales.package_sell(
        ctx=ctx_of(world.frontdesk_a),
        patient=world.patient_a,
        name="6 dry-needling visits",
        sessions=sessions,
        price_minor=PRICE,
        expires_on=clock.today_in(world.clinic_a.zone) + dt.timedelta(days=days),
        appointment_types=[types[k] for k in kinds],
        idempotency_key=key(),
    )


def _invoice(world: World, session: Any) -> Any:
    desk = ctx_of(world.frontdesk_a)
    draft = services.invoice_draft_from_session(ctx=desk, session=session, idempotency_key=key())
    return services.invoice_issue(ctx=desk, invoice=draft)


def test_selling_a_package_issues_one_invoice_charged_to_the_ledger(world: Any) -> None:
    package = _sell(world)
    invoice = package.sale_invoice
    assert invoice.status == InvoiceStatus.ISSUED and invoice.number == 1
    assert invoice_totals(invoice).total == PRICE
    charges = LedgerEntry.objects.filter(invoice=invoice, kind=EntryKind.CHARGE)
    assert [c.amount_minor for c in charges] == [PRICE]
    assert patient_balance(world.patient_a) == PRICE
    assert remaining(package) == 6


def test_a_covered_visit_draws_one_session_instead_of_charging_the_fee(world: Any) -> None:
    price_codes(world)
    package = _sell(world)
    invoice = _invoice(world, _visit_of(world, "dry_needling"))
    first = invoice.lines.first()
    assert first is not None and "covered by package, 5 of 6 left" in first.description
    assert invoice_totals(invoice).total == 0 and invoice.number == 2
    assert not LedgerEntry.objects.filter(invoice=invoice).exists()
    assert patient_balance(world.patient_a) == PRICE  # only the package's price
    assert remaining(package) == 5


def test_voiding_a_covered_visit_gives_the_session_back(world: Any) -> None:
    package = _sell(world)
    invoice = _invoice(world, _visit_of(world, "dry_needling"))
    services.invoice_void(ctx=ctx_of(world.owner_a), invoice=invoice, reason="Wrong patient")
    assert remaining(package) == 6
    assert not LedgerEntry.objects.filter(invoice=invoice).exists()


def test_a_visit_of_a_type_the_package_does_not_cover_is_charged(world: Any) -> None:
    price_codes(world)
    types = _types(world)
    services.fee_add(
        ctx=ctx_of(world.owner_a),
        clinic=world.clinic_a,
        amount_minor=12000,
        effective_from=FEE_FROM,
        appointment_type=types["initial_evaluation"],
    )
    package = _sell(world)
    invoice = _invoice(world, _visit_of(world, "initial_evaluation", signed_session_a(world)))
    assert invoice_totals(invoice).total > 12000
    assert remaining(package) == 6


def test_an_expired_or_used_up_package_covers_nothing(world: Any) -> None:
    package = _sell(world, sessions=1, days=0)
    today = clock.today_in(world.clinic_a.zone)
    kind = _types(world)["dry_needling"].pk
    assert package_to_draw(patient=world.patient_a, appointment_type_id=kind, on=today) == package
    tomorrow = today + dt.timedelta(days=1)
    assert package_to_draw(patient=world.patient_a, appointment_type_id=kind, on=tomorrow) is None
    _invoice(world, _visit_of(world, "dry_needling"))
    assert remaining(package) == 0
    assert package_to_draw(patient=world.patient_a, appointment_type_id=kind, on=today) is None


def test_unused_visits_are_refunded_pro_rata_as_a_credit_once(world: Any) -> None:
    package = _sell(world)
    _invoice(world, _visit_of(world, "dry_needling"))
    _invoice(world, _visit_of(world, "dry_needling"))
    credit = package_sales.package_refund_unused(ctx=ctx_of(world.frontdesk_a), package=package)
    assert credit.kind == EntryKind.ADJUSTMENT and credit.amount_minor == -36000  # 4 of 6
    assert patient_balance(world.patient_a) == PRICE - 36000
    again = package_sales.package_refund_unused(ctx=ctx_of(world.frontdesk_a), package=package)
    assert again.pk == credit.pk
    package.refresh_from_db()
    assert remaining(package) == 0
    with pytest.raises(Refused):
        services.invoice_void(ctx=ctx_of(world.owner_a), invoice=package.sale_invoice, reason="x")


def test_an_expired_package_refunds_nothing(world: Any, time_machine: Any) -> None:
    package = _sell(world, days=0)
    time_machine.move_to(clock.now() + dt.timedelta(days=2))
    with pytest.raises(Refused, match="expired"):
        package_sales.package_refund_unused(ctx=ctx_of(world.frontdesk_a), package=package)


def test_the_refund_rounds_half_up_by_the_one_rule() -> None:
    assert pro_rata(1000, 1, 3) == 333
    assert pro_rata(1001, 1, 2) == 501
    assert pro_rata(54000, 4, 6) == 36000


def test_a_package_sale_refuses_hostile_input_naming_the_field(world: Any) -> None:
    types = list(_types(world).values())
    base = {
        "ctx": ctx_of(world.frontdesk_a),
        "patient": world.patient_a,
        "name": "Six",
        "sessions": 6,
        "price_minor": PRICE,
        "expires_on": clock.today_in(world.clinic_a.zone),
        "appointment_types": types,
    }
    cases = {
        "sessions": {"sessions": 0},
        "price": {"price_minor": 0},
        "expires_on": {"expires_on": clock.today_in(world.clinic_a.zone) - dt.timedelta(days=1)},
        "appointment_types": {"appointment_types": []},
        "name": {"name": "   "},
    }
    for field, change in cases.items():
        with pytest.raises(Invalid) as refused:
            package_sales.package_sell(**{**base, **change, "idempotency_key": key()})
        assert field in refused.value.fields
    assert not Package.objects.exists()


def test_the_desk_sells_a_package_from_the_account_page_once(world: Any) -> None:
    types = _types(world)
    url = reverse("billing:package_sell", kwargs={"patient_id": world.patient_a.public_id})
    form = {
        f"package-{name}": value
        for name, value in {
            "idempotency_key": uuid.uuid4().hex,
            "name": "6 dry-needling visits",
            "sessions": "6",
            "amount": "540.00",
            "expires_on": (clock.today_in(world.clinic_a.zone) + dt.timedelta(days=90)).isoformat(),
            "appointment_types": [str(types["dry_needling"].pk)],
        }.items()
    }
    desk = client_for(world.frontdesk_a)
    assert desk.post(url, form).status_code == 302
    assert desk.post(url, form).status_code == 302  # a double click sells once
    assert Package.objects.count() == 1
    page = desk.get(reverse("billing:account", kwargs={"patient_id": world.patient_a.public_id}))
    assert "6 of 6" in page.content.decode()
    bad = desk.post(
        url,
        {**form, "package-idempotency_key": uuid.uuid4().hex, "package-sessions": "-1"},
        follow=True,
    )
    assert "Visits:" in bad.content.decode() and Package.objects.count() == 1


def test_only_the_desk_of_the_patients_clinic_sells_or_refunds(world: Any) -> None:
    package = _sell(world)
    sell = reverse("billing:package_sell", kwargs={"patient_id": world.patient_a.public_id})
    refund = reverse(
        "billing:package_refund",
        kwargs={"patient_id": world.patient_a.public_id, "package_id": package.public_id},
    )
    assert client_for(world.frontdesk_b).post(refund).status_code == 404
    assert client_for(world.frontdesk_b).post(sell, {}).status_code == 404
    assert client_for(world.clinician_a).post(refund).status_code == 403
    assert package.refund_entry_id is None


def test_the_patient_sees_their_package_balance_without_ids(world: Any) -> None:
    package = _sell(world)
    _invoice(world, _visit_of(world, "dry_needling"))
    page = client_for(world.portal_user_a).get(reverse("portal_billing:home")).content.decode()
    assert "6 dry-needling visits" in page and "5 of 6 visits left" in page
    assert str(package.public_id) not in page and str(world.patient_a.public_id) not in page
    assert [b.left for b in packages_of(world.patient_a)] == [5]
