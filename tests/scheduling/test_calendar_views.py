"""The calendar's page, its JSON feed and its drag-to-move endpoint: scoped to the clinic,
audited, and refusing through the booking service with the field and the reason."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse

from taut.audit.models import AuditEntry
from taut.scheduling.models import Appointment, AppointmentStatus
from tests.conftest import client_for, make_patient
from tests.scheduling.conftest import TUESDAY, Desk, at, book
from tests.scheduling.rooms import add_clinician, add_resource, needs

DAY = {"start": "2026-11-24T00:00:00", "end": "2026-11-25T00:00:00"}


def _feed(client: Any, **column: str) -> Any:
    return client.get(reverse("scheduling:calendar_events"), {**DAY, **column})


def _move(client: Any, appointment: Appointment, start: str, end: str, **extra: str) -> Any:
    url = reverse("scheduling:calendar_move", kwargs={"appointment_id": appointment.public_id})
    body = json.dumps({"start": start, "end": end, **extra})
    return client.post(url, body, content_type="application/json")


def test_the_page_has_a_column_per_clinician_and_per_room_with_a_legend(desk: Desk) -> None:
    add_resource(desk, "Room 1")
    client = client_for(desk.world.frontdesk_a)
    page = client.get(reverse("scheduling:calendar"), {"date": TUESDAY.isoformat()})
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count("data-calendar") == 1 and "Clinician A" in text
    assert "Initial evaluation" in text and "Did not attend" in text  # the legend, in words
    assert "vendor/fullcalendar/index.global.min.js" in text
    nonce = page.context["request"].csp_nonce
    assert f"'nonce-{nonce}'" in page["Content-Security-Policy"].split("style-src")[1]
    rooms = client.get(reverse("scheduling:calendar"), {"by": "room", "view": "week"})
    assert "Room 1" in rooms.content.decode() and "timeGridWeek" in rooms.content.decode()


def test_the_feed_gives_a_columns_visits_in_clinic_time_and_audits_the_read(desk: Desk) -> None:
    room = add_resource(desk, "Room 1")
    booked = book(desk, at(TUESDAY, 10), room=room)
    client = client_for(desk.world.frontdesk_a)
    events = _feed(client, practitioner=str(desk.world.clinician_a.public_id)).json()
    assert [e["id"] for e in events] == [str(booked.public_id)]
    event = events[0]
    assert (event["start"], event["end"]) == ("2026-11-24T10:00:00", "2026-11-24T10:45:00")
    assert event["title"] == "Ada Lovelace · Initial evaluation · Room 1"
    assert event["editable"] is True and "status-booked" in event["classNames"]
    assert _feed(client, resource=str(room.public_id)).json()[0]["id"] == str(booked.public_id)
    entry = AuditEntry.objects.filter(object_type="calendar").latest("pk")
    assert entry.detail["patients"] == [str(desk.world.patient_a.public_id)]


def test_the_feed_refuses_a_bad_range_and_another_clinics_column(desk: Desk) -> None:
    client = client_for(desk.world.frontdesk_a)
    clinician = str(desk.world.clinician_a.public_id)
    bad = client.get(reverse("scheduling:calendar_events"), {"practitioner": clinician})
    assert bad.status_code == 422 and set(bad.json()["error"]["fields"]) == {"start", "end"}
    long = client.get(
        reverse("scheduling:calendar_events"),
        {"practitioner": clinician, "start": "2026-11-01T00:00:00", "end": "2027-01-01T00:00:00"},
    )
    assert long.status_code == 422 and "end" in long.json()["error"]["fields"]
    other = str(desk.world.clinician_b.public_id)
    assert _feed(client, practitioner=other).status_code == 404
    assert _feed(client_for(desk.world.frontdesk_b), practitioner=clinician).status_code == 404


def test_a_drag_to_a_free_time_moves_the_visit(desk: Desk) -> None:
    booked = book(desk, at(TUESDAY, 10))
    client = client_for(desk.world.frontdesk_a)
    answer = _move(client, booked, "2026-11-24T14:15:00", "2026-11-24T15:00:00")
    assert answer.status_code == 200, answer.content
    moved = Appointment.objects.get(rescheduled_from=booked)
    assert moved.starts_at == at(TUESDAY, 14, 15) and moved.ends_at == at(TUESDAY, 15)
    assert answer.json()["id"] == str(moved.public_id)
    assert "Moved to Tue 24 Nov, 14:15" in answer.json()["message"]


def test_a_resize_lengthens_the_visit_within_its_kind(desk: Desk) -> None:
    booked = book(desk, at(TUESDAY, 10))
    client = client_for(desk.world.frontdesk_a)
    assert _move(client, booked, "2026-11-24T10:00:00", "2026-11-24T11:00:00").status_code == 200
    assert Appointment.objects.get(rescheduled_from=booked).ends_at == at(TUESDAY, 11)


def test_a_drag_onto_a_taken_time_a_break_or_a_taken_room_is_refused(desk: Desk) -> None:
    needs(desk, "initial_evaluation", room=True)
    add_resource(desk, "Room 1")
    mine = book(desk, at(TUESDAY, 10))
    book(desk, at(TUESDAY, 14), patient=make_patient(desk.world.clinic_a, "Bo", "Taken"))
    client = client_for(desk.world.frontdesk_a)

    taken = _move(client, mine, "2026-11-24T14:00:00", "2026-11-24T14:45:00")
    lunch = _move(client, mine, "2026-11-24T12:00:00", "2026-11-24T12:45:00")
    assert taken.status_code == lunch.status_code == 409
    assert taken.json()["error"]["fields"] == {"start": taken.json()["error"]["message"]}

    other = book(
        desk,
        at(TUESDAY, 15),
        practitioner=add_clinician(desk, "cal"),
        patient=make_patient(desk.world.clinic_a, "Cy", "Room"),
    )
    room_taken = _move(client, mine, "2026-11-24T15:00:00", "2026-11-24T15:45:00")
    error = room_taken.json()["error"]
    assert room_taken.status_code == 409 and "room" in error["fields"]
    assert error["message"] == "No treatment room is free at A main at that time."
    assert other.room == mine.room
    mine.refresh_from_db()
    assert mine.status == AppointmentStatus.BOOKED and mine.starts_at == at(TUESDAY, 10)


def test_a_malformed_move_names_the_field(desk: Desk) -> None:
    booked = book(desk, at(TUESDAY, 10))
    client = client_for(desk.world.frontdesk_a)
    answer = _move(client, booked, "tomorrow", "2026-11-24T11:00:00")
    assert answer.status_code == 422 and "start" in answer.json()["error"]["fields"]
    backwards = _move(client, booked, "2026-11-24T11:00:00", "2026-11-24T10:00:00")
    assert backwards.json()["error"]["fields"] == {"end": "after the start"}


def test_another_clinics_visit_is_not_found(desk: Desk) -> None:
    booked = book(desk, at(TUESDAY, 10))
    outsider = client_for(desk.world.frontdesk_b)
    answer = _move(outsider, booked, "2026-11-24T14:00:00", "2026-11-24T14:45:00")
    assert answer.status_code == 404
    assert Appointment.objects.get().starts_at == at(TUESDAY, 10)
