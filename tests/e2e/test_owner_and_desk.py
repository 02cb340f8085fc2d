"""The owner's and the front desk's pages in real Chromium: consent documents, needle stock, the
audit log, and registering a patient with a mistake corrected."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, World
from tests.e2e.conftest import serious_accessibility_violations, sign_in

pytestmark = pytest.mark.e2e


def test_the_owner_publishes_consent_keeps_stock_and_reads_the_audit_log(
    transactional_db: None, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    base = live_server.url
    sign_in(page, base, "owner_a", PASSWORD)
    page.wait_for_url(f"{base}/patients/")

    page.get_by_role("link", name="Consent documents").click()
    page.get_by_label("Title").fill("Consent to dry needling")
    page.get_by_label("Introduction").fill("Thin solid needles into trigger points.")
    page.get_by_label("Deep trigger-point dry needling").check()
    page.get_by_label("Alternatives").fill("Exercise and manual therapy.")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("version 1", exact=False).first).to_be_visible()
    page.get_by_role("link", name="Consent to dry needling").click()
    expect(page.locator("table.risk-table")).to_contain_text("7,629")
    shoot("consent-document")

    page.get_by_role("link", name="Needle stock").click()
    page.get_by_label("Brand").fill("Seirin J")
    page.get_by_label("Gauge (mm)").fill("0.30")
    page.get_by_label("Length (mm)").fill("50")
    page.get_by_role("button", name="Add product").click()
    expect(page.get_by_text("Added Seirin J", exact=False)).to_be_visible()
    page.get_by_label("Product").select_option(label="Seirin J 0.30 × 50 mm")
    page.get_by_label("Lot number").fill("LOT-E2E")
    page.get_by_label("Expires on").fill("2030-01-31")
    page.get_by_label("Received on").fill("2026-11-01")
    page.get_by_role("button", name="Add lot").click()
    expect(page.get_by_text("Lot LOT-E2E is in stock.")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    shoot("needle-stock")

    page.get_by_role("link", name="Audit log").click()
    page.get_by_label("Action").select_option("create")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tbody")).to_contain_text("consent_document")
    assert serious_accessibility_violations(page) == []
    shoot("audit-log")


def test_the_front_desk_registers_a_patient_after_fixing_a_mistake(
    transactional_db: None, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    base = live_server.url
    sign_in(page, base, "frontdesk_a", PASSWORD)
    page.wait_for_url(f"{base}/patients/")
    page.get_by_role("link", name="Register a patient").click()
    page.get_by_label("Given name").fill("Mateo")
    page.get_by_label("Family name").fill("Delgado")
    page.get_by_label("Date of birth").fill("2999-01-01")
    page.get_by_label("Phone").fill("call me")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("The date of birth is in the future.")).to_be_visible()
    expect(page.get_by_text("Use digits, spaces, brackets", exact=False)).to_be_visible()
    shoot("errors-beside-fields")
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Date of birth").fill("1988-07-14")
    page.get_by_label("Phone").fill("(303) 555-0188")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Mateo Delgado")).to_be_visible()
    shoot("registered")
