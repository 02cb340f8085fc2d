from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from taut.audit.models import AuditEntry
from taut.patients.models import Patient
from taut.scheduling.models import Appointment, AppointmentStatus, CalendarFeed
from tests.conftest import client_for, run_due_tasks
from tests.scheduling.conftest import Desk, make_plan, next_working_day


def _search(client: Any, url: str, desk: Desk, kind: str = "initial_evaluation") -> Any:
    return client.get(
        url,
        {
            "appointment_type": desk.type(kind).pk,
            "practitioner": "",
            "day": next_working_day().isoformat(),
        },
    )


def test_the_desk_finds_free_times_and_books_one(desk: Desk) -> None:
    client = client_for(desk.world.frontdesk_a)
    url = reverse("scheduling:book", kwargs={"patient_id": desk.world.patient_a.public_id})
    page = _search(client, url, desk)
    assert page.status_code == 200
    slot = page.context["choices"][0][0]
    response = client.post(
        url + "?" + page.wsgi_request.GET.urlencode(),
        {"appointment_type": desk.type("initial_evaluation").pk, "slot": slot, "note": "Neck"},
    )
    appointment = Appointment.objects.get()
    assert response.status_code == 302 and str(appointment.public_id) in response["Location"]
    assert appointment.note == "Neck" and appointment.channel == "desk"


def test_a_tampered_slot_is_refused_with_a_message(desk: Desk) -> None:
    client = client_for(desk.world.frontdesk_a)
    url = reverse("scheduling:book", kwargs={"patient_id": desk.world.patient_a.public_id})
    response = client.post(
        url, {"appointment_type": desk.type("initial_evaluation").pk, "slot": "x|y|z"}
    )
    assert response.status_code == 422
    assert "could not be read" in response.content.decode()
    assert not Appointment.objects.exists()


def test_the_day_view_lists_bookings_per_clinician(desk: Desk) -> None:
    from tests.scheduling.conftest import TUESDAY, at, book

    book(desk, at(TUESDAY, 9))
    page = client_for(desk.world.frontdesk_a).get(reverse("scheduling:day"), {"date": "2026-11-24"})
    assert page.status_code == 200
    assert "Lovelace" in page.content.decode() and "09:00" in page.content.decode()


def test_a_clinician_starts_the_session_from_the_appointment(desk: Desk) -> None:
    from tests.charting.conftest import make_ready, stock_and_profile
    from tests.scheduling.conftest import TUESDAY, at, book

    make_ready(desk.world)
    stock_and_profile(desk.world)
    appointment = book(desk, at(TUESDAY, 9))
    response = client_for(desk.world.clinician_a).post(
        reverse("scheduling:start_session", kwargs={"appointment_id": appointment.public_id})
    )
    appointment.refresh_from_db()
    assert response.status_code == 302, response.content
    assert appointment.session is not None and appointment.status == AppointmentStatus.COMPLETED
    assert appointment.session.location == desk.location  # for the dashboard's location filter


def test_the_front_desk_cannot_start_a_session(desk: Desk) -> None:
    from tests.scheduling.conftest import TUESDAY, at, book

    appointment = book(desk, at(TUESDAY, 9))
    response = client_for(desk.world.frontdesk_a).post(
        reverse("scheduling:start_session", kwargs={"appointment_id": appointment.public_id})
    )
    assert response.status_code == 403


def test_the_setup_page_names_the_field_of_a_bad_entry(desk: Desk) -> None:
    client = client_for(desk.world.owner_a)
    response = client.post(
        reverse("scheduling:hours_add"),
        {
            "practitioner": str(desk.world.clinician_a.public_id),
            "location": desk.location.pk,
            "weekday": 5,
            "start": "17:00",
            "end": "09:00",
        },
    )
    assert response.status_code == 422
    assert "End: The hours must end after they start." in response.content.decode()


def test_only_the_owner_sets_up_the_schedule(desk: Desk) -> None:
    assert client_for(desk.world.frontdesk_a).get(reverse("scheduling:setup")).status_code == 403
    assert client_for(desk.world.owner_a).get(reverse("scheduling:setup")).status_code == 200


