"""A new patient reads the clinic's education pages in real Chromium, then heads for booking;
the owner rewrites a topic with a preview first."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import PASSWORD, World
from tests.e2e.conftest import serious_accessibility_violations, sign_in

pytestmark = pytest.mark.e2e


def test_an_anonymous_visitor_reads_the_index_and_the_risks_page_then_books(
    transactional_db: None, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    world.clinic_a.address = "12 High Street\nDenver, CO 80202"
    world.clinic_a.phone = "(303) 555-0100"
    world.clinic_a.save()
    base = live_server.url
    page.goto(f"{base}/learn/a/")
    expect(page.get_by_role("heading", level=1)).to_have_text("About dry needling at Clinic A")
    expect(page.locator(".education-clinic").get_by_text("12 High Street")).to_be_visible()
    footer = page.get_by_role("contentinfo")  # every public page carries the clinic's contact
    expect(footer).to_contain_text("Clinic A")
    expect(footer).to_contain_text("(303) 555-0100")
    assert serious_accessibility_violations(page) == []
    shoot("education-index")

    page.get_by_role("link", name="Risks, and how often they happen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risks, and how often they happen")
    table = page.locator("table.education-rate-table").first
    expect(table).to_contain_text("7,629 treatments")
    page.locator('a[href="#source-Brady14"]').first.click()
    expect(page.locator("#source-Brady14")).to_contain_text("Brady")
    assert serious_accessibility_violations(page) == []
    shoot("education-risks")

    booking = reverse("booking:start", kwargs={"clinic_slug": "a"})
    page.get_by_role("link", name="Book an appointment").first.click()
    page.wait_for_url(f"{base}{booking}")


def test_the_owner_previews_and_saves_the_clinics_prices(
    transactional_db: None, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    base = live_server.url
    sign_in(page, base, "owner_a", PASSWORD)
    page.wait_for_url(f"{base}/patients/")
    page.get_by_role("link", name="Education pages").click()
    page.get_by_role("link", name="Cost and insurance").click()
    expect(page.get_by_text("This page is yours to write")).to_be_visible()
    page.get_by_label("Page text").fill(
        "## Our prices\n\nPlease ask at the desk.\n\n- Cards accepted\n- Receipts for insurers"
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview (not saved yet)")).to_be_visible()
    expect(page.locator(".education-preview li").first).to_have_text("Cards accepted")
    assert serious_accessibility_violations(page) == []
    shoot("education-preview")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("it is shown on your pages", exact=False)).to_be_visible()
    assert serious_accessibility_violations(page) == []

    page.goto(f"{base}/learn/a/cost-and-insurance/")
    expect(page.get_by_role("heading", name="Our prices")).to_be_visible()
    shoot("education-own-prices")
