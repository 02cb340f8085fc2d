"""Taut on a phone (390 x 844 CSS pixels, touch): no page scrolls sideways, the menu folds away
behind a button that works by keyboard, and the body chart zooms until every region is a target
of at least 24 px.

The demo clinic gives the staff pages realistic content (a week of bookings, outcome histories,
the dashboard); clinic A's patient, with a signed session, its symptom diary and an open red-flag
alert, gives the portal pages theirs.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from taut.charting.models import TreatmentSession
from taut.clinics.models import Clinic
from taut.demo.seed import DEMO_SLUG, seed_demo
from taut.patients.models import Patient
from taut.scheduling.models import Appointment
from tests.conftest import PASSWORD, World
from tests.diary.conftest import answered_with_red_flag
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DEMO_PASSWORD = "demo-password-for-the-phone"
MIN_TARGET_PX = 24


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # Not is_mobile: mobile emulation shrinks a too-wide page to fit, widening innerWidth with
    # it, which would hide the very overflow measured here.
    return {**browser_context_args, "viewport": PHONE, "has_touch": True}


def overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than the screen (0: no sideways scrolling)."""
    inner, width = page.evaluate(
        "() => [window.innerWidth, document.scrollingElement.scrollWidth - window.innerWidth]"
    )
    assert inner == PHONE["width"]
    return max(int(width), 0)