def test_a_calendar_feed_shows_initials_and_dies_when_renewed(desk: Desk) -> None:
    from tests.scheduling.conftest import TUESDAY, at, book

    book(desk, at(TUESDAY, 9))
    client = client_for(desk.world.clinician_a)
    client.post(reverse("scheduling:my_calendar"))
    token = CalendarFeed.objects.get().token
    feed = client.get(reverse("scheduling:feed", kwargs={"token": token}))
    body = feed.content.decode()
    assert feed["Content-Type"].startswith("text/calendar")
    assert "A. L." in body and "Lovelace" not in body
    client.post(reverse("scheduling:my_calendar"))
    assert client.get(reverse("scheduling:feed", kwargs={"token": token})).status_code == 404


def test_a_new_patient_books_online_and_is_invited_to_the_portal(desk: Desk) -> None:
    from django.test import Client

    visitor = Client()
    start = reverse("booking:start", kwargs={"clinic_slug": desk.world.clinic_a.slug})
    page = _search(visitor, start, desk)
    slot = page.context["choices"][0][0]
    details_url = reverse("booking:details", kwargs={"clinic_slug": desk.world.clinic_a.slug})
    chosen = {"appointment_type": desk.type("initial_evaluation").pk, "slot": slot}
    assert visitor.post(details_url, chosen).status_code == 200
    missing = visitor.post(details_url, {**chosen, "step": "confirm", "given_name": "Nia"})
    assert missing.status_code == 422 and "Family name" in missing.content.decode()
    done = visitor.post(
        details_url,
        {
            **chosen,
            "step": "confirm",
            "given_name": "Nia",
            "family_name": "Okoro",
            "date_of_birth": "1990-02-03",
            "phone": "(303) 555-0177",
            "email": "nia@example.com",
        },
    )
    assert done.status_code == 302
    confirmation = visitor.get(done["Location"]).content.decode()
    booked = Appointment.objects.get(patient__family_name="Okoro")
    local = timezone.localtime(booked.starts_at, desk.world.clinic_a.zone)
    assert f"{local:%A} {local.day} {local:%B %Y, %H:%M}" in confirmation  # the time
    assert desk.location.name in confirmation  # the place
    assert "Clinician A" in confirmation  # the clinician
    assert "Initial evaluation" in confirmation
    patient = Patient.objects.get(family_name="Okoro")
    assert patient.portal_user is not None and not patient.portal_user.has_usable_password()
    assert Appointment.objects.get(patient=patient).channel == "online"
    run_due_tasks()
    subjects = sorted(m.subject for m in mail.outbox)
    assert any("patient portal" in s for s in subjects) and any(
        "appointment" in s for s in subjects
    )
    invitation = next(m for m in mail.outbox if "patient portal" in m.subject)
    link = next(w for w in invitation.body.split() if "/accounts/reset/" in w)
    page = visitor.get(link.replace("http://127.0.0.1:8000", ""), follow=True)
    assert page.status_code == 200 and "Choose a new password" in page.content.decode()


def test_a_new_patient_cannot_book_a_needling_visit_online(desk: Desk) -> None:
    from django.test import Client

    visitor = Client()
    start = reverse("booking:start", kwargs={"clinic_slug": desk.world.clinic_a.slug})
    page = _search(visitor, start, desk, kind="dry_needling")
    slot = page.context["choices"][0][0]
    response = visitor.post(
        reverse("booking:details", kwargs={"clinic_slug": desk.world.clinic_a.slug}),
        {
            "appointment_type": desk.type("dry_needling").pk,
            "slot": slot,
            "step": "confirm",
            "given_name": "Nia",
            "family_name": "Okoro",
            "date_of_birth": "1990-02-03",
            "phone": "(303) 555-0177",
            "email": "nia@example.com",
        },
    )
    assert response.status_code == 409
    assert "established patients only" in response.content.decode()
    assert not Patient.objects.filter(family_name="Okoro").exists()  # nothing half-written


def test_an_unknown_clinic_has_no_booking_page(db: None) -> None:
    from django.test import Client

    assert (
        Client().get(reverse("booking:start", kwargs={"clinic_slug": "nowhere"})).status_code == 404
    )


