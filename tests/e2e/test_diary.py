"""A patient completes the symptom diary with a red flag; the clinician sees and closes the alert.

Real Chromium: the patient finds the due diary on the portal home, answers with the keyboard and
mouse, ticks two warning signs and sees the emergency advice first; the clinician, signed in
next, sees the open-alert count in the navigation, opens the alert, is refused without saying
what was done, closes it, and finds it in the history with the count gone.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from taut.diary.models import DiaryPrompt, RedFlagAlert
from tests.conftest import PASSWORD, World
from tests.diary.conftest import prompts_of, signed_session
from tests.e2e.conftest import serious_accessibility_violations, sign_in

pytestmark = pytest.mark.e2e

ACTION = "Phoned at 10:05 and sent her to the emergency department; seen, no pneumothorax."


def test_a_patient_reports_a_red_flag_and_the_clinician_closes_the_alert(
    transactional_db: None,
    world: World,
    live_server: Any,
    page: Any,
    shoot: Any,
) -> None:
    base = live_server.url
    a11y: dict[str, list[str]] = {}
    session = signed_session(world)
    prompt = prompts_of(session)[0]
    # The 24-hour question is due now (the signed session itself cannot change).
    DiaryPrompt.objects.filter(pk=prompt.pk).update(due_at=timezone.now() - timedelta(minutes=5))

    # --- 1. the patient finds the due diary ----------------------------------------------------
    sign_in(page, base, "portal_a", PASSWORD)
    page.goto(f"{base}/portal/")
    expect(page.get_by_role("heading", name="Diary due")).to_be_visible()
    shoot("portal-home-diary-due")
    page.get_by_role("link", name=re.compile(r"Answer the 24-hour diary")).click()
    expect(page.get_by_role("heading", name="How are you feeling?")).to_be_visible()
    shoot("diary-form")
    a11y["diary form"] = serious_accessibility_violations(page)

    # --- 2. answers: soreness by keyboard, the rest by mouse, two warning signs ------------------
    soreness = page.get_by_role("group", name=re.compile("How sore are the needled areas"))
    soreness.get_by_label("5", exact=True).check()
    page.keyboard.press("ArrowRight")  # radio groups move with the arrow keys
    expect(soreness.get_by_label("6", exact=True)).to_be_checked()
    bruising = page.get_by_role("group", name="Bruising where the needles went in")
    bruising.get_by_label("Mild: I notice it").check()
    page.get_by_label("Anything else you have noticed since the session?").fill(
        "Tight across the shoulder blade."
    )
    flags = page.get_by_role("group", name=re.compile("warning signs"))
    flags.get_by_label("Pain in the chest").check()
    flags.get_by_label("A fever (feeling hot and shivery)").check()
    shoot("diary-answered")
    page.get_by_role("button", name="Send to the clinic").click()

    # --- 3. the advice shows at once, emergency first --------------------------------------------
    advice = page.get_by_role("alert")
    expect(advice).to_be_visible()
    expect(advice.get_by_role("heading", name="What to do now")).to_be_visible()
    levels = advice.locator(".diary-advice-level")
    expect(levels.first).to_have_text("Emergency: act now")
    expect(levels.nth(1)).to_have_text("Get help today")
    expect(advice).to_contain_text("Call the emergency services now")
    expect(advice).to_contain_text("Your clinic has been alerted")
    shoot("red-flag-advice")
    a11y["advice page"] = serious_accessibility_violations(page)
    alert = RedFlagAlert.objects.get()
    assert alert.flags == ["chest_pain", "fever"] and alert.is_open

    page.get_by_role("button", name="Sign out").click()

    # --- 4. the clinician sees the alert in the navigation ---------------------------------------
    sign_in(page, base, "clinician_a", PASSWORD)
    page.wait_for_url(f"{base}/schedule/")  # a clinician lands on today's schedule
    nav = page.get_by_role("navigation", name="Main")
    alerts_link = nav.get_by_role("link", name=re.compile(r"Alerts\s*1 open"))
    expect(alerts_link).to_be_visible()
    shoot("nav-alert-count")
    alerts_link.click()
    expect(page.get_by_role("heading", name="Open (1)")).to_be_visible()
    page.get_by_role("link", name="Ada Lovelace").click()
    expect(page.get_by_role("heading", name="Red-flag alert: Ada Lovelace")).to_be_visible()
    expect(page.get_by_text("Pain in the chest", exact=True)).to_be_visible()
    answers = page.locator("section", has=page.get_by_role("heading", name="The diary answers"))
    expect(answers).to_contain_text("6 out of 10")
    expect(answers).to_contain_text("Tight across the shoulder blade.")
    shoot("alert-page")
    a11y["alert page"] = serious_accessibility_violations(page)

    # --- 5. closing needs what was done ----------------------------------------------------------
    page.get_by_role("button", name="Close the alert").click()
    expect(page.get_by_text("Say what was done before closing the alert.").first).to_be_visible()
    shoot("close-refused")
    page.get_by_label("What was done").fill(ACTION)
    expect(page.get_by_text("Say whether to record an adverse event.")).to_be_visible()
    # Pre-filled from the warning signs the patient ticked (chest pain suggests a pneumothorax).
    expect(page.get_by_label(re.compile(r"^Adverse event:?$"))).to_have_value("pneumothorax")
    expect(page.get_by_label(re.compile(r"^Severity:?$"))).to_have_value("significant")
    expect(page.get_by_label(re.compile(r"^What was reported:?$"))).to_have_value(
        re.compile("Pain in the chest")
    )
    page.get_by_label("Yes: record it as an adverse event of the session").check()
    page.get_by_label(re.compile(r"^Adverse event:?$")).select_option(
        "pain_after"
    )  # what the follow-up showed
    page.get_by_label(re.compile(r"^Severity:?$")).select_option("mild")
    shoot("close-with-an-adverse-event")
    page.get_by_role("button", name="Close the alert").click()
    expect(
        page.get_by_text(
            "Alert closed and the adverse event recorded. It stays in the alert history."
        )
    ).to_be_visible()
    expect(page.get_by_text("Adverse event recorded:")).to_be_visible()
    expect(page.get_by_role("heading", name="What was done")).to_be_visible()
    expect(page.get_by_text(ACTION)).to_be_visible()
    expect(nav.get_by_role("link", name="Alerts", exact=True)).to_be_visible()
    shoot("alert-closed")

    page.get_by_role("link", name="All alerts").click()
    expect(page.get_by_role("heading", name="Open (0)")).to_be_visible()
    history = page.locator("section", has=page.get_by_role("heading", name="Closed"))
    expect(history).to_contain_text("Ada Lovelace")
    alert.refresh_from_db()
    assert not alert.is_open and alert.action_taken == ACTION
    assert alert.adverse_event is not None and alert.adverse_event.event == "pain_after"
    assert alert.adverse_event.session == alert.session  # linked to the signed note

    assert a11y == {name: [] for name in a11y}, f"serious accessibility violations: {a11y}"
