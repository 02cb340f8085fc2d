"""A clinician charts a whole dry-needling session in real Chromium.

The pain drawing is clicked (and keyed) on the body chart, htmx refreshes the suggested muscles,
"Add to plan" fills the needling form, the entry is added without a reload and warns about the
lung, a needle count that does not reconcile refuses the signature, the fixed note is signed, an
addendum is added, and the note and aftercare PDFs are downloaded and read back.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.charting import conftest as charting
from tests.charting.conftest import Ready
from tests.conftest import PASSWORD, World
from tests.e2e.conftest import serious_accessibility_violations, sign_in

pytestmark = pytest.mark.e2e

ready = charting.ready  # the charting suite's fixture: screened, consented, needles and a profile

SUBJECTIVE = "Left-sided headache behind the eye for three weeks, worse at the desk."
ADDENDUM = "Patient phoned the next day: headache eased, soreness settled by evening."


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def download(page: Any, link_name: str, target: Path) -> str:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    download_info.value.save_as(target)
    return pdf_text(target)


def test_a_clinician_charts_counts_signs_and_downloads_the_note_and_aftercare(
    transactional_db: None,
    world: World,
    ready: Ready,
    live_server: Any,
    page: Any,
    shoot: Any,
    tmp_path: Path,
) -> None:
    base = live_server.url

    a11y: dict[str, list[str]] = {}

    # --- 1. sign in, open the patient, start a session -----------------------------------------
    sign_in(page, base, "clinician_a", PASSWORD)
    page.wait_for_url(f"{base}/schedule/")  # a clinician lands on today's schedule
    patient_url = f"{base}/patients/{world.patient_a.public_id}/"
    page.goto(patient_url)
    expect(page.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
    shoot("patient-page")
    page.get_by_role("button", name="Start a treatment session").click()
    page.wait_for_url(re.compile(rf"/chart/{world.patient_a.public_id}/sessions/[0-9a-f-]{{36}}/$"))
    session_url = page.url
    expect(page.get_by_role("heading", name="Treatment session: Ada Lovelace")).to_be_visible()
    shoot("session-started")

    # --- 2. draw pain: click two regions, key a third -------------------------------------------
    suggestions = page.locator("#suggestions")
    expect(suggestions).to_contain_text("Mark the painful areas")
    for region in ("temple_l", "neck_posterior_l"):
        path = page.locator(f'path[data-region="{region}"]')
        path.click()
        expect(path).to_have_attribute("aria-checked", "true")
        expect(page.locator(f'input[name="pain_regions"][value="{region}"]')).to_be_checked()
    expect(suggestions.locator("ol.suggestions")).to_contain_text("Upper trapezius (left)")

    occiput = page.locator('path[data-region="occiput_l"]')
    occiput.focus()
    page.keyboard.press("Enter")
    expect(occiput).to_have_attribute("aria-checked", "true")
    expect(page.locator('input[name="pain_regions"][value="occiput_l"]')).to_be_checked()
    expect(page.locator("[data-bodychart-status]")).to_contain_text("added")
    expect(suggestions.locator("ol.suggestions")).to_contain_text("Upper trapezius (left)")
    shoot("pain-drawn")

    # --- 3. save the drawing with a subjective note ---------------------------------------------
    page.get_by_label("Subjective: what the patient reports").fill(SUBJECTIVE)
    page.get_by_role("button", name="Save the drawing and notes").click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    assert page.url == session_url
    for region in ("temple_l", "neck_posterior_l", "occiput_l"):
        expect(page.locator(f'path[data-region="{region}"]')).to_have_attribute(
            "aria-checked", "true"
        )
    expect(page.get_by_label("Subjective: what the patient reports")).to_have_value(SUBJECTIVE)
    shoot("drawing-saved")

    # --- 4. accept a suggestion ------------------------------------------------------------------
    trapezius = page.locator("ol.suggestions > li").filter(has_text="Upper trapezius (left)")
    trapezius.get_by_role("button", name="Add to plan").click()
    entry_form = page.locator("#entry-form")
    expect(entry_form.get_by_label("Muscle")).to_have_value("upper_trapezius")
    expect(entry_form.get_by_label("Side")).to_have_value("l")
    expect(entry_form.get_by_label("Needles in")).to_be_focused()
    shoot("suggestion-accepted")

    # --- 5. add the needling entry: htmx swap, lung warning --------------------------------------
    entry_form.get_by_label("Technique").select_option("deep")
    lot_select = page.locator("#id_lot_id")
    lot_label = lot_select.locator("option", has_text="L2026A").inner_text()
    lot_select.select_option(label=lot_label)
    entry_form.get_by_label("Needles in").fill("2")
    entry_form.get_by_label("Insertions").fill("3")
    entry_form.get_by_label("Local twitch response").select_option(label="Some")
    # A marker on the window survives an htmx swap but not a page load.
    page.evaluate("() => { window.tautNoReload = true; }")
    page.get_by_role("button", name="Add entry").click()

    needling = page.locator("#needling")
    row = needling.locator("tbody tr").filter(has_text="Upper trapezius (left)")
    expect(row).to_be_visible()
    expect(row).to_contain_text("L2026A")
    assert page.url == session_url
    assert page.evaluate("() => window.tautNoReload === true"), "the page reloaded"
    warning = needling.locator(".warnings li").filter(has_text=re.compile(r"lung|pleura", re.I))
    expect(warning.first).to_be_visible()
    expect(warning.first).to_contain_text("Source:")
    assert warning.first.locator(".muted", has_text="Source:").inner_text().strip() != "Source:"
    shoot("entry-added-with-lung-warning")

    # --- 6. a wrong count refuses the signature --------------------------------------------------
    row.get_by_label("Needles out, Upper trapezius (left)").fill("1")
    row.get_by_role("button", name="Count").click()
    # The message changes from "not counted" only once htmx has swapped the section in.
    expect(page.locator("#needling .count-messages")).to_contain_text(
        re.compile(r"upper trapezius \(left\): 2 in, 1 out", re.I)
    )
    row = page.locator("#needling tbody tr").filter(has_text="Upper trapezius (left)")
    expect(row).to_have_class(re.compile(r"\bcount-off\b"))
    expect(row.get_by_label("Needles out, Upper trapezius (left)")).to_have_value("1")
    expect(page.locator("#needling tfoot")).to_contain_text("count not reconciled")
    shoot("count-off")

    page.get_by_role("button", name="Sign the note").click()
    refusal = page.locator(".message-error")
    expect(refusal).to_contain_text("Not signed.")
    expect(refusal).to_contain_text(re.compile(r"upper trapezius \(left\): 2 in, 1 out", re.I))
    expect(page.get_by_role("heading", name="Signed note")).to_have_count(0)
    shoot("signing-refused")

    # --- 7. fix the count and sign ---------------------------------------------------------------
    row = page.locator("#needling tbody tr").filter(has_text="Upper trapezius (left)")
    row.get_by_label("Needles out, Upper trapezius (left)").fill("2")
    row.get_by_role("button", name="Count").click()
    row = page.locator("#needling tbody tr").filter(has_text="Upper trapezius (left)")
    expect(row).not_to_have_class(re.compile(r"\bcount-off\b"))
    expect(page.locator("#needling tfoot")).not_to_contain_text("count not reconciled")
    shoot("count-fixed")
    a11y["session page before signing"] = serious_accessibility_violations(page)

    page.get_by_role("button", name="Sign the note").click()
    expect(page.get_by_role("heading", name="Signed note")).to_be_visible()
    note = page.locator("article.soap-note")
    expect(note).to_contain_text("CPT 20560")
    expect(note).to_contain_text("Upper trapezius (left)")
    expect(note).to_contain_text(SUBJECTIVE)
    expect(page.get_by_role("button", name="Sign the note")).to_have_count(0)
    shoot("signed")

    # --- 8. an addendum --------------------------------------------------------------------------
    page.get_by_label("Addendum").fill(ADDENDUM)
    page.get_by_role("button", name="Add addendum").click()
    expect(page.get_by_text("Addendum added.")).to_be_visible()
    addenda = page.locator("section", has=page.get_by_role("heading", name="Addenda"))
    expect(addenda).to_contain_text(ADDENDUM)
    shoot("addendum-added")
    a11y["signed note page"] = serious_accessibility_violations(page)

    # --- 9. download the note and the aftercare sheet and read them back -------------------------
    note_text = download(page, "Note (PDF)", tmp_path / "note.pdf")
    assert "Upper trapezius (left)" in note_text
    assert "L2026A" in note_text
    assert ADDENDUM in " ".join(note_text.split())

    aftercare_text = download(page, "Aftercare sheet (PDF)", tmp_path / "aftercare.pdf").lower()
    assert "breath" in aftercare_text  # the pneumothorax red flag for needling over the thorax
    assert "chest" in aftercare_text

    assert a11y == {name: [] for name in a11y}, f"serious accessibility violations: {a11y}"


def test_the_needling_form_warns_of_an_impossible_depth_while_it_is_typed(
    transactional_db: None, world: World, ready: Ready, live_server: Any, page: Any, shoot: Any
) -> None:
    base = live_server.url
    sign_in(page, base, "clinician_a", PASSWORD)
    page.goto(f"{base}/patients/{world.patient_a.public_id}/")
    page.get_by_role("button", name="Start a treatment session").click()
    page.wait_for_url(re.compile(r"/sessions/[0-9a-f-]{36}/$"))

    form = page.locator("#entry-form")
    check = form.locator("#entry-check")
    form.get_by_label("Muscle").select_option(label="rhomboids")
    form.get_by_label("Side").select_option("r")
    form.get_by_label("Technique").select_option("deep")
    form.get_by_label("Needle lot").select_option(index=1)
    form.get_by_label("Needles in").fill("1")
    expect(check.locator('[data-code="lung"]')).to_be_visible()  # the row's warnings, live

    # Typing a depth, without leaving the field or pressing anything, brings the refusal.
    form.get_by_label("Depth (mm)").press_sequentially("24")
    refusal = check.locator('[data-code="depth_beyond_safe_depth"]')
    expect(refusal).to_contain_text("24 mm is beyond the safe depth of 19 mm")
    expect(refusal).to_contain_text("Source: Valera")
    expect(check).to_have_attribute("aria-live", "polite")
    shoot("depth-beyond-the-safe-depth")

    form.get_by_label("Depth (mm)").fill("64")  # the lot's needles are 50 mm long
    expect(check.locator('[data-code="depth_beyond_needle"]')).to_contain_text(
        "64 mm is deeper than the needle is long (50 mm)"
    )
    page.get_by_role("button", name="Add entry").click()
    expect(page.locator("#needling .form-errors").first).to_contain_text("Refused")
    expect(page.locator("#needling tbody")).to_contain_text("No needling yet.")
    shoot("refused-on-saving")

    form = page.locator("#entry-form")
    form.get_by_label("Depth (mm)").fill("17")
    expect(form.locator("#entry-check")).not_to_contain_text("will be refused")
    page.get_by_role("button", name="Add entry").click()
    expect(page.locator("#needling tbody")).to_contain_text("Rhomboids (right)")
    expect(page.locator("#needling tbody")).to_contain_text("17.0 mm")
    shoot("added-within-the-limits")
    assert serious_accessibility_violations(page) == []
