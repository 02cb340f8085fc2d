"""The tour: the whole dry-needling pathway in real Chromium, walked as each role would.

1. A new patient reads the clinic's education pages (the index and the risks topic), books an
   initial evaluation online, gets the portal invitation by email and sets her password from it.
2. In the portal she sends her medical history and signs consent with a drawn signature.
3. The clinician finds the booked appointment on the day schedule, screens the intake, starts the
   session from the appointment, records pain before needling (NPRS 7), draws pain on the body
   chart, takes a suggestion ("Add to plan"), adds the needling entry, counts the needles back
   and signs the note.
4. The patient signs in again, reads her aftercare sheet and answers the 24-hour symptom diary
   (the prompt is made due in the database, as tests/e2e/test_diary.py does).
5. Sessions 2 and 3 are written through the charting services, not the browser, one and two
   weeks later, with pain before needling improving: NPRS 7 -> 5 -> 3. The clinician opens the
   patient's outcomes page: the NPRS chart is drawn with three sessions.
6. The owner opens the dashboard over the three sessions' dates and starts a FHIR bulk export;
   once the queued task has run, the page offers the files and one downloads.

Every step saves a screenshot (under $TAUT_ARTIFACTS/screenshots/<test name>/) and checks the
page with axe-core: no serious or critical violations. Dates come from the real clock (the
booking day from next_working_day, the credentials and needle stock dated from today), so the
tour passes on any date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from taut.charting import services as charting_services
from taut.charting.models import NeedleLot, PractitionerProfile, TreatmentSession
from taut.clinics.models import Membership
from taut.diary.models import DiaryPrompt
from taut.interop.models import ExportJob
from taut.patients.models import Patient
from taut.scheduling.models import Appointment
from tests.charting import conftest as charting
from tests.conftest import PASSWORD, World, publish_consent_document, run_due_tasks
from tests.e2e.conftest import serious_accessibility_violations, sign_in
from tests.e2e.test_intake_consent import draw_signature
from tests.scheduling.conftest import make_desk, next_working_day

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "a-long-new-passphrase-77"
SUBJECTIVE = "Left-sided headache behind the eye for three weeks, worse at the desk."
# Pain before needling (NPRS, 0-10) in sessions 1, 2 and 3: it improves by 2 points each week.
NPRS_BEFORE = (7, 5, 3)


@dataclass
class Tour:
    page: Any
    base: str
    shoot: Any
    world: World
    today: dt.date  # the clinic's today, by the real clock

    def check(self, step: str) -> None:
        """Screenshot the step and check the page with axe-core."""
        self.shoot(step)
        violations = serious_accessibility_violations(self.page)
        assert violations == [], f"{step}: serious accessibility violations: {violations}"

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        sign_in(self.page, self.base, username, password)

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="Sign out").click()


def needling_ready_from(world: World, today: dt.date) -> NeedleLot:
    """Clinician A's licence and training and clinic A's needle stock, as the charting suite
    writes them, moved from its pinned day to today so that nothing expires on a later run."""
    prepared = charting.stock_and_profile(world)
    shift = today - charting.TODAY
    for lot in (prepared.lot, prepared.expired_lot):
        NeedleLot.objects.filter(pk=lot.pk).update(
            expires_on=lot.expires_on + shift, received_on=lot.received_on + shift
        )
    PractitionerProfile.objects.filter(pk=prepared.profile.pk).update(
        licence_expires=prepared.profile.licence_expires + shift
    )
    prepared.lot.refresh_from_db()
    return prepared.lot


# --- 1. the new patient --------------------------------------------------------------------------


def patient_reads_and_books(tour: Tour, day: dt.date) -> str:
    """Education index and one topic, online booking, the invitation, a password. -> username"""
    page, base = tour.page, tour.base
    page.goto(f"{base}/learn/{tour.world.clinic_a.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("About dry needling at Clinic A")
    tour.check("education-index")
    page.get_by_role("link", name="Risks, and how often they happen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risks, and how often they happen")
    expect(page.locator("table.education-rate-table").first).to_contain_text("7,629 treatments")
    tour.check("education-risks")

    page.get_by_role("link", name="Book an appointment").first.click()
    expect(page.get_by_role("heading", name=re.compile("Book an appointment"))).to_be_visible()
    page.get_by_label("Visit", exact=True).select_option(label="Initial evaluation (45 min)")
    page.get_by_label("Day", exact=True).fill(day.isoformat())
    page.get_by_role("button", name="Find free times").click()
    slots = page.locator("#slots input[type=radio]")
    expect(slots.first).to_be_visible()
    tour.check("booking-slots")
    slots.first.check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Given name").fill("Nia")
    page.get_by_label("Family name").fill("Okoro")
    page.get_by_label("Date of birth").fill("1990-02-03")
    page.get_by_label("Phone").fill("(303) 555-0177")
    page.get_by_label("Email").fill("nia@example.com")
    tour.check("booking-details")
    page.get_by_role("button", name="Book this appointment").click()
    expect(page.get_by_role("heading", name="You are booked")).to_be_visible()
    tour.check("booking-done")

    run_due_tasks()  # the worker sends the confirmation and the portal invitation
    invitation = next(m for m in mail.outbox if "patient portal" in m.subject)
    username = re.search(r"Your username is: (\S+)", str(invitation.body))
    link = re.search(r"http://\S+/accounts/reset/\S+/", str(invitation.body))
    assert username and link, invitation.body
    page.goto(link.group(0).replace("http://127.0.0.1:8000", base))
    page.get_by_label("New password:", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation:").fill(NEW_PASSWORD)
    tour.check("set-password")
    page.get_by_role("button", name=re.compile("password", re.I)).click()
    tour.sign_in(username.group(1), NEW_PASSWORD)
    page.wait_for_url(f"{base}/portal/")
    expect(page.get_by_role("heading", name="Hello, Nia")).to_be_visible()
    tour.check("portal-home")
    return username.group(1)


# --- 2. medical history and consent in the portal ----------------------------------------------


def patient_sends_history_and_signs_consent(tour: Tour) -> None:
    page, base = tour.page, tour.base
    page.get_by_role("link", name="Fill in your medical history").click()
    page.wait_for_url(f"{base}/portal/intake/")
    # Nia answers "No" to every yes/no question she is shown (follow-ups stay hidden).
    for answer in page.get_by_role("radio", name="No", exact=True).all():
        if answer.is_visible():
            answer.check()
    # And "None" to every "mark the areas" body-chart question.
    for areas in page.get_by_role("listbox").all():
        if areas.is_visible():
            areas.select_option("none")
    tour.check("intake-answered")
    page.get_by_role("button", name="Send to the clinic").click()
    page.wait_for_url(f"{base}/portal/")
    expect(page.get_by_text("Thank you: your medical history is with the clinic.")).to_be_visible()
    tour.check("intake-sent")

    page.get_by_role("link", name="Read and sign the consent").click()
    page.get_by_role("link", name="Sign dry needling consent").click()
    page.wait_for_url(f"{base}/portal/consent/sign/general/")
    expect(page.locator(".consent-document")).to_contain_text("version 1")
    page.get_by_label("Type your full name").fill("Nia Okoro")
    draw_signature(page)
    page.get_by_label(re.compile(r"^I have read this document")).check()
    tour.check("consent-drawn")
    page.get_by_role("button", name="Sign consent").click()
    page.wait_for_url(f"{base}/portal/consent/")
    signed = page.get_by_role("row", name=re.compile(r"Consent to dry needling v1"))
    expect(signed).to_contain_text("In force")
    expect(signed).to_contain_text("Nia Okoro")
    tour.check("consent-in-force")


# --- 3. the clinician screens, treats and signs --------------------------------------------------


def clinician_screens_treats_and_signs(tour: Tour, appointment: Appointment) -> TreatmentSession:
    page, base = tour.page, tour.base
    tour.sign_in(tour.world.clinician_a.username)
    page.wait_for_url(f"{base}/schedule/")  # a clinician lands on today's schedule
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Schedule").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Schedule: "))).to_be_visible()
    day = appointment.starts_at.astimezone(tour.world.clinic_a.zone).date()
    choose_day = page.get_by_role("form", name="Choose day and location")
    choose_day.get_by_label("Day", exact=True).fill(day.isoformat())  # the booked day
    choose_day.get_by_role("button", name="Show").click()
    heading = f"Schedule: {day:%A} {day.day} {day:%B %Y}"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    visit = page.get_by_role("link", name=re.compile(r"Nia Okoro"))
    expect(visit).to_be_visible()
    tour.check("day-schedule")
    visit.click()
    expect(page.get_by_role("heading", name="Initial evaluation")).to_be_visible()
    appointment_url = page.url
    tour.check("appointment")

    # Screening, from the patient's page.
    page.get_by_role("link", name="Nia Okoro").click()
    expect(page.get_by_role("heading", name="Nia Okoro")).to_be_visible()
    expect(page.locator("section.gate")).to_contain_text("Not ready to needle")
    tour.check("patient-before-screening")
    screening_item = page.get_by_role("listitem").filter(has_text="Screening:")
    screening_item.get_by_role("link", name="open").click()
    expect(page.get_by_text("Not screened yet.")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Screen intake version 1 now")).click()
    gate = page.locator("section.gate")
    expect(gate.get_by_role("heading", name="Not ready to needle", exact=True)).to_be_visible()
    expect(page.locator("section.finding-contraindicated")).to_contain_text("None.")
    tour.check("screened")
    # What the portal form leaves open (the clinician's own question on capacity to consent) is
    # asked in person: each precaution is acknowledged with how it is handled.
    acknowledge = page.get_by_role("button", name="Acknowledge", exact=True)
    open_precautions = acknowledge.count()
    assert open_precautions > 0
    for left in range(open_precautions - 1, -1, -1):
        page.get_by_label(re.compile(r"^How will you manage this")).first.fill(
            "Asked in person: does not apply; she understands the procedure and consents."
        )
        acknowledge.first.click()
        expect(page.get_by_text("Precaution acknowledged.")).to_be_visible()
        expect(acknowledge).to_have_count(left)
    expect(gate.get_by_role("heading", name="Ready to needle", exact=True)).to_be_visible()
    tour.check("precautions-acknowledged")

    # The session, started from the appointment.
    page.goto(appointment_url)
    page.get_by_role("button", name="Start the treatment session").click()
    page.wait_for_url(re.compile(r"/chart/[0-9a-f-]{36}/sessions/[0-9a-f-]{36}/$"))
    session_url = page.url
    expect(page.get_by_role("heading", name="Treatment session: Nia Okoro")).to_be_visible()
    tour.check("session-started")

    # Pain before needling, the course's baseline (full page load: before the drawing).
    page.get_by_label("Instrument").select_option("nprs")
    page.get_by_label("Timing").select_option(label="Before needling")
    page.get_by_label("Answers").fill(str(NPRS_BEFORE[0]))
    page.get_by_role("button", name="Record measure").click()
    expect(page.get_by_text("Measure recorded.")).to_be_visible()
    measures = page.locator("section", has=page.get_by_role("heading", name="Measures"))
    expect(measures.get_by_role("table")).to_contain_text("NPRS")
    tour.check("measure-recorded")

    # The pain drawing: two regions clicked, one keyed; the suggestions follow.
    suggestions = page.locator("#suggestions")
    for region in ("temple_l", "neck_posterior_l"):
        path = page.locator(f'path[data-region="{region}"]')
        path.click()
        expect(path).to_have_attribute("aria-checked", "true")
    occiput = page.locator('path[data-region="occiput_l"]')
    occiput.focus()
    page.keyboard.press("Enter")
    expect(occiput).to_have_attribute("aria-checked", "true")
    expect(suggestions.locator("ol.suggestions")).to_contain_text("Upper trapezius (left)")
    page.get_by_label("Subjective: what the patient reports").fill(SUBJECTIVE)
    tour.check("pain-drawn")
    page.get_by_role("button", name="Save the drawing and notes").click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    assert page.url == session_url
    tour.check("drawing-saved")

    # Take the suggestion and needle.
    trapezius = page.locator("ol.suggestions > li").filter(has_text="Upper trapezius (left)")
    trapezius.get_by_role("button", name="Add to plan").click()
    entry_form = page.locator("#entry-form")
    expect(entry_form.get_by_label("Muscle")).to_have_value("upper_trapezius")
    expect(entry_form.get_by_label("Side")).to_have_value("l")
    tour.check("suggestion-taken")
    entry_form.get_by_label("Technique").select_option("deep")
    lot = page.locator("#id_lot_id")
    lot.select_option(label=lot.locator("option", has_text="L2026A").inner_text())
    entry_form.get_by_label("Needles in").fill("2")
    entry_form.get_by_label("Insertions").fill("3")
    entry_form.get_by_label("Local twitch response").select_option(label="Some")
    page.get_by_role("button", name="Add entry").click()
    row = page.locator("#needling tbody tr").filter(has_text="Upper trapezius (left)")
    expect(row).to_contain_text("L2026A")
    tour.check("needled")

    # Count the needles back, then sign.
    row.get_by_label("Needles out, Upper trapezius (left)").fill("2")
    row.get_by_role("button", name="Count").click()
    # htmx swaps the record in: the total reconciles and the list of what is missing goes.
    expect(page.locator("#needling tfoot")).not_to_contain_text("count not reconciled")
    expect(page.locator("#needling .count-messages")).to_have_count(0)
    tour.check("counted")
    page.get_by_role("button", name="Sign the note").click()
    expect(page.get_by_role("heading", name="Signed note")).to_be_visible()
    note = page.locator("article.soap-note")
    expect(note).to_contain_text("Upper trapezius (left)")
    expect(note).to_contain_text(SUBJECTIVE)
    tour.check("signed")
    tour.sign_out()
    return TreatmentSession.objects.get(patient=appointment.patient)


# --- 4. aftercare and the symptom diary ----------------------------------------------------------


def patient_reads_aftercare_and_answers_diary(
    tour: Tour, username: str, session: TreatmentSession
) -> None:
    page, base = tour.page, tour.base
    # The 24-hour question is due now (the signed session itself cannot change).
    prompt = DiaryPrompt.objects.filter(session=session).order_by("hours_after").first()
    assert prompt is not None and prompt.hours_after == 24
    DiaryPrompt.objects.filter(pk=prompt.pk).update(due_at=timezone.now() - timedelta(minutes=5))

    tour.sign_in(username, NEW_PASSWORD)
    page.wait_for_url(f"{base}/portal/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Aftercare").click()
    expect(page.get_by_role("heading", name="Aftercare", level=1)).to_be_visible()
    sheet = page.locator("section.card").filter(has=page.get_by_role("heading", level=2))
    expect(sheet.get_by_role("heading", name="Get help at once if")).to_be_visible()
    expect(sheet.get_by_role("link", name="Download this sheet (PDF)")).to_be_visible()
    tour.check("aftercare")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My record").click()
    expect(page.get_by_role("heading", name="Diary due")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"Answer the 24-hour diary")).click()
    expect(page.get_by_role("heading", name="How are you feeling?")).to_be_visible()
    soreness = page.get_by_role("group", name=re.compile("How sore are the needled areas"))
    soreness.get_by_label("3", exact=True).check()
    page.get_by_label("Anything else you have noticed since the session?").fill(
        "A little stiff in the evening, fine this morning."
    )
    tour.check("diary-answered")
    page.get_by_role("button", name="Send to the clinic").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)  # no warning signs, no emergency advice
    tour.check("diary-sent")
    tour.sign_out()


# --- 5. two more sessions, then the outcomes page ------------------------------------------------


def later_sessions_through_services(tour: Tour, patient: Patient, lot: NeedleLot) -> None:
    """Sessions 2 and 3, one and two weeks after the first, written with the charting services
    (not through the browser) with pain before needling improving: NPRS 5, then 3."""
    world = tour.world
    membership = Membership.objects.get(user=world.clinician_a, clinic=world.clinic_a)
    for week, nprs in ((1, NPRS_BEFORE[1]), (2, NPRS_BEFORE[2])):
        session = charting_services.session_start(
            request=None,
            membership=membership,
            patient=patient,
            today=tour.today + timedelta(weeks=week),
        )
        charting_services.measure_add(
            request=None,
            actor=world.clinician_a,
            session=session,
            instrument="nprs",
            timing="before",
            answers=[nprs],
        )
        entry = charting_services.entry_add(
            request=None,
            actor=world.clinician_a,
            session=session,
            data={**charting.ENTRY, "muscle": "upper_trapezius", "lot_id": lot.pk},
        )
        charting_services.entry_count_out(
            request=None, actor=world.clinician_a, entry=entry, needles_out=entry.needles_in
        )
        charting_services.session_sign(request=None, actor=world.clinician_a, session=session)


def clinician_reviews_outcomes(tour: Tour, patient: Patient) -> None:
    page, base = tour.page, tour.base
    tour.sign_in(tour.world.clinician_a.username)
    page.wait_for_url(f"{base}/schedule/")  # a clinician lands on today's schedule
    page.goto(f"{base}/patients/{patient.public_id}/")
    page.get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", name="Outcomes: Nia Okoro")).to_be_visible()
    expect(page.get_by_text("3 signed sessions.")).to_be_visible()
    chart = page.get_by_role("img", name="NPRS over the course")
    expect(chart).to_be_visible()
    assert chart.evaluate("node => node.tagName.toLowerCase()") == "svg"
    expect(chart.locator("g.series circle.point")).to_have_count(3)  # one per session
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100  # actually drawn
    tour.check("outcomes")
    tour.sign_out()


# --- 6. the owner: dashboard and FHIR export -----------------------------------------------------


def owner_reads_dashboard_and_exports(tour: Tour, patient: Patient, tmp_path: Path) -> None:
    page, base = tour.page, tour.base
    tour.sign_in(tour.world.owner_a.username)
    page.wait_for_url(f"{base}/patients/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.get_by_label("From").fill(tour.today.isoformat())
    page.get_by_label("To").fill((tour.today + timedelta(weeks=2)).isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text(re.compile(r"Signed sessions from .*: 3 sessions"))).to_be_visible()
    tour.check("dashboard")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Import & export").click()
    page.get_by_role("button", name="Start an export").click()
    expect(page.get_by_text("Export queued")).to_be_visible()
    exports = page.get_by_role("table", name="Recent exports")
    expect(exports).to_contain_text("Queued")
    tour.check("export-queued")

    assert run_due_tasks() >= 1  # what `taut worker` does in production
    assert ExportJob.objects.get(clinic=tour.world.clinic_a).status == "done"
    page.reload()
    row = exports.get_by_role("row").nth(1)
    expect(row).to_contain_text("Done")
    tour.check("export-done")
    with page.expect_download() as download:
        row.get_by_role("link", name="Patient", exact=True).click()
    assert download.value.suggested_filename.endswith(".ndjson")
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    assert "Okoro" in target.read_text(encoding="utf-8")


# --- the tour ------------------------------------------------------------------------------------


def test_the_tour_walks_the_whole_pathway_as_each_role(
    transactional_db: None,
    world: World,
    live_server: Any,
    page: Any,
    shoot: Any,
    tmp_path: Path,
) -> None:
    today = timezone.localdate(timezone=world.clinic_a.zone)
    make_desk(world)  # clinician A's hours and the shipped appointment types
    publish_consent_document(world.clinic_a, world.owner_a)
    lot = needling_ready_from(world, today)
    tour = Tour(page, live_server.url, shoot, world, today)

    username = patient_reads_and_books(tour, next_working_day())
    patient = Patient.objects.get(family_name="Okoro")
    appointment = Appointment.objects.get(patient=patient)
    patient_sends_history_and_signs_consent(tour)
    tour.sign_out()

    session = clinician_screens_treats_and_signs(tour, appointment)
    appointment.refresh_from_db()
    assert appointment.session_id == session.pk

    patient_reads_aftercare_and_answers_diary(tour, username, session)

    # Sessions 2 and 3 go through the services, not the browser: NPRS before needling 5, then 3.
    later_sessions_through_services(tour, patient, lot)
    clinician_reviews_outcomes(tour, patient)

    owner_reads_dashboard_and_exports(tour, patient, tmp_path)
