"""The owner rewords one section of the consent; the patient is asked to sign the new version.

Real Chromium: the owner edits "About this treatment" from the document page, which publishes
version 2; the patient, who signed version 1, finds the new wording in the portal and signs it,
while the copy of version 1 stays as it was signed.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from taut.consent.models import Consent
from tests.conftest import PASSWORD, World, publish_consent_document, sign_consent
from tests.e2e.conftest import serious_accessibility_violations, sign_in
from tests.e2e.test_intake_consent import draw_signature

pytestmark = pytest.mark.e2e

NEW_INTRO = "At our clinic dry needling is one part of a plan of exercise and hands-on care."


def test_the_owner_edits_a_consent_section_and_the_patient_signs_the_new_version(
    transactional_db: None, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    first = publish_consent_document(world.clinic_a, world.owner_a)
    signed_first = sign_consent(world.patient_a, first, world.frontdesk_a)
    first_pdf = bytes(signed_first.pdf)
    base = live_server.url

    # --- the owner opens the current version and edits one section -----------------------------
    sign_in(page, base, "owner_a", PASSWORD)
    page.goto(f"{base}/consent/documents/")
    page.get_by_role("link", name="Consent to dry needling").first.click()
    expect(page.get_by_text("This is the current version.")).to_be_visible()
    page.get_by_role("link", name="Edit “About this treatment”").click()
    expect(page.get_by_role("heading", name="Edit “About this treatment”", level=1)).to_be_visible()
    field = page.get_by_label("About this treatment")
    expect(field).to_have_value(first.introduction)
    field.fill(NEW_INTRO)
    page.get_by_label("Patients who signed an earlier version must sign again").check()
    assert serious_accessibility_violations(page) == []
    shoot("owner-edits-section")
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_text(re.compile(r"version 2 is published"))).to_be_visible()
    expect(page.locator(".consent-document")).to_contain_text(NEW_INTRO)
    shoot("version-2-published")
    page.get_by_role("button", name="Sign out").click()

    # --- the patient is asked to sign the new version, and signs it -----------------------------
    sign_in(page, base, "portal_a", PASSWORD)
    page.wait_for_url(f"{base}/portal/")
    expect(page.get_by_text(re.compile("please sign the new version"))).to_be_visible()
    page.goto(f"{base}/portal/consent/")
    expect(page.get_by_text("A new version must be signed")).to_be_visible()
    page.get_by_role("link", name="Sign dry needling consent").click()
    document = page.locator(".consent-document")
    expect(document).to_contain_text("version 2")
    expect(document).to_contain_text(NEW_INTRO)
    expect(document).not_to_contain_text(first.introduction)
    page.get_by_label("Type your full name").fill("Ada Lovelace")
    draw_signature(page)
    page.get_by_label(re.compile(r"^I have read this document")).check()
    shoot("patient-signs-version-2")
    page.get_by_role("button", name="Sign consent").click()
    expect(
        page.get_by_text("Thank you: the consent is signed and a copy is stored.")
    ).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"Consent to dry needling v2"))).to_contain_text(
        "In force"
    )
    shoot("version-2-in-force")

    versions = sorted(
        Consent.objects.filter(patient=world.patient_a).values_list("document__version", flat=True)
    )
    assert versions == [1, 2]
    signed_first.refresh_from_db()
    assert bytes(signed_first.pdf) == first_pdf
