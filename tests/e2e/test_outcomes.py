"""Outcomes in real Chromium: a clinician opens a patient's outcomes page and the dashboard; the
charts are drawn (SVG with points and the MCID band), the pages are axe-clean, CSV downloads."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, World
from tests.e2e.conftest import serious_accessibility_violations, sign_in
from tests.outcomes.conftest import History, week

pytestmark = pytest.mark.e2e


@pytest.fixture
def course(transactional_db: None, world: World) -> None:
    """Ada's four signed sessions (written before the browser's event loop starts)."""
    history = History(world.clinic_a, world.owner_a)
    for n, (nprs, ndi) in enumerate(((8, 44), (6, None), (5, None), (3, 24))):
        history.session(
            world.patient_a,
            week(n),
            clinician=world.clinician_a,
            condition="neck_shoulder_pain",
            nprs=nprs,
            measures=(("nprs", "after", nprs + 1),) + ((("ndi", "before", ndi),) if ndi else ()),
            events=(("bruising", "mild"),) if n == 1 else (),
        )


def test_a_clinician_reads_the_outcomes_page_and_the_dashboard(
    course: None, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    base = live_server.url
    sign_in(page, base, "clinician_a", PASSWORD)
    page.wait_for_url(f"{base}/schedule/")  # a clinician lands on today's schedule
    page.goto(f"{base}/patients/{world.patient_a.public_id}/")
    page.get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", name="Outcomes: Ada Lovelace")).to_be_visible()
    chart = page.get_by_role("img", name="NPRS over the course")
    expect(chart).to_be_visible()
    assert (
        chart.locator("g.series circle.point").count() == 4
    )  # one point per session before needling
    assert chart.locator("rect.mcid-band").count() == 1
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100  # actually drawn
    expect(page.get_by_text("Responder.").first).to_be_visible()
    # Each course says which MCID judges it, and for whom it was measured (the course's condition).
    ndi_note = page.locator(".mcid-note").filter(has_text="NDI: MCID")
    expect(ndi_note).to_contain_text("measured in mechanical neck pain")
    assert serious_accessibility_violations(page) == []
    shoot("patient-outcomes")

    page.get_by_role("link", name="Dashboard").click()
    page.get_by_label("From").fill("2026-01-01")
    page.get_by_label("To").fill("2026-03-31")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("4 sessions", exact=False).first).to_be_visible()
    expect(
        page.get_by_role("heading", name="Adverse events by type, per 1,000 treatments")
    ).to_be_visible()
    expect(page.locator("table").filter(has_text="Brady14").first).to_be_visible()
    assert serious_accessibility_violations(page) == []
    shoot("dashboard")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download “Muscles needled” as CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
