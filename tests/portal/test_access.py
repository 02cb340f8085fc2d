"""The portal opens to a signed-in patient only, and only onto their own records."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World, client_for

PAGES = ["home", "intake", "consents", "aftercare", "appointments", "messages"]


@pytest.mark.parametrize("name", PAGES)
def test_a_signed_out_visitor_is_sent_to_sign_in(db: None, name: str) -> None:
    response = Client().get(reverse(f"portal:{name}"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("name", PAGES)
def test_staff_without_a_patient_record_are_refused(world: World, name: str) -> None:
    assert client_for(world.owner_a).get(reverse(f"portal:{name}")).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_a_patient_reaches_each_of_their_pages(world: World, name: str) -> None:
    assert client_for(world.portal_user_a).get(reverse(f"portal:{name}")).status_code == 200


def test_the_home_page_shows_the_patient_s_own_name_only(world: World) -> None:
    page = client_for(world.portal_user_a).get(reverse("portal:home")).content.decode()
    assert "Ada" in page
    assert "Boris" not in page and "Becker" not in page


def test_a_login_whose_patient_record_is_archived_opens_nothing(world: World) -> None:
    from taut import clock

    world.patient_a.archived_at = clock.now()
    world.patient_a.save()
    response = client_for(world.portal_user_a).get(reverse("portal:home"))
    assert response.status_code in (403, 404)


@pytest.mark.parametrize(
    "name", ["consent_pdf", "consent_withdraw", "appointment_ics", "appointment_cancel"]
)
def test_an_unknown_record_id_is_not_found(world: World, name: str) -> None:
    url = reverse(f"portal:{name}", args=[uuid.uuid4()])
    client = client_for(world.portal_user_a)
    response = client.post(url) if name.endswith(("withdraw", "cancel")) else client.get(url)
    assert response.status_code == 404


def test_an_unknown_aftercare_session_is_not_found(world: World) -> None:
    url = reverse("portal:aftercare_pdf", args=[uuid.uuid4()])
    assert client_for(world.portal_user_a).get(url).status_code == 404


def test_an_unsigned_session_has_no_aftercare_for_the_patient(world: World) -> None:
    from tests.charting.conftest import ready_session

    session, _ = ready_session(world)
    client = client_for(world.portal_user_a)
    url = reverse("portal:aftercare_pdf", args=[session.public_id])
    assert client.get(url).status_code == 404
    page = client.get(reverse("portal:aftercare")).content.decode()
    assert url not in page


def test_another_patient_cannot_read_a_session_s_aftercare(world: World) -> None:
    from tests.charting.conftest import ready_session

    session, _ = ready_session(world)
    url = reverse("portal:aftercare_pdf", args=[session.public_id])
    assert client_for(world.portal_user_b).get(url).status_code == 404


def test_reading_the_portal_is_audited_under_the_patient_s_login(world: World) -> None:
    from taut.audit.models import AuditEntry

    client_for(world.portal_user_a).get(reverse("portal:appointments"))
    entry = AuditEntry.objects.filter(actor=world.portal_user_a).latest("pk")
    assert entry.clinic == world.clinic_a