def test_the_portal_lists_and_cancels_the_patients_own_appointment(desk: Desk) -> None:
    from tests.scheduling.conftest import TUESDAY, at, book

    appointment = book(desk, at(TUESDAY, 9))
    client = client_for(desk.world.portal_user_a)
    page = client.get(reverse("portal:appointments"))
    assert page.status_code == 200 and "Initial evaluation" in page.content.decode()
    ics = client.get(
        reverse("portal:appointment_ics", kwargs={"appointment_id": appointment.public_id})
    )
    assert b"BEGIN:VEVENT" in ics.content
    client.post(
        reverse("portal:appointment_cancel", kwargs={"appointment_id": appointment.public_id})
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert AuditEntry.objects.filter(object_type="appointment", action="update").exists()


@pytest.mark.parametrize("status", ["completed", "discontinued"])
def test_a_care_plan_is_written_followed_and_closed(desk: Desk, status: str) -> None:
    plan = make_plan(desk.world)
    client = client_for(desk.world.clinician_a)
    page = client.get(reverse("scheduling:plan", kwargs={"plan_id": plan.public_id}))
    assert page.status_code == 200 and "0 of 4 sessions" in page.content.decode()
    client.post(
        reverse("scheduling:plan_close", kwargs={"plan_id": plan.public_id}),
        {"status": status, "note": "Goals met"},
    )
    plan.refresh_from_db()
    assert plan.status == status and plan.end_note == "Goals met"


def test_a_care_plan_books_its_follow_ups_on_its_rhythm(desk: Desk) -> None:
    plan = make_plan(desk.world, per_week=2)
    client = client_for(desk.world.frontdesk_a)
    first = next_working_day()
    client.post(
        reverse("scheduling:plan_book", kwargs={"plan_id": plan.public_id}),
        {
            "practitioner": str(desk.world.clinician_a.public_id),
            "appointment_type": desk.type("follow_up").pk,
            "first_day": first.isoformat(),
            "time": "09:00",
            "sessions": 3,
        },
    )
    booked = list(Appointment.objects.filter(care_plan=plan).order_by("starts_at"))
    assert 1 <= len(booked) <= 3
    days = [a.starts_at.date() for a in booked]
    assert all((b - a).days >= 2 for a, b in zip(days, days[1:], strict=False))


def test_the_portal_home_shows_the_next_appointment_and_the_documents(desk: Desk) -> None:
    from tests.conftest import publish_consent_document, sign_consent
    from tests.scheduling.conftest import at, book

    world = desk.world
    consent = sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.frontdesk_a
    )
    book(desk, at(next_working_day(), 9), now=timezone.now())  # upcoming by the real clock
    page = client_for(world.portal_user_a).get(reverse("portal:home")).content.decode()
    assert "Initial evaluation" in page
    assert reverse("portal:consent_pdf", kwargs={"consent_id": consent.public_id}) in page


def test_online_booking_stops_a_script_booking_many_visits_from_one_address(desk: Desk) -> None:
    from django.test import Client

    from taut.scheduling.services.online import ONLINE_BOOKINGS_PER_HOUR

    visitor = Client(REMOTE_ADDR="203.0.113.9")
    start = reverse("booking:start", kwargs={"clinic_slug": desk.world.clinic_a.slug})
    details_url = reverse("booking:details", kwargs={"clinic_slug": desk.world.clinic_a.slug})
    choices = [value for value, _ in _search(visitor, start, desk).context["choices"]]
    statuses = []
    for i, slot in enumerate(choices[::4][: ONLINE_BOOKINGS_PER_HOUR + 1]):  # 45 min apart
        response = visitor.post(
            details_url,
            {
                "appointment_type": desk.type("initial_evaluation").pk,
                "slot": slot,
                "step": "confirm",
                "given_name": "Bot",
                "family_name": f"Number{chr(65 + i)}",
                "date_of_birth": "1990-02-03",
                "phone": "(303) 555-0177",
                "email": f"bot{i}@example.com",
            },
        )
        statuses.append(response.status_code)
    assert statuses == [302] * ONLINE_BOOKINGS_PER_HOUR + [409]


