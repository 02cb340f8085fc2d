"""Each role of clinic A on each scheduling page, and the staff of clinic B: 404 for A's records.

Booking is everyone's work; set-up is the owner's; care plans are clinical (written and closed
by clinicians, read by clinicians and the owner); a session starts by a clinician's hand.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from taut.clinics.roles import Role
from taut.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    CarePlanStatus,
    TimeOff,
    WeeklyBreak,
    WorkingHours,
)
from tests.conftest import World, client_for
from tests.scheduling.conftest import TUESDAY, Desk, at, book, make_plan

EVERY_ROLE = (Role.OWNER, Role.CLINICIAN, Role.FRONT_DESK)


def _allowed(role: Role, roles: tuple[Role, ...]) -> int:
    return 200 if role in roles else 403


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_every_role_sees_the_schedule_and_books(desk: Desk, role: Role) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    client = client_for(desk.world.staff("a", role))
    for url in (
        reverse("scheduling:day"),
        reverse("scheduling:week"),
        reverse("scheduling:book", args=[desk.world.patient_a.public_id]),
        reverse("scheduling:appointment", args=[appointment.public_id]),
        reverse("scheduling:move", args=[appointment.public_id]),
        reverse("scheduling:my_calendar"),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_only_the_owner_reaches_the_set_up(desk: Desk, role: Role) -> None:
    client = client_for(desk.world.staff("a", role))
    appointment_type = AppointmentType.objects.for_clinic(desk.world.clinic_a).first()
    assert appointment_type is not None
    expected = _allowed(role, (Role.OWNER,))
    for url in (
        reverse("scheduling:setup"),
        reverse("scheduling:type_edit", args=[appointment_type.pk]),
    ):
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("role", (Role.CLINICIAN, Role.FRONT_DESK))
def test_a_role_without_set_up_changes_nothing_in_it(desk: Desk, role: Role) -> None:
    client = client_for(desk.world.staff("a", role))
    hours = WorkingHours.objects.for_clinic(desk.world.clinic_a).first()
    pause = WeeklyBreak.objects.for_clinic(desk.world.clinic_a).first()
    off = TimeOff.objects.for_clinic(desk.world.clinic_a).first()
    assert hours and pause and off
    for url in (
        reverse("scheduling:hours_remove", args=[hours.pk]),
        reverse("scheduling:break_remove", args=[pause.pk]),
        reverse("scheduling:time_off_remove", args=[off.pk]),
        reverse("scheduling:policy"),
        reverse("scheduling:hours_add"),
    ):
        assert client.post(url, {"late_fee": "0"}).status_code == 403, url
    assert WorkingHours.objects.filter(pk=hours.pk).exists()
    assert WeeklyBreak.objects.filter(pk=pause.pk).exists()
    assert TimeOff.objects.filter(pk=off.pk).exists()


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_care_plans_are_written_by_clinicians_and_read_by_clinical_roles(
    desk: Desk, role: Role
) -> None:
    plan = make_plan(desk.world)
    client = client_for(desk.world.staff("a", role))
    new_plan = reverse("scheduling:plan_new", args=[desk.world.patient_a.public_id])
    assert client.get(new_plan).status_code == _allowed(role, (Role.CLINICIAN,))
    detail = reverse("scheduling:plan", args=[plan.public_id])
    assert client.get(detail).status_code == _allowed(role, (Role.OWNER, Role.CLINICIAN))


@pytest.mark.parametrize("role", (Role.OWNER, Role.FRONT_DESK))
def test_only_a_clinician_closes_a_care_plan(desk: Desk, role: Role) -> None:
    plan = make_plan(desk.world)
    url = reverse("scheduling:plan_close", args=[plan.public_id])
    response = client_for(desk.world.staff("a", role)).post(
        url, {"status": "completed", "note": "Goals met"}
    )
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == CarePlanStatus.ACTIVE


@pytest.mark.parametrize("role", (Role.OWNER, Role.FRONT_DESK))
def test_only_a_clinician_starts_a_treatment_session(desk: Desk, role: Role) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    url = reverse("scheduling:start_session", args=[appointment.public_id])
    assert client_for(desk.world.staff("a", role)).post(url).status_code == 403
    appointment.refresh_from_db()
    assert appointment.session_id is None


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_another_clinic_s_staff_do_not_find_clinic_a_s_records(desk: Desk, role: Role) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    plan = make_plan(desk.world)
    client = client_for(desk.world.staff("b", role))
    pages = [
        reverse("scheduling:book", args=[desk.world.patient_a.public_id]),
        reverse("scheduling:appointment", args=[appointment.public_id]),
        reverse("scheduling:move", args=[appointment.public_id]),
    ]
    if role != Role.FRONT_DESK:
        pages.append(reverse("scheduling:plan", args=[plan.public_id]))
    for url in pages:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("action", ["cancel", "arrived", "no_show", "start_session"])
def test_another_clinic_s_clinician_cannot_change_an_appointment(desk: Desk, action: str) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    url = reverse(f"scheduling:{action}", args=[appointment.public_id])
    response = client_for(desk.world.clinician_b).post(url, {"reason": "Not mine"})
    assert response.status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_another_clinic_s_owner_cannot_touch_clinic_a_s_set_up(desk: Desk) -> None:
    client = client_for(desk.world.owner_b)
    hours = WorkingHours.objects.for_clinic(desk.world.clinic_a).first()
    pause = WeeklyBreak.objects.for_clinic(desk.world.clinic_a).first()
    off = TimeOff.objects.for_clinic(desk.world.clinic_a).first()
    appointment_type = AppointmentType.objects.for_clinic(desk.world.clinic_a).first()
    assert hours and pause and off and appointment_type
    assert client.post(reverse("scheduling:hours_remove", args=[hours.pk])).status_code == 404
    assert client.post(reverse("scheduling:break_remove", args=[pause.pk])).status_code == 404
    assert client.post(reverse("scheduling:time_off_remove", args=[off.pk])).status_code == 404
    url = reverse("scheduling:type_edit", args=[appointment_type.pk])
    assert client.get(url).status_code == 404
    assert WorkingHours.objects.filter(pk=hours.pk).exists()
    assert TimeOff.objects.filter(pk=off.pk).exists()


def test_another_clinic_s_staff_never_see_clinic_a_s_bookings_on_their_day(desk: Desk) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    page = client_for(desk.world.frontdesk_b).get(reverse("scheduling:day"), {"date": "2026-11-24"})
    text = page.content.decode()
    assert str(appointment.public_id) not in text and "Lovelace" not in text


def test_another_clinic_s_desk_cannot_book_clinic_a_s_clinician(desk: Desk) -> None:
    url = reverse("scheduling:book", args=[desk.world.patient_b.public_id])
    appointment_type = desk.type("initial_evaluation")
    slot = f"{desk.world.clinician_a.public_id}|{desk.location.pk}|{at(TUESDAY, 9).isoformat()}"
    client_for(desk.world.frontdesk_b).post(
        url, {"appointment_type": appointment_type.pk, "slot": slot}
    )
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("name", ["day", "week", "setup", "my_calendar"])
def test_signed_out_visitors_are_sent_to_sign_in(db: None, name: str) -> None:
    from django.test import Client

    response = Client().get(reverse(f"scheduling:{name}"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_patient_s_portal_login_does_not_open_the_schedule(world: World) -> None:
    client = client_for(world.portal_user_a)
    for name in ("day", "week", "setup"):
        assert client.get(reverse(f"scheduling:{name}")).status_code in (403, 404), name


@pytest.mark.parametrize("name", ["cancel", "arrived", "no_show", "start_session"])
def test_appointment_actions_need_a_post(desk: Desk, name: str) -> None:
    appointment = book(desk, at(TUESDAY, 9))
    url = reverse(f"scheduling:{name}", args=[appointment.public_id])
    assert client_for(desk.world.clinician_a).get(url).status_code == 405
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_the_week_page_of_a_clinic_without_clinicians_is_not_found(world: World) -> None:
    from taut.clinics.models import Membership

    Membership.objects.filter(clinic=world.clinic_b, role=Role.CLINICIAN).delete()
    assert client_for(world.owner_b).get(reverse("scheduling:week")).status_code == 404


def test_a_feed_address_that_was_never_issued_is_not_found(db: None, client: Any) -> None:
    response = client.get(reverse("scheduling:feed", args=["not-a-real-token"]))
    assert response.status_code == 404
