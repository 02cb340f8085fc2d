"""A patient sends the medical history and signs consent in the portal; the clinician screens it.

Real Chromium: the conditional intake question is revealed by taut.js, the signature is drawn
with the mouse on the signature pad's canvas, and the signed PDF is downloaded and read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from taut.consent.models import Consent
from taut.screening.selectors import intake_latest
from tests.conftest import PASSWORD, World, publish_consent_document
from tests.e2e.conftest import serious_accessibility_violations, sign_in

pytestmark = pytest.mark.e2e

CONSENT_LIST = "/portal/consent/"


def draw_signature(page: Any) -> None:
    """Draw three strokes across the signature pad with the mouse."""
    pad = page.locator("canvas.signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    left, top, width, height = box["x"], box["y"], box["width"], box["height"]
    strokes = [
        [(0.08 + 0.02 * i, 0.55 + (0.15 if i % 2 else -0.15)) for i in range(12)],
        [(0.40 + 0.015 * i, 0.30 + 0.03 * i) for i in range(14)],
        [(0.65 + 0.02 * i, 0.70 - 0.02 * i) for i in range(12)],
    ]
    for stroke in strokes:
        x, y = stroke[0]
        page.mouse.move(left + x * width, top + y * height)
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(left + x * width, top + y * height, steps=2)
        page.mouse.up()


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_a_patient_sends_history_and_signs_consent_and_the_clinician_screens_it(
    transactional_db: None,
    world: World,
    live_server: Any,
    page: Any,
    shoot: Any,
    tmp_path: Path,
) -> None:
    publish_consent_document(world.clinic_a, world.owner_a)
    base = live_server.url
    a11y: dict[str, list[str]] = {}

    # --- the patient signs in and lands on the portal -------------------------------------------
    sign_in(page, base, "portal_a", PASSWORD)
    page.wait_for_url(f"{base}/portal/")
    expect(page.get_by_role("heading", name="Hello, Ada")).to_be_visible()
    shoot("portal-home")

    # --- medical history, with the conditional trimester question -------------------------------
    page.get_by_role("link", name="Fill in your medical history").click()
    page.wait_for_url(f"{base}/portal/intake/")
    trimester = page.get_by_label("Which trimester are you in (1, 2 or 3)?")
    expect(trimester).to_be_hidden()
    pregnant = page.get_by_role("group", name="Are you pregnant, or might you be?")
    pregnant.get_by_label("Yes").check()
    expect(trimester).to_be_visible()
    trimester.fill("2")
    page.get_by_role("group", name=re.compile(r"^Do you take blood thinners")).get_by_label(
        "Yes"
    ).check()
    lymphoedema = page.get_by_role("group", name=re.compile(r"^Do you have lymphoedema"))
    lymphoedema.locator("summary", has_text="Upper Arm").click()  # ticked, not Ctrl-clicked
    lymphoedema.get_by_label(
        "front of the upper arm over biceps, with the crease of the elbow (left)"
    ).check()
    shoot("intake-answered")
    a11y["portal intake"] = serious_accessibility_violations(page)
    page.get_by_role("button", name="Send to the clinic").click()
    page.wait_for_url(f"{base}/portal/")
    expect(page.get_by_text("Thank you: your medical history is with the clinic.")).to_be_visible()
    shoot("intake-sent")
    facts = intake_latest(patient=world.patient_a).facts
    answered = ("pregnant", "pregnancy_trimester", "anticoagulant", "lymphoedema_regions")
    assert {k: facts.get(k) for k in answered} == {
        "pregnant": True,
        "pregnancy_trimester": 2,
        "anticoagulant": True,
        "lymphoedema_regions": ["arm_anterior_l"],
    }

    # --- consent: read the document ------------------------------------------------------------
    page.goto(f"{base}{CONSENT_LIST}")
    expect(page.get_by_text("No consent signed yet.")).to_be_visible()
    page.get_by_role("link", name="Sign dry needling consent").click()
    page.wait_for_url(f"{base}/portal/consent/sign/general/")
    expect(page.locator(".consent-document")).to_contain_text("version 1")
    expect(page.locator(".risk-summary").first).to_contain_text("about 8 in 100 treatments")
    page.locator("details.appendix > summary").click()
    risk_table = page.get_by_role(
        "table", name="Side effects per treatment, visit or person in published studies"
    )
    expect(risk_table.get_by_role("columnheader", name="Brady et al. 2014 [1]")).to_be_visible()
    expect(risk_table).to_contain_text("7,629")
    shoot("sign-page")
    a11y["signing page"] = serious_accessibility_violations(page)

    # --- negative: no drawn signature is refused and nothing is stored --------------------------
    page.get_by_label("Type your full name").fill("Ada Lovelace")
    page.get_by_label(re.compile(r"^I have read this document")).check()
    page.get_by_role("button", name="Sign consent").click()
    signature_field = page.locator(".field", has=page.locator("canvas.signature-pad"))
    expect(signature_field.locator(".errorlist")).to_have_text(
        "Please draw your signature in the box."
    )
    assert Consent.objects.count() == 0
    shoot("sign-refused-without-signature")

    # --- sign: typed name, drawn signature, agreement ------------------------------------------
    page.get_by_label("Type your full name").fill("Ada Lovelace")
    draw_signature(page)
    assert page.locator("#id_signature").input_value().startswith("[[")
    agree = page.get_by_label(re.compile(r"^I have read this document"))
    agree.check()
    shoot("sign-drawn")
    page.get_by_role("button", name="Sign consent").click()
    page.wait_for_url(f"{base}{CONSENT_LIST}")
    expect(
        page.get_by_text("Thank you: the consent is signed and a copy is stored.")
    ).to_be_visible()
    signed_row = page.get_by_role("row", name=re.compile(r"Consent to dry needling v1"))
    expect(signed_row).to_contain_text("In force")
    expect(signed_row).to_contain_text("Ada Lovelace")
    assert Consent.objects.filter(patient=world.patient_a).count() == 1
    shoot("consent-in-force")

    with page.expect_download() as download_info:
        signed_row.get_by_role("link", name="PDF").click()
    pdf_path = tmp_path / "consent.pdf"
    download_info.value.save_as(pdf_path)
    text = pdf_text(pdf_path)
    assert "version 1" in text
    assert "7,629" in text  # Brady 2014's denominator, as shown on the page
    assert "Ada Lovelace" in text

    # --- the clinician signs in after the patient signs out, and screens the intake ------------
    page.get_by_role("button", name="Sign out").click()
    patient_url = f"{base}/patients/{world.patient_a.public_id}/"
    sign_in(page, base, "clinician_a", PASSWORD)
    page.wait_for_url(f"{base}/schedule/")  # a clinician lands on today's schedule
    page.goto(patient_url)
    screening_item = page.get_by_role("listitem").filter(has_text="Screening:")
    screening_item.get_by_role("link", name="open").click()
    page.wait_for_url(f"{patient_url}screening/")
    expect(page.get_by_text("Not screened yet.")).to_be_visible()
    shoot("screening-not-yet")
    page.get_by_role("button", name="Screen intake version 1 now").click()

    for title in (
        "Contraindicated — no needling",
        "Precautions — acknowledge before needling",
        "Limits — these regions or techniques are refused",
    ):
        expect(page.get_by_role("heading", name=title, level=2)).to_be_visible()
    precautions = page.locator("section.finding-precaution")

    def precaution(heading: str) -> Any:
        return precautions.locator("article.finding").filter(
            has=page.get_by_role("heading", name=re.compile(heading))
        )

    pregnancy = precaution(r"^Pregnant: record the trimester")
    expect(pregnancy.locator(".source")).to_contain_text("Goldfields")
    expect(pregnancy.locator(".source .badge")).to_have_text("secondary")
    anticoagulant = precaution(r"^Antithrombotic drugs")
    expect(anticoagulant.locator(".source")).to_contain_text("Pain Res Manag")
    expect(anticoagulant.locator(".source .badge")).to_have_text("verified")
    limits = page.locator("section.finding-limit")
    expect(limits).to_contain_text("Lymphoedema")
    expect(limits).to_contain_text("Pregnant: no needling of the abdomen")

    gate = page.locator("section.gate")
    expect(gate.get_by_role("heading", name="Not ready to needle")).to_be_visible()
    expect(gate).to_contain_text("Precautions not acknowledged")
    shoot("screening-findings")
    a11y["screening page"] = serious_accessibility_violations(page)

    note = "Avoid deep non-compressible muscles; compress each site for a minute."
    anticoagulant.get_by_label(re.compile(r"^How will you manage this")).fill(note)
    anticoagulant.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Precaution acknowledged.")).to_be_visible()
    acknowledged = precaution(r"^Antithrombotic drugs")
    expect(acknowledged).to_contain_text("Acknowledged by")
    expect(acknowledged).to_contain_text(note)
    expect(acknowledged.get_by_role("button", name="Acknowledge")).to_have_count(0)
    # The pregnancy precautions are still unacknowledged, so the gate stays shut.
    expect(gate.get_by_role("heading", name="Not ready to needle")).to_be_visible()
    shoot("precaution-acknowledged")

    assert a11y == {name: [] for name in a11y}, f"serious accessibility violations: {a11y}"


def test_a_patient_of_another_clinic_is_never_offered_clinic_a_consent(
    transactional_db: None, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    publish_consent_document(world.clinic_a, world.owner_a)
    sign_in(page, live_server.url, "portal_b", PASSWORD)
    page.wait_for_url(f"{live_server.url}/portal/")
    page.goto(f"{live_server.url}{CONSENT_LIST}")
    standing = page.get_by_role("row", name=re.compile(r"^Dry needling\b"))
    expect(standing).to_contain_text("not offered by the clinic")
    expect(page.get_by_role("link", name=re.compile(r"^Sign .* consent$"))).to_have_count(0)
    expect(page.get_by_text("Consent to dry needling")).to_have_count(0)
    shoot("clinic-b-consent")

    page.goto(f"{live_server.url}/portal/consent/sign/general/")
    page.wait_for_url(f"{live_server.url}{CONSENT_LIST}")
    expect(
        page.get_by_text("The clinic has not published this consent document yet.")
    ).to_be_visible()
    expect(page.locator("canvas.signature-pad")).to_have_count(0)
    shoot("clinic-b-sign-refused")
