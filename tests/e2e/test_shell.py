"""A clinician signs in, finds a patient by search and opens the patient page, in real Chromium."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, World, make_patient
from tests.e2e.conftest import serious_accessibility_violations, sign_in

pytestmark = pytest.mark.e2e


def test_a_clinician_finds_a_patient_and_opens_the_record(
    transactional_db: None, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    make_patient(world.clinic_a, "Marisol", "Delgado")
    sign_in(page, live_server.url, "clinician_a", PASSWORD)
    page.wait_for_url(f"{live_server.url}/schedule/")  # a clinician lands on today's schedule
    expect(page.get_by_role("heading", name=re.compile(r"^Schedule: "))).to_be_visible()
    shoot("today")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    page.wait_for_url(f"{live_server.url}/patients/")
    shoot("patient-list")
    assert serious_accessibility_violations(page) == []

    page.get_by_label("Search patients").fill("delg")
    results = page.locator("#results")
    expect(results).not_to_contain_text("Lovelace")  # live search narrowed without a reload
    expect(results.get_by_role("link", name="Delgado, Marisol")).to_be_visible()
    shoot("search-results")

    results.get_by_role("link", name="Delgado, Marisol").click()
    page.get_by_role("heading", name="Marisol Delgado").wait_for()
    shoot("patient-page")
    assert serious_accessibility_violations(page) == []
    assert page.get_by_role("navigation", name="Main").is_visible()


def test_the_keyboard_reaches_the_content_first(
    transactional_db: None, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    sign_in(page, live_server.url, "frontdesk_a", PASSWORD)
    page.wait_for_url(f"{live_server.url}/patients/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent")
    assert focused.strip() == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_the_sign_in_page_is_accessible_and_names_a_failure(
    transactional_db: None, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    sign_in(page, live_server.url, "clinician_a", "not-the-password")
    alert = page.get_by_role("alert")
    assert "did not match" in alert.inner_text()
    shoot("failed-sign-in")
    assert serious_accessibility_violations(page) == []
