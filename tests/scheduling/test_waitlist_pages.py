"""The waitlist's pages: the patient joins and leaves in the portal, the desk adds a patient,
and the signed offer link books the first to accept and tells a later one it is taken."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from taut.messaging.models import Kind, OutboundMessage
from taut.scheduling.models import OfferStatus, WaitlistEntry, WaitlistOffer, WaitlistStatus
from tests.conftest import client_for, run_due_tasks
from tests.scheduling.conftest import NOW, TUESDAY, Desk, at, book
from tests.scheduling.test_waitlist import cancel, waiting


def _form(desk: Desk, **extra: Any) -> dict[str, Any]:
    return {
        "appointment_type": desk.type("initial_evaluation").pk,
        "practitioner": "",
        "parts_of_day": ["morning"],
        "from_date": NOW.date().isoformat(),
        "to_date": TUESDAY.isoformat(),
        **extra,
    }


def test_a_patient_joins_and_leaves_the_waitlist_in_the_portal(desk: Desk) -> None:
    client = client_for(desk.world.portal_user_a)
    response = client.post(reverse("portal:waitlist"), _form(desk))
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get(patient=desk.world.patient_a)
    assert entry.parts_of_day == ["morning"] and entry.practitioner is None
    client.post(reverse("portal:waitlist_leave", args=[entry.public_id]))
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.LEFT


def test_reversed_dates_in_the_portal_name_the_field(desk: Desk) -> None:
    client = client_for(desk.world.portal_user_a)
    data = _form(desk, from_date=TUESDAY.isoformat(), to_date=NOW.date().isoformat())
    response = client.post(reverse("portal:waitlist"), data)
    assert response.status_code == 422 and "Until:" in response.content.decode()


def test_another_patient_cannot_end_someone_s_entry(desk: Desk) -> None:
    client_for(desk.world.portal_user_a).post(reverse("portal:waitlist"), _form(desk))
    entry = WaitlistEntry.objects.get()
    url = reverse("portal:waitlist_leave", args=[entry.public_id])
    assert client_for(desk.world.portal_user_b).post(url).status_code == 404


def test_the_desk_puts_a_patient_on_the_waitlist(desk: Desk) -> None:
    url = reverse("scheduling:waitlist_add", args=[desk.world.patient_a.public_id])
    client = client_for(desk.world.frontdesk_a)
    assert client.post(url, _form(desk)).status_code == 302
    page = client.get(reverse("scheduling:waitlist"))
    assert desk.world.patient_a.family_name in page.content.decode()


def _links() -> list[str]:
    run_due_tasks()
    bodies = OutboundMessage.objects.filter(kind=Kind.WAITLIST_OFFER).order_by("pk")
    return [re.search(r"(/book/offer/\S+/)", m.body).group(1) for m in bodies]  # type: ignore[union-attr]


def test_the_offer_link_books_the_first_and_tells_the_second_it_is_taken(desk: Desk) -> None:
    waiting(desk, 2)
    cancel(desk, book(desk, at(TUESDAY, 10)))
    run_due_tasks()
    first, second = _links()
    page = Client().get(first)
    assert page.status_code == 200 and "Accept this time" in page.content.decode()
    assert "You are booked" in Client().post(first).content.decode()
    late = Client().post(second)
    assert late.status_code == 409 and "taken" in late.content.decode()
    assert sorted(WaitlistOffer.objects.values_list("status", flat=True)) == sorted(
        [OfferStatus.ACCEPTED, OfferStatus.TAKEN]
    )


def test_a_damaged_link_is_not_found(desk: Desk) -> None:
    assert Client().get(reverse("booking:offer", args=["x:y"])).status_code == 404
