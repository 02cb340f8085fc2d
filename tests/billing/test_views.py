"""The desk's money pages: roles, double submits, hostile input, PDFs that read back."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from taut.billing.models import EntryKind, InvoiceStatus, LedgerEntry
from taut.billing.selectors import patient_balance
from taut.clinics.roles import Role
from tests.billing.conftest import issued_invoice_a, key, payment_a, price_codes, signed_session_a
from tests.conftest import client_for


def _pdf_text(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def _account(world: Any) -> str:
    return reverse("billing:account", kwargs={"patient_id": world.patient_a.public_id})


def _pay_url(world: Any) -> str:
    return reverse("billing:payment", kwargs={"patient_id": world.patient_a.public_id})


def _payment_post(**extra: str) -> dict[str, str]:
    return {
        "amount": "45.00",
        "method": "cash",
        "currency": "USD",
        "idempotency_key": key(),
        "invoice": "",
        "reference": "",
        **extra,
    }


@pytest.mark.parametrize("role", list(Role))
def test_every_role_sees_the_balance(world: Any, role: Role) -> None:
    payment_a(world, 1234)
    response = client_for(world.staff("a", role)).get(_account(world))
    assert response.status_code == 200
    assert "$12.34" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "allowed"), [("front_desk", True), ("owner", True), ("clinician", False)]
)
def test_the_desk_and_the_owner_record_payments_and_the_clinician_cannot(
    world: Any, role: str, allowed: bool
) -> None:
    response = client_for(world.staff("a", Role(role))).post(_pay_url(world), _payment_post())
    assert response.status_code == (302 if allowed else 403)
    assert patient_balance(world.patient_a) == (-4500 if allowed else 0)


def test_a_double_click_on_record_payment_pays_once(world: Any) -> None:
    client = client_for(world.frontdesk_a)
    data = _payment_post(amount="60")
    client.post(_pay_url(world), data)
    client.post(_pay_url(world), data)
    assert LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1
    assert patient_balance(world.patient_a) == -6000


def test_the_account_page_draws_a_fresh_key_each_time(world: Any) -> None:
    client = client_for(world.frontdesk_a)
    first = client.get(_account(world)).context["payment_form"].initial["idempotency_key"]
    second = client.get(_account(world)).context["payment_form"].initial["idempotency_key"]
    assert first != second


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("amount", "-45", "more than zero"),
        ("amount", "0", "more than zero"),
        ("amount", "99999999999", "larger than"),
        ("amount", "forty", "as a number"),
        ("amount", "1e5", "as a number"),
        ("currency", "EUR", "takes USD"),
        ("method", "bitcoin", "valid choice"),
        ("invoice", "not-an-invoice", "valid choice"),
        ("idempotency_key", "", "required"),
    ],
)
def test_hostile_payments_are_refused_with_the_field_named(
    world: Any, field: str, value: str, says: str
) -> None:
    client = client_for(world.frontdesk_a)
    response = client.post(_pay_url(world), _payment_post(**{field: value}), follow=True)
    shown = " ".join(str(m) for m in response.context["messages"])
    assert says in shown
    assert not LedgerEntry.objects.exists()


def test_a_refund_above_what_was_paid_is_refused_and_a_fair_one_is_taken(world: Any) -> None:
    payment = payment_a(world, 5000)
    url = reverse(
        "billing:refund",
        kwargs={"patient_id": world.patient_a.public_id, "ledger_entry_id": payment.public_id},
    )
    client = client_for(world.frontdesk_a)
    for hostile in ("50.01", "-1", "abc", "1" * 40):
        response = client.post(url, {"amount": hostile, "idempotency_key": key()}, follow=True)
        assert any("mount" in str(m) for m in response.context["messages"]), hostile
    assert patient_balance(world.patient_a) == -5000
    client.post(url, {"amount": "20", "idempotency_key": key(), "memo": "Partly unused"})
    assert patient_balance(world.patient_a) == -3000


def test_only_the_owner_reverses_entries(world: Any) -> None:
    payment = payment_a(world, 5000)
    url = reverse(
        "billing:reverse",
        kwargs={"patient_id": world.patient_a.public_id, "ledger_entry_id": payment.public_id},
    )
    data = {"reason": "Entered twice", "idempotency_key": key()}
    assert client_for(world.frontdesk_a).post(url, data).status_code == 403
    assert client_for(world.owner_a).post(url, data).status_code == 302
    assert patient_balance(world.patient_a) == 0


def test_the_desk_invoices_a_signed_session_and_issues_it(world: Any) -> None:
    price_codes(world)
    session = signed_session_a(world)
    client = client_for(world.frontdesk_a)
    draft_url = reverse(
        "billing:invoice_draft",
        kwargs={"patient_id": world.patient_a.public_id, "session_id": session.public_id},
    )
    response = client.post(draft_url, {"idempotency_key": key()})
    assert response.status_code == 302
    page = client.get(response["Location"])
    invoice = page.context["invoice"]
    assert invoice.status == InvoiceStatus.DRAFT
    issue_url = reverse(
        "billing:invoice_issue",
        kwargs={"patient_id": world.patient_a.public_id, "invoice_id": invoice.public_id},
    )
    client.post(issue_url)
    invoice.refresh_from_db()
    assert invoice.number == 1 and patient_balance(world.patient_a) > 0


def test_only_the_owner_voids_and_a_reason_is_needed(world: Any) -> None:
    invoice = issued_invoice_a(world)
    url = reverse(
        "billing:invoice_void",
        kwargs={"patient_id": world.patient_a.public_id, "invoice_id": invoice.public_id},
    )
    assert (
        client_for(world.frontdesk_a)
        .post(url, {"reason": "x", "idempotency_key": key()})
        .status_code
        == 403
    )
    owner = client_for(world.owner_a)
    owner.post(url, {"reason": "", "idempotency_key": key()})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED
    owner.post(url, {"reason": "Billed the wrong patient", "idempotency_key": key()})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.VOID


def test_the_invoice_pdf_reads_back_with_codes_amounts_and_letterhead(world: Any) -> None:
    invoice = issued_invoice_a(world)
    payment_a(world, 2500, invoice)
    url = reverse(
        "billing:invoice_pdf",
        kwargs={"patient_id": world.patient_a.public_id, "invoice_id": invoice.public_id},
    )
    text = _pdf_text(client_for(world.clinician_a).get(url))
    code = invoice.lines.first().code  # type: ignore[union-attr]
    assert world.clinic_a.name in text and "Invoice 000001" in text
    assert "Ada Lovelace" in text and code in text and "$25.00" in text
    assert str(invoice.public_id) not in text and str(world.patient_a.public_id) not in text


def test_the_receipt_pdf_reads_back_in_the_clinic_zone(world: Any, clinic_clock: Any) -> None:
    payment = payment_a(world, 4550)
    url = reverse(
        "billing:receipt_pdf",
        kwargs={"patient_id": world.patient_a.public_id, "ledger_entry_id": payment.public_id},
    )
    text = _pdf_text(client_for(world.frontdesk_a).get(url))
    assert "Receipt" in text and "$45.50" in text and "Cash" in text
    assert "08:00 MST" in text  # CLINIC_NOW, read in Denver
    assert str(payment.public_id) not in text


def test_billing_setup_is_the_owners_and_refuses_hostile_fees(world: Any) -> None:
    url = reverse("billing:setup")
    assert client_for(world.frontdesk_a).get(url).status_code == 403
    owner = client_for(world.owner_a)
    assert owner.get(url).status_code == 200
    base = {"action": "fee", "target": "code:20560", "effective_from": "2026-01-01"}
    for amount in ("-5", "abc", "100000000000"):
        response = owner.post(url, {**base, "amount": amount})
        assert response.status_code == 422 and response.context["fee_form"].errors["amount"]
    assert owner.post(url, {**base, "amount": "65"}).status_code == 302
    bad_rate = owner.post(url, {"action": "settings", "currency": "GBP", "tax_rate": "120"})
    assert bad_rate.status_code == 422 and bad_rate.context["settings_form"].errors["tax_rate"]
    wrong_currency = owner.post(url, {"action": "settings", "currency": "XYZ", "tax_rate": "5"})
    assert wrong_currency.context["settings_form"].errors["currency"]
    ok = owner.post(
        url, {"action": "settings", "currency": "GBP", "tax_label": "VAT", "tax_rate": "20"}
    )
    assert ok.status_code == 302


def test_the_patient_sees_their_balance_and_downloads_invoice_and_receipt(world: Any) -> None:
    invoice = issued_invoice_a(world)
    payment = payment_a(world, 2000, invoice)
    client = client_for(world.portal_user_a)
    page = client.get(reverse("portal_billing:home")).content.decode()
    assert "You owe" in page and "Invoice 000001" in page
    assert str(world.patient_a.public_id) not in page
    invoice_text = _pdf_text(
        client.get(reverse("portal_billing:invoice_pdf", kwargs={"invoice_id": invoice.public_id}))
    )
    assert "Invoice 000001" in invoice_text
    receipt = client.get(
        reverse("portal_billing:receipt_pdf", kwargs={"ledger_entry_id": payment.public_id})
    )
    assert "$20.00" in _pdf_text(receipt)


def test_a_patient_cannot_reach_another_patients_receipt(world: Any) -> None:
    payment = payment_a(world, 2000)
    url = reverse("portal_billing:receipt_pdf", kwargs={"ledger_entry_id": payment.public_id})
    assert client_for(world.portal_user_b).get(url).status_code == 404


def test_the_account_page_lists_signed_sessions_still_to_invoice(world: Any) -> None:
    price_codes(world)
    session = signed_session_a(world)
    client = client_for(world.frontdesk_a)
    page = client.get(_account(world))
    assert [s.pk for s in page.context["to_invoice"]] == [session.pk]
    assert "Draft invoice" in page.content.decode()
    issued_invoice_a(world)
    assert client.get(_account(world)).context["to_invoice"] == []


def test_the_patient_page_links_to_the_account(world: Any) -> None:
    detail = reverse("patients:detail", kwargs={"patient_id": world.patient_a.public_id})
    assert _account(world) in client_for(world.frontdesk_a).get(detail).content.decode()


def test_a_void_invoice_has_a_credit_note_for_staff_and_patient(world: Any) -> None:
    from taut.billing import services
    from tests.billing.conftest import ctx_of

    invoice = issued_invoice_a(world)
    kwargs = {"patient_id": world.patient_a.public_id, "invoice_id": invoice.public_id}
    staff_url = reverse("billing:credit_note_pdf", kwargs=kwargs)
    portal_url = reverse("portal_billing:credit_note_pdf", kwargs={"invoice_id": invoice.public_id})
    assert client_for(world.owner_a).get(staff_url).status_code == 404  # not void yet
    services.invoice_void(ctx=ctx_of(world.owner_a), invoice=invoice, reason="Duplicate visit")
    text = _pdf_text(client_for(world.frontdesk_a).get(staff_url))
    assert "Credit note for invoice 000001" in text and "Duplicate visit" in text
    assert str(invoice.public_id) not in text
    assert "Duplicate visit" in _pdf_text(client_for(world.portal_user_a).get(portal_url))