def test_the_owner_removes_hours_breaks_and_time_off_and_each_is_audited(desk: Desk) -> None:
    from taut.scheduling.models import TimeOff, WeeklyBreak, WorkingHours

    client = client_for(desk.world.owner_a)
    clinic = desk.world.clinic_a
    for name, model, param in (
        ("scheduling:hours_remove", WorkingHours, "hours_id"),
        ("scheduling:break_remove", WeeklyBreak, "break_id"),
        ("scheduling:time_off_remove", TimeOff, "time_off_id"),
    ):
        row = model.objects.for_clinic(clinic).order_by("pk")[0]
        assert client.post(reverse(name, kwargs={param: row.pk})).status_code == 302
        assert not model.objects.filter(pk=row.pk).exists()
    removed = AuditEntry.objects.filter(object_type="scheduling_setup", detail__has_key="removed")
    assert removed.count() == 3


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "head", "options"])
def test_calendar_files_answer_get_only(desk: Desk, method: str) -> None:
    from tests.scheduling.conftest import TUESDAY, at, book

    appointment = book(desk, at(TUESDAY, 9))
    clinician = client_for(desk.world.clinician_a)
    clinician.post(reverse("scheduling:my_calendar"))
    feed = reverse("scheduling:feed", kwargs={"token": CalendarFeed.objects.get().token})
    portal_file = reverse(
        "portal:appointment_ics", kwargs={"appointment_id": appointment.public_id}
    )
    patient = client_for(desk.world.portal_user_a)
    for client, url in ((clinician, feed), (patient, portal_file)):
        assert client.get(url).status_code == 200
        assert getattr(client, method)(url).status_code == 405


def test_the_desk_sees_a_late_cancellation_on_the_day_and_in_the_patients_history(
    desk: Desk,
) -> None:
    from decimal import Decimal

    from taut.scheduling.models import BookingPolicy
    from taut.scheduling.services import appointment_cancel
    from tests.scheduling.conftest import TUESDAY, at, book

    BookingPolicy.objects.update_or_create(
        clinic=desk.world.clinic_a, defaults={"late_fee": Decimal("40.00")}
    )
    for hour, cancelled_at in ((9, at(TUESDAY, 7)), (14, at(TUESDAY - timedelta(days=2), 9))):
        appointment_cancel(
            request=None,
            actor=desk.world.frontdesk_a,
            appointment=book(desk, at(TUESDAY, hour)),
            reason="Car trouble",
            now=cancelled_at,
        )
    client = client_for(desk.world.frontdesk_a)
    day = client.get(reverse("scheduling:day"), {"date": TUESDAY.isoformat()}).content.decode()
    assert "Cancelled late · fee 40.00" in day and "badge-late" in day
    assert "Cancelled in time" in day
    record = client.get(
        reverse("patients:detail", kwargs={"patient_id": desk.world.patient_a.public_id})
    ).content.decode()
    assert "Cancelled late · fee 40.00" in record and "Cancelled in time" in record
    assert "1 late cancellation, 0 missed visits" in record
    late = Appointment.objects.get(cancellation_class="late")
    page = client.get(reverse("scheduling:appointment", args=[late.public_id])).content.decode()
    assert "Cancelled late" in page and "late: the fee policy applies" in page


def test_the_public_slot_list_can_be_narrowed_to_one_location(desk: Desk) -> None:
    from django.test import Client

    from taut.clinics.models import Location
    from taut.scheduling.services import setup

    clinic = desk.world.clinic_a
    second = Location.objects.create(clinic=clinic, name="North branch", address="1 North Rd")
    day = next_working_day()
    setup.working_hours_add(  # a colleague's hours at the second site, so both places have times
        request=None,
        actor=desk.world.owner_a,
        clinic=clinic,
        practitioner=desk.world.clinician_a,
        location=second,
        weekday=day.weekday(),
        start=dt.time(17),
        end=dt.time(19),
    )
    start = reverse("booking:start", kwargs={"clinic_slug": clinic.slug})
    query = {
        "appointment_type": desk.type("initial_evaluation").pk,
        "practitioner": "",
        "day": day.isoformat(),
    }
    visitor = Client()
    everywhere = visitor.get(start, query)
    places = {found.location.name for _, found in everywhere.context["choices"]}
    assert places == {desk.location.name, "North branch"}
    assert 'name="location"' in everywhere.content.decode()
    north = visitor.get(start, {**query, "location": str(second.public_id)})
    assert {found.location.name for _, found in north.context["choices"]} == {"North branch"}
    assert ", at North branch" in north.content.decode()
    unknown = visitor.get(start, {**query, "location": "not-a-place"})
    assert "Where: choose one of the clinic" in unknown.content.decode()
