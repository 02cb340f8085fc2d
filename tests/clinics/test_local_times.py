"""Every time a person reads is the clinic's (or the location's) local time, with its abbreviation.

Two clinics, one in Denver and one in Sydney, each at an instant whose local date is not UTC's:
the note PDF, the consent PDF, the audit log, the booking email and its calendar file, a portal
message and the schedule must all show the local date and time and the zone's abbreviation.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from taut.audit.models import AuditEntry
from taut.charting import services as charting
from taut.charting.documents import document_pdf
from taut.charting.models import TreatmentSession
from taut.clinics.models import Location, Membership
from taut.consent.models import Consent
from taut.messaging.models import Kind, OutboundMessage
from taut.messaging.services import patient_message_send
from taut.scheduling.availability import free_slots_for
from taut.scheduling.models import AppointmentType, BookingChannel
from taut.scheduling.services import appointment_book, setup
from tests.charting.conftest import ENTRY, make_ready, stock_and_profile
from tests.conftest import World, client_for

UTC = dt.UTC
FRIDAY = dt.date(2026, 12, 4)


@dataclass(frozen=True)
class Case:
    zone: str
    instant: dt.datetime  # when the records are made, in UTC
    day: str  # the instant's local date, short
    day_long: str  # the same, long
    iso_day: str
    utc_iso_day: str  # the instant's date in UTC: never shown
    clock: str  # the instant's local time
    abbr: str
    appointment_at: dt.time  # local time on FRIDAY
    appointment_utc: str  # the same instant as an iCalendar UTC stamp


CASES = [
    Case(
        zone="America/Denver",
        instant=dt.datetime(2026, 12, 4, 3, 30, tzinfo=UTC),
        day="3 Dec 2026",
        day_long="3 December 2026",
        iso_day="2026-12-03",
        utc_iso_day="2026-12-04",
        clock="20:30",
        abbr="MST",
        appointment_at=dt.time(18, 0),
        appointment_utc="20261205T010000Z",
    ),
    Case(
        zone="Australia/Sydney",
        instant=dt.datetime(2026, 12, 3, 20, 30, tzinfo=UTC),
        day="4 Dec 2026",
        day_long="4 December 2026",
        iso_day="2026-12-04",
        utc_iso_day="2026-12-03",
        clock="07:30",
        abbr="AEDT",
        appointment_at=dt.time(9, 0),
        appointment_utc="20261203T220000Z",
    ),
]


@pytest.fixture(params=CASES, ids=[c.zone for c in CASES])
def case(request: pytest.FixtureRequest, world: World) -> Case:
    chosen: Case = request.param
    world.clinic_a.time_zone = chosen.zone
    world.clinic_a.save()
    return chosen


def _at_instant(case: Case) -> Any:
    return time_machine.travel(case.instant, tick=False)


def _pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _signed_session(world: World, day: dt.date, location: Location | None = None) -> Any:
    make_ready(world)
    ready = stock_and_profile(world)
    session = charting.session_start(
        request=None,
        membership=Membership.objects.get(user=world.clinician_a),
        patient=world.patient_a,
        today=day,
    )
    if location is not None:
        TreatmentSession.objects.filter(pk=session.pk).update(location=location)
    entry = charting.entry_add(
        request=None,
        actor=world.clinician_a,
        session=session,
        data={**ENTRY, "lot_id": ready.lot.pk},
    )
    charting.entry_count_out(
        request=None, actor=world.clinician_a, entry=entry, needles_out=entry.needles_in
    )
    return charting.session_sign(request=None, actor=world.clinician_a, session=session)


def _book_friday(world: World, case: Case) -> Any:
    clinic = world.clinic_a
    setup.scheduling_defaults_ensure(clinic=clinic)
    location = Location.objects.for_clinic(clinic).get()
    setup.working_hours_add(
        request=None,
        actor=world.owner_a,
        clinic=clinic,
        practitioner=world.clinician_a,
        location=location,
        weekday=FRIDAY.weekday(),
        start=dt.time(7),
        end=dt.time(20),
    )
    zone = ZoneInfo(case.zone)
    return appointment_book(
        request=None,
        actor=world.frontdesk_a,
        patient=world.patient_a,
        appointment_type=AppointmentType.objects.for_clinic(clinic).get(kind="initial_evaluation"),
        practitioner=world.clinician_a,
        location=location,
        starts_at=dt.datetime.combine(FRIDAY, case.appointment_at, tzinfo=zone),
        channel=BookingChannel.DESK,
        now=case.instant,
    )


def test_the_signed_note_pdf_and_its_addenda_show_local_times(world: World, case: Case) -> None:
    with _at_instant(case):
        session = _signed_session(world, dt.date.fromisoformat(case.iso_day))
        charting.addendum_add(
            request=None, actor=world.clinician_a, session=session, text="Called the patient."
        )
    text = _pdf_text(document_pdf(session, "note"))
    assert f"on {case.day_long}, {case.clock} {case.abbr}" in text
    assert f"{case.day}, {case.clock} {case.abbr}: Called the patient." in text
    assert "(UTC)" not in text


def test_a_session_at_a_location_with_its_own_zone_reads_in_that_zone(world: World) -> None:
    sydney = Location.objects.create(
        clinic=world.clinic_a, name="Sydney rooms", time_zone="Australia/Sydney"
    )
    with _at_instant(CASES[0]):  # 20:30 MST on the 3rd is 14:30 AEDT on the 4th
        session = _signed_session(world, dt.date(2026, 12, 4), location=sydney)
    assert "on 4 December 2026, 14:30 AEDT" in _pdf_text(document_pdf(session, "note"))
    page = client_for(world.clinician_a).get(
        reverse("charting:session", args=[world.patient_a.public_id, session.public_id])
    )
    assert "on 4 Dec 2026, 14:30 AEDT" in page.content.decode()


def test_the_consent_pdf_shows_when_it_was_signed_in_local_time(world: World, case: Case) -> None:
    with _at_instant(case):
        make_ready(world)
    consent = Consent.objects.get()
    assert f"Signed at: {case.day_long}, {case.clock}:00 {case.abbr}" in _pdf_text(consent.pdf)


def test_the_audit_log_shows_local_times(world: World, case: Case) -> None:
    with _at_instant(case):
        make_ready(world)
    client = client_for(world.owner_a)
    page = client.get(reverse("audit:log")).content.decode()
    assert f"{case.iso_day} {case.clock}:00 {case.abbr}" in page
    assert case.utc_iso_day not in page
    local_day = {"date_from": case.iso_day, "date_to": case.iso_day}
    assert case.clock in client.get(reverse("audit:log"), local_day).content.decode()
    utc_day = {"date_from": case.utc_iso_day, "date_to": case.utc_iso_day}
    assert case.clock not in client.get(reverse("audit:log"), utc_day).content.decode()


def test_the_booking_email_and_calendar_file_say_the_local_time(world: World, case: Case) -> None:
    with _at_instant(case):
        _book_friday(world, case)
    email = OutboundMessage.objects.get(kind=Kind.BOOKING_CONFIRMATION)
    hour = case.appointment_at.strftime("%H:%M")
    assert f"Friday 4 December 2026 at {hour} {case.abbr}" in email.body
    calendar = email.calendar_file.replace("\r\n ", "")  # unfold (RFC 5545 3.1)
    assert f"DTSTART:{case.appointment_utc}\r\n" in calendar
    assert "DTSTAMP:" + case.instant.strftime("%Y%m%dT%H%M%SZ") in calendar
    assert f"DESCRIPTION:Friday 4 December 2026\\, {hour} {case.abbr}\\, with" in calendar


def test_the_schedule_shows_the_local_day_and_time(world: World, case: Case) -> None:
    with _at_instant(case):
        _book_friday(world, case)
        page = client_for(world.frontdesk_a).get(reverse("scheduling:day"), {"date": "2026-12-04"})
    html = page.content.decode()
    hour = case.appointment_at.strftime("%H:%M")
    assert "Schedule: Friday 4 December 2026" in html
    assert f"{hour} {case.abbr}" in html and "Lovelace" in html


def test_a_portal_message_shows_the_local_time(world: World, case: Case) -> None:
    with _at_instant(case):
        patient_message_send(
            request=None,
            author=world.clinician_a,
            patient=world.patient_a,
            body="See you on Friday.",
            from_patient=False,
        )
    page = client_for(world.portal_user_a).get(reverse("portal:messages")).content.decode()
    assert f"{case.day}, {case.clock} {case.abbr}" in page and "See you on Friday." in page


def test_a_location_in_another_zone_offers_its_own_local_hours(world: World) -> None:
    clinic = world.clinic_a  # in Denver
    setup.scheduling_defaults_ensure(clinic=clinic)
    sydney = Location.objects.create(
        clinic=clinic, name="Sydney rooms", time_zone="Australia/Sydney"
    )
    setup.working_hours_add(
        request=None,
        actor=world.owner_a,
        clinic=clinic,
        practitioner=world.clinician_a,
        location=sydney,
        weekday=FRIDAY.weekday(),
        start=dt.time(9),
        end=dt.time(10),
    )
    found = free_slots_for(
        clinic=clinic,
        appointment_type=AppointmentType.objects.for_clinic(clinic).get(kind="dry_needling"),
        day=FRIDAY,
        now=dt.datetime(2026, 12, 1, tzinfo=UTC),
        practitioners=[world.clinician_a],
    )
    assert found[0].slot.start == dt.datetime(2026, 12, 3, 22, 0, tzinfo=UTC)  # 09:00 AEDT
    assert found[0].location == sydney


def test_the_owner_sets_a_locations_zone_and_it_is_audited(world: World) -> None:
    location = Location.objects.for_clinic(world.clinic_a).get()
    url = reverse("clinics:location_time_zone", kwargs={"location_id": location.public_id})
    client = client_for(world.owner_a)
    client.post(url, {"time_zone": "Australia/Sydney"})
    location.refresh_from_db()
    assert location.zone == ZoneInfo("Australia/Sydney")
    change = AuditEntry.objects.filter(object_id=str(location.public_id)).latest("pk")
    assert change.detail["time_zone"] == {"from": "", "to": "Australia/Sydney"}
    client.post(url, {"time_zone": ""})
    location.refresh_from_db()
    assert location.time_zone == "" and location.zone == ZoneInfo("America/Denver")
    refused = client.post(url, {"time_zone": "Mars/Olympus"}, follow=True).content.decode()
    assert "Time zone" in refused and "not one of the available choices" in refused
    assert client_for(world.frontdesk_a).post(url, {"time_zone": "UTC"}).status_code == 403


def test_a_new_location_may_start_in_its_own_zone(world: World) -> None:
    client_for(world.owner_a).post(
        reverse("clinics:location_add"), {"name": "Perth rooms", "time_zone": "Australia/Perth"}
    )
    perth = Location.objects.for_clinic(world.clinic_a).get(name="Perth rooms")
    assert perth.zone == ZoneInfo("Australia/Perth")
