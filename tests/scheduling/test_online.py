"""Online booking by patients: who the booking is for, what a stranger learns, what the public
page refuses, and the clinic's own limits (notice, days ahead, types offered, switched off)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from taut.patients.models import Patient
from taut.scheduling.models import Appointment, AppointmentType, BookingChannel, BookingPolicy
from taut.scheduling.services import BookingRefused
from taut.scheduling.services.online import online_booking_make, portal_account_open
from tests.conftest import client_for, make_patient
from tests.scheduling.conftest import NOW, TUESDAY, Desk, at

NEWCOMER = {
    "given_name": "Nia",
    "family_name": "Okoro",
    "date_of_birth": dt.date(1990, 2, 3),
    "phone": "(303) 555-0177",
    "email": "nia@example.com",
}


def _online(desk: Desk, start: dt.datetime, **extra: Any) -> Appointment:
    fields: dict[str, Any] = {
        "request": None,
        "clinic": desk.world.clinic_a,
        "patient": None,
        "details": dict(NEWCOMER),
        "appointment_type": desk.type("initial_evaluation"),
        "practitioner": desk.world.clinician_a,
        "location": desk.location,
        "starts_at": start,
        "now": NOW,
        **extra,
    }
    return online_booking_make(**fields)


def _urls(desk: Desk) -> tuple[str, str]:
    slug = desk.world.clinic_a.slug
    return (
        reverse("booking:start", kwargs={"clinic_slug": slug}),
        reverse("booking:details", kwargs={"clinic_slug": slug}),
    )


def _slot(desk: Desk, start: dt.datetime) -> str:
    return f"{desk.world.clinician_a.public_id}|{desk.location.pk}|{start.isoformat()}"


def _confirm(client: Client, desk: Desk, start: dt.datetime, **details: Any) -> Any:
    _, details_url = _urls(desk)
    data = {
        "appointment_type": desk.type("initial_evaluation").pk,
        "slot": _slot(desk, start),
        "step": "confirm",
        **{k: str(v) for k, v in NEWCOMER.items()},
        **details,
    }
    return client.post(details_url, data)


# Who the booking is for


def test_a_returning_patient_with_the_same_email_and_birth_date_is_not_duplicated(
    desk: Desk,
) -> None:
    known = make_patient(
        desk.world.clinic_a,
        "Nia",
        "Okoro",
        email="NIA@example.com",
        date_of_birth=dt.date(1990, 2, 3),
    )
    appointment = _online(desk, at(TUESDAY, 9))
    assert appointment.patient == known
    assert Patient.objects.filter(family_name="Okoro").count() == 1


def test_the_same_email_with_another_birth_date_makes_a_new_record(desk: Desk) -> None:
    make_patient(
        desk.world.clinic_a,
        "Nia",
        "Okoro",
        email="nia@example.com",
        date_of_birth=dt.date(1991, 2, 3),
    )
    appointment = _online(desk, at(TUESDAY, 9))
    assert appointment.patient.date_of_birth == dt.date(1990, 2, 3)
    assert Patient.objects.filter(family_name="Okoro").count() == 2


def test_an_archived_namesake_is_not_matched(desk: Desk) -> None:
    from taut import clock

    make_patient(
        desk.world.clinic_a,
        "Nia",
        "Okoro",
        email="nia@example.com",
        date_of_birth=dt.date(1990, 2, 3),
        archived_at=clock.now(),
    )
    appointment = _online(desk, at(TUESDAY, 9))
    assert appointment.patient.archived_at is None


def test_a_patient_of_another_clinic_is_never_matched(desk: Desk) -> None:
    make_patient(
        desk.world.clinic_b,
        "Nia",
        "Okoro",
        email="nia@example.com",
        date_of_birth=dt.date(1990, 2, 3),
    )
    appointment = _online(desk, at(TUESDAY, 9))
    assert appointment.patient.clinic == desk.world.clinic_a


def test_a_new_patient_gets_a_portal_login_without_a_password(desk: Desk) -> None:
    appointment = _online(desk, at(TUESDAY, 9))
    user = appointment.patient.portal_user
    assert user is not None and not user.has_usable_password()
    assert user.email == "nia@example.com"
    assert appointment.channel == BookingChannel.ONLINE


def test_portal_logins_for_the_same_email_get_distinct_usernames(desk: Desk) -> None:
    first = make_patient(desk.world.clinic_a, "Nia", "Okoro", email="nia@example.com")
    second = make_patient(desk.world.clinic_b, "Nia", "Okoro", email="nia@example.com")
    one, two = portal_account_open(patient=first), portal_account_open(patient=second)
    assert one.username != two.username


def test_opening_a_portal_account_twice_keeps_the_first(desk: Desk) -> None:
    patient = make_patient(desk.world.clinic_a, "Nia", "Okoro", email="nia@example.com")
    first = portal_account_open(patient=patient)
    assert portal_account_open(patient=patient) == first


def test_a_refused_online_booking_writes_no_patient_and_no_login(desk: Desk) -> None:
    with pytest.raises(BookingRefused):
        _online(desk, at(TUESDAY, 22))
    assert not Patient.objects.filter(family_name="Okoro").exists()


# The public pages


def test_a_clinic_that_switched_online_booking_off_has_no_booking_page(desk: Desk) -> None:
    BookingPolicy.objects.update_or_create(
        clinic=desk.world.clinic_a, defaults={"online_booking": False}
    )
    start, details = _urls(desk)
    assert Client().get(start).status_code == 404
    assert Client().post(details, {}).status_code == 404


def test_a_type_not_bookable_online_cannot_be_posted(desk: Desk) -> None:
    hidden = desk.type("initial_evaluation")
    AppointmentType.objects.filter(pk=hidden.pk).update(bookable_online=False)
    response = _confirm(Client(), desk, at(TUESDAY, 9))
    assert response.status_code == 409
    assert "not one this clinic offers" in response.content.decode()
    assert not Appointment.objects.exists()


def test_details_posted_without_a_slot_are_refused(desk: Desk) -> None:
    _, details_url = _urls(desk)
    response = Client().post(details_url, {"step": "confirm"})
    assert response.status_code == 409
    assert "Please choose a time first." in response.content.decode()


def test_an_online_booking_inside_the_notice_is_refused_on_the_page(desk: Desk) -> None:
    response = _confirm(Client(), desk, at(NOW.date(), 9))  # an hour away; two needed
    assert response.status_code == 409
    assert "no longer free" in response.content.decode()
    assert not Patient.objects.filter(family_name="Okoro").exists()


def test_the_search_refuses_days_beyond_the_clinic_s_horizon(desk: Desk) -> None:
    start, _ = _urls(desk)
    horizon = NOW.date() + dt.timedelta(days=60)
    client = Client()
    params = {"appointment_type": str(desk.type("initial_evaluation").pk), "practitioner": ""}
    late = client.get(start, {**params, "day": (horizon + dt.timedelta(days=1)).isoformat()})
    assert "at most 60 days ahead" in late.content.decode()
    assert late.context["choices"] == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not-an-email"),
        ("date_of_birth", "2030-01-01"),
        ("date_of_birth", "yesterday"),
        ("given_name", ""),
        ("given_name", "N" * 500),
        ("phone", ""),
    ],
)
def test_details_the_form_refuses_book_nothing(desk: Desk, field: str, value: str) -> None:
    response = _confirm(Client(), desk, at(TUESDAY, 9), **{field: value})
    assert response.status_code == 422
    assert not Appointment.objects.exists()
    assert not Patient.objects.filter(family_name="Okoro").exists()


def test_a_name_with_markup_is_refused_and_not_echoed_as_markup(desk: Desk) -> None:
    response = _confirm(Client(), desk, at(TUESDAY, 9), family_name="<b>Okoro</b>")
    assert response.status_code == 422
    assert "<b>Okoro</b>" not in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_signed_in_patient_books_for_themselves_without_typing_details(desk: Desk) -> None:
    _, details_url = _urls(desk)
    response = client_for(desk.world.portal_user_a).post(
        details_url,
        {
            "appointment_type": desk.type("initial_evaluation").pk,
            "slot": _slot(desk, at(TUESDAY, 9)),
            "step": "confirm",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.patient == desk.world.patient_a
    assert appointment.booked_by == desk.world.portal_user_a


def test_a_patient_of_another_clinic_signed_in_books_as_a_visitor(desk: Desk) -> None:
    response = _confirm(client_for(desk.world.portal_user_b), desk, at(TUESDAY, 9))
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.patient.clinic == desk.world.clinic_a
    assert appointment.patient != desk.world.patient_b


def test_the_confirmation_page_shows_nothing_to_another_browser(desk: Desk) -> None:
    response = _confirm(Client(), desk, at(TUESDAY, 9))
    done = response["Location"]
    stranger = Client().get(done).content.decode()
    assert "Okoro" not in stranger and "Nia" not in stranger
    assert desk.location.name not in stranger


def test_the_details_page_needs_a_post(desk: Desk) -> None:
    _, details_url = _urls(desk)
    assert Client().get(details_url).status_code == 405
