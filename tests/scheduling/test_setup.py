"""The owner's set-up: appointment types within their kind's limits, a buffer that holds the
clinician, removals that keep bookings, a policy saved once per clinic, defaults given once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from taut.audit.models import AuditEntry
from taut.scheduling.availability import free_slots_for, policy_for
from taut.scheduling.models import (
    AppointmentStatus,
    AppointmentType,
    BookingPolicy,
    TimeOff,
    WeeklyBreak,
    WorkingHours,
)
from taut.scheduling.services import BookingRefused, setup
from tests.conftest import client_for
from tests.scheduling.conftest import NOW, THANKSGIVING, TUESDAY, Desk, at, book


def _type_post(desk: Desk, kind: str, **fields: Any) -> Any:
    appointment_type = desk.type(kind)
    data = {
        "name": appointment_type.name,
        "minutes": appointment_type.minutes,
        "buffer_minutes": appointment_type.buffer_minutes,
        "bookable_online": "on",
        "is_active": "on",
        **fields,
    }
    url = reverse("scheduling:type_edit", args=[appointment_type.pk])
    return client_for(desk.world.owner_a).post(url, data)


# Appointment types


@pytest.mark.parametrize(
    ("kind", "minutes", "allowed"),
    [
        ("initial_evaluation", 30, True),
        ("initial_evaluation", 60, True),
        ("initial_evaluation", 29, False),
        ("initial_evaluation", 61, False),
        ("dry_needling", 10, True),
        ("dry_needling", 15, True),
        ("dry_needling", 9, False),
        ("dry_needling", 16, False),
    ],
)
def test_a_type_s_length_stays_within_its_kind_s_limits(
    desk: Desk, kind: str, minutes: int, allowed: bool
) -> None:
    response = _type_post(desk, kind, minutes=minutes)
    saved = AppointmentType.objects.get(pk=desk.type(kind).pk).minutes
    if allowed:
        assert response.status_code == 302 and saved == minutes
    else:
        assert response.status_code == 422 and saved != minutes
        assert "Minutes:" in response.content.decode()


@pytest.mark.parametrize(("buffer", "allowed"), [(0, True), (60, True), (61, False)])
def test_a_buffer_is_zero_to_sixty_minutes(desk: Desk, buffer: int, allowed: bool) -> None:
    response = _type_post(desk, "initial_evaluation", buffer_minutes=buffer)
    assert (response.status_code == 302) is allowed


def test_a_type_without_a_name_is_refused(desk: Desk) -> None:
    response = _type_post(desk, "initial_evaluation", name="   ")
    assert response.status_code == 422
    assert AppointmentType.objects.get(pk=desk.type("initial_evaluation").pk).name.strip()


def test_the_service_refuses_a_type_the_form_would_let_through(desk: Desk) -> None:
    appointment_type = desk.type("dry_needling")
    appointment_type.minutes = 45
    with pytest.raises(BookingRefused, match=r"^Minutes: .*10-15 minutes, not 45"):
        setup.appointment_type_save(
            request=None, actor=desk.world.owner_a, appointment_type=appointment_type
        )
    appointment_type.refresh_from_db()
    assert appointment_type.minutes != 45


def test_a_buffer_keeps_the_clinician_free_after_the_visit(desk: Desk) -> None:
    _type_post(desk, "initial_evaluation", buffer_minutes=15)
    desk.type("initial_evaluation").refresh_from_db()
    appointment = book(desk, at(TUESDAY, 9))
    assert appointment.ends_at == at(TUESDAY, 9, 45)
    assert appointment.blocked_until == at(TUESDAY, 10)
    found = free_slots_for(
        clinic=desk.world.clinic_a,
        appointment_type=desk.type("initial_evaluation"),
        day=TUESDAY,
        now=NOW,
        practitioners=[desk.world.clinician_a],
    )
    starts = [f.slot.start for f in found]
    assert at(TUESDAY, 9, 45) not in starts and at(TUESDAY, 10) in starts


def test_an_inactive_type_is_not_offered_for_booking(desk: Desk) -> None:
    _type_post(desk, "initial_evaluation", is_active="")
    url = reverse("scheduling:book", args=[desk.world.patient_a.public_id])
    page = client_for(desk.world.frontdesk_a).get(url)
    offered = list(page.context["search"].form.fields["appointment_type"].queryset)
    assert desk.type("initial_evaluation") not in offered


def test_an_edited_type_is_audited_with_its_name(desk: Desk) -> None:
    _type_post(desk, "initial_evaluation", name="First visit")
    entry = AuditEntry.objects.filter(detail__name="First visit").get()
    assert entry.actor == desk.world.owner_a


# Defaults and policy


def test_defaults_are_given_once_and_never_overwrite_the_clinic_s_changes(desk: Desk) -> None:
    _type_post(desk, "initial_evaluation", name="First visit")
    count = AppointmentType.objects.for_clinic(desk.world.clinic_a).count()
    setup.scheduling_defaults_ensure(clinic=desk.world.clinic_a)
    assert AppointmentType.objects.for_clinic(desk.world.clinic_a).count() == count
    assert AppointmentType.objects.filter(name="First visit").exists()
    assert BookingPolicy.objects.filter(clinic=desk.world.clinic_a).count() == 1


def test_a_clinic_without_a_saved_policy_reads_the_defaults(world: Any) -> None:
    policy = policy_for(world.clinic_b)
    assert policy.pk is None
    assert (policy.min_notice_minutes, policy.cancellation_notice_hours) == (120, 24)


def test_the_owner_saves_the_policy_and_it_applies(desk: Desk) -> None:
    response = client_for(desk.world.owner_a).post(
        reverse("scheduling:policy"),
        {
            "online_booking": "",
            "min_notice_minutes": "60",
            "days_ahead": "30",
            "cancellation_notice_hours": "48",
            "late_fee": "15.00",
            "reminder_hours": "12",
        },
    )
    assert response.status_code == 302
    policy = policy_for(desk.world.clinic_a)
    assert not policy.online_booking and policy.cancellation_notice_hours == 48
    slug = desk.world.clinic_a.slug
    assert (
        client_for(desk.world.owner_a).get(reverse("booking:start", args=[slug])).status_code == 404
    )


# Removing set-up rows


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("hours_remove", WorkingHours),
        ("break_remove", WeeklyBreak),
        ("time_off_remove", TimeOff),
    ],
)
def test_the_owner_removes_a_row_and_it_is_audited(desk: Desk, name: str, model: Any) -> None:
    row = model.objects.for_clinic(desk.world.clinic_a).first()
    response = client_for(desk.world.owner_a).post(reverse(f"scheduling:{name}", args=[row.pk]))
    assert response.status_code == 302
    assert not model.objects.filter(pk=row.pk).exists()
    assert AuditEntry.objects.filter(detail__removed=str(row)).exists()


def test_removing_a_row_twice_is_not_found_the_second_time(desk: Desk) -> None:
    row = TimeOff.objects.for_clinic(desk.world.clinic_a).get()
    url = reverse("scheduling:time_off_remove", args=[row.pk])
    client = client_for(desk.world.owner_a)
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 404


def test_removing_time_off_opens_the_day_for_booking(desk: Desk) -> None:
    with pytest.raises(BookingRefused):
        book(desk, at(THANKSGIVING, 9))
    row = TimeOff.objects.for_clinic(desk.world.clinic_a).get()
    client_for(desk.world.owner_a).post(reverse("scheduling:time_off_remove", args=[row.pk]))
    assert book(desk, at(THANKSGIVING, 9)).status == AppointmentStatus.BOOKED


def test_removing_the_lunch_break_opens_the_lunch_hour(desk: Desk) -> None:
    with pytest.raises(BookingRefused):
        book(desk, at(TUESDAY, 12))
    pause = WeeklyBreak.objects.get(weekday=TUESDAY.weekday())
    client_for(desk.world.owner_a).post(reverse("scheduling:break_remove", args=[pause.pk]))
    assert book(desk, at(TUESDAY, 12)).starts_at == at(TUESDAY, 12)


def test_a_removal_needs_a_post(desk: Desk) -> None:
    row = TimeOff.objects.for_clinic(desk.world.clinic_a).get()
    url = reverse("scheduling:time_off_remove", args=[row.pk])
    assert client_for(desk.world.owner_a).get(url).status_code == 405
    assert TimeOff.objects.filter(pk=row.pk).exists()


def test_time_off_added_on_the_page_starts_and_ends_at_local_midnight(desk: Desk) -> None:
    client_for(desk.world.owner_a).post(
        reverse("scheduling:time_off_add"),
        {
            "practitioner": str(desk.world.clinician_a.public_id),
            "first_day": "2027-03-13",
            "last_day": "2027-03-14",  # the spring-forward Sunday: a 23-hour day
            "reason": "Ski trip",
        },
    )
    off = TimeOff.objects.get(reason="Ski trip")
    assert off.starts_at == dt.datetime(2027, 3, 13, 7, tzinfo=dt.UTC)  # 00:00 MST
    assert off.ends_at == dt.datetime(2027, 3, 15, 6, tzinfo=dt.UTC)  # 00:00 MDT