def widest(page: Any) -> list[str]:
    """The elements that stick out past the right edge, to say what to fix."""
    found: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
          .filter(e => !e.closest('.table-scroll, .bodychart-frame'))
          .slice(0, 5)
          .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`
                    + ` (${Math.round(e.getBoundingClientRect().right)} px)`)"""
    )
    return found


class Visits:
    """Opens pages on the phone and notes every one that scrolls sideways."""

    def __init__(self, page: Any, base: str, shoot: Any) -> None:
        self.page, self.base, self.shoot = page, base, shoot
        self.too_wide: dict[str, list[str]] = {}
        self.count = 0

    def check(self, name: str) -> None:
        self.page.wait_for_load_state("networkidle")
        self.count += 1
        if overflow(self.page):
            self.too_wide[name] = [f"{overflow(self.page)} px too wide", *widest(self.page)]
            self.shoot(f"too-wide-{name}")

    def open(self, name: str, path: str) -> None:
        response = self.page.goto(f"{self.base}{path}")
        assert response is not None and response.status == 200, f"{name}: {path}"
        self.check(name)


def test_every_page_fits_a_phone_and_the_body_chart_zooms(
    transactional_db: None, world: World, live_server: Any, page: Any, shoot: Any
) -> None:
    seed_demo(password=DEMO_PASSWORD)
    answered = answered_with_red_flag(world)  # clinic A's patient: a signed session and diary
    demo = Clinic.objects.get(slug=DEMO_SLUG)
    ready = Patient.objects.for_clinic(demo).order_by("pk")[1]  # screened, consented, treated
    booking = Appointment.objects.for_clinic(demo).order_by("starts_at").first()
    signed = TreatmentSession.objects.for_clinic(demo).filter(status="signed").first()
    assert booking is not None and signed is not None
    visits = Visits(page, live_server.url, shoot)

    # --- the patient portal ----------------------------------------------------------------------
    sign_in(page, live_server.url, "portal_a", PASSWORD)
    page.wait_for_url(re.compile(r"/portal/$"))
    visits.check("portal-home")
    nav = page.get_by_role("navigation", name="Main")
    menu = nav.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Symptom diary")).to_be_hidden()
    menu.focus()
    page.keyboard.press("Enter")  # the keyboard opens it
    expect(menu).to_have_attribute("aria-expanded", "true")
    for name in ("Messages", "Aftercare", "Symptom diary"):
        link = nav.get_by_role("link", name=name)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"], name
        assert box["height"] >= MIN_TARGET_PX, name
    shoot("portal-menu-open")
    page.keyboard.press("Escape")  # Escape closes it and gives the focus back to the button
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    menu.click()
    nav.get_by_role("link", name="Symptom diary").click()
    page.wait_for_url(re.compile(r"/portal/diary/$"))
    visits.check("portal-diary")
    for name, path in (
        ("portal-intake", "/portal/intake/"),
        ("portal-consent", "/portal/consent/"),
        ("portal-appointments", "/portal/appointments/"),
        ("portal-messages", "/portal/messages/"),
        ("portal-aftercare", "/portal/aftercare/"),
        ("portal-diary-entry", f"/portal/diary/entries/{answered.entry.public_id}/"),
        ("portal-diary-extra", f"/portal/diary/sessions/{answered.session.public_id}/new/"),
    ):
        visits.open(name, path)
    page.goto(f"{live_server.url}/portal/intake/")
    expect(page.get_by_text(re.compile(r"Ctrl|⌘"))).to_have_count(0)  # no keys a phone lacks
    page.get_by_role("button", name="Sign out").click()

    # --- public pages
    visits.open("learn", f"/learn/{DEMO_SLUG}/")
    visits.open("learn-risks", f"/learn/{DEMO_SLUG}/risks/")
    visits.open("book", f"/book/{DEMO_SLUG}/")

    # --- the clinician: today's schedule, a patient, the charting page
    sign_in(page, live_server.url, "clinician", DEMO_PASSWORD)
    page.wait_for_url(re.compile(r"/schedule/$"))
    visits.check("schedule-today")
    page.goto(f"{live_server.url}/patients/{ready.public_id}/")
    visits.check("patient")
    page.get_by_role("button", name="Start a treatment session").click()
    page.wait_for_url(re.compile(r"/sessions/[0-9a-f-]{36}/$"))
    visits.check("charting")
    chart_zooms_to_targets_of_24_px(page, shoot)
    visits.check("charting-zoomed")
    for name, path in (
        ("signed-note", f"/chart/{signed.patient.public_id}/sessions/{signed.public_id}/"),
        ("screening", f"/patients/{ready.public_id}/screening/"),
        ("outcomes", f"/outcomes/patients/{signed.patient.public_id}/"),
        ("alerts", "/diary/alerts/"),
        ("dashboard", "/outcomes/dashboard/"),
        ("needle-stock", "/chart/needles/"),
        ("api-tokens", "/api/tokens/"),
    ):
        visits.open(name, path)
    page.get_by_role("button", name="Sign out").click()

    # --- the front desk
    sign_in(page, live_server.url, "frontdesk", DEMO_PASSWORD)
    page.wait_for_url(re.compile(r"/patients/$"))
    visits.check("patients")
    day = booking.starts_at.astimezone(demo.zone).date().isoformat()
    for name, path in (
        ("schedule-day", f"/schedule/?date={day}"),
        ("schedule-week", f"/schedule/week/?date={day}"),
        ("appointment", f"/schedule/appointments/{booking.public_id}/"),
        ("book", f"/schedule/book/{booking.patient.public_id}/"),
        ("new-patient", "/patients/new/"),
        ("intake-at-the-desk", f"/patients/{booking.patient.public_id}/intake/"),
        ("messages", "/messages/"),
        ("messages-thread", f"/messages/{booking.patient.public_id}/"),
        ("interop", "/interop/"),
    ):
        visits.open(name, path)
    page.get_by_role("button", name="Sign out").click()

    # --- the owner
    sign_in(page, live_server.url, "owner", DEMO_PASSWORD)
    page.wait_for_url(re.compile(r"/patients/$"))
    for name, path in (
        ("clinic", "/clinic/"),
        ("practitioners", "/chart/practitioners/"),
        ("consent-documents", "/consent/documents/"),
        ("education", "/learn/manage/"),
        ("audit-log", "/audit/"),
        ("schedule-setup", "/schedule/setup/"),
    ):
        visits.open(name, path)

    assert visits.too_wide == {}, f"pages wider than a phone: {visits.too_wide}"
    assert visits.count == 39  # every page above was measured


def chart_zooms_to_targets_of_24_px(page: Any, shoot: Any) -> None:
    """At the phone's width the regions are too small to tap; "Zoom in" enlarges the drawing in
    its own scrolling frame until every region is at least 24 px each way, and taps still mark."""
    chart = page.locator("[data-bodychart]")
    zoom = chart.get_by_role("button", name="Zoom in")
    expect(zoom).to_have_attribute("aria-pressed", "false")
    assert smallest_region(page) < MIN_TARGET_PX  # the reason for the zoom
    zoom.click()
    expect(zoom).to_have_attribute("aria-pressed", "true")
    assert smallest_region(page) >= MIN_TARGET_PX
    assert overflow(page) == 0, widest(page)  # the frame scrolls, not the page
    temple = page.locator('path[data-region="temple_l"]')
    temple.scroll_into_view_if_needed()
    temple.tap()
    expect(temple).to_have_attribute("aria-checked", "true")
    expect(page.locator('input[name="pain_regions"][value="temple_l"]')).to_be_checked()
    shoot("chart-zoomed-temple-marked")
    zoom.click()
    expect(zoom).to_have_attribute("aria-pressed", "false")


def smallest_region(page: Any) -> float:
    """The smallest width or height, in CSS pixels, of any region of the drawing."""
    size: float = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('[data-bodychart] path[data-region]')]
          .map(p => p.getBoundingClientRect()).map(r => Math.min(r.width, r.height)))"""
    )
    return size
