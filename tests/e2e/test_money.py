"""The money path in real Chromium: a clinician's signed session is invoiced by the desk, paid in
part, its receipt PDF reads back with the amount, and the owner's close-out shows the payment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.billing.conftest import CODE_FEES, price_codes, signed_session_a
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def signed(transactional_db: None, world: World) -> Any:
    """Clinic A's code fees and a session clinician A signed (before the browser's loop)."""
    price_codes(world)
    return signed_session_a(world)


def _money(minor: int) -> str:
    return f"${minor // 100:,}.{minor % 100:02d}"


def test_the_desk_invoices_a_signed_session_takes_part_and_the_day_shows_it(
    signed: Any, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    base = live_server.url
    total = sum(CODE_FEES[c["code"]] * c["units"] for c in signed.billing["codes"])
    sign_in(page, base, "frontdesk_a", PASSWORD)
    page.goto(f"{base}/billing/patients/{world.patient_a.public_id}/")
    page.get_by_role("button", name="Draft invoice").click()
    page.get_by_role("button", name="Issue invoice").click()
    expect(page.get_by_role("heading", name="Invoice 000001")).to_be_visible()
    page.get_by_role("link", name=f"Account of {world.patient_a.full_name}").click()

    page.get_by_label("Amount").first.fill("40.00")
    page.get_by_label("Method").select_option(label="Cash")
    page.get_by_label("For invoice").select_option(label="Invoice 000001")
    page.get_by_role("button", name="Record payment").click()
    expect(page.get_by_text("Payment recorded.")).to_be_visible()
    expect(page.locator(".billing-balance")).to_contain_text(_money(total - 4000))
    shoot("account-after-part-payment")
    with page.expect_download() as download:
        page.get_by_role("link", name="Receipt (PDF)").click()
    receipt = Path(download.value.path())
    text = " ".join(p.extract_text() for p in PdfReader(receipt).pages)
    assert "$40.00" in text and "Cash" in text and "000001" in text

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, "owner_a", PASSWORD)
    page.goto(f"{base}/billing/takings/")
    cash = page.get_by_role("row", name="Cash").first
    expect(cash).to_contain_text("$40.00")
    expect(page.get_by_role("row", name="Total")).to_contain_text("$40.00")
    shoot("close-out")
