"""Who reaches which consent page: each role of clinic A, the staff of clinic B (404), patients."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from taut.clinics.roles import Role
from taut.consent.models import Consent, ConsentDocument
from tests.conftest import World, client_for, publish_consent_document, sign_consent

MANAGERS = {Role.OWNER}
EVERY_ROLE = (Role.OWNER, Role.CLINICIAN, Role.FRONT_DESK)


def _signed(world: World) -> Consent:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    return sign_consent(world.patient_a, document, world.frontdesk_a)


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_only_the_owner_reaches_the_consent_documents(world: World, role: Role) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    client = client_for(world.staff("a", role))
    expected = 200 if role in MANAGERS else 403
    for url in (
        reverse("consent:documents"),
        reverse("consent:document", args=[document.public_id]),
        reverse("consent:section", args=[document.public_id, "title"]),
    ):
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("role", (Role.CLINICIAN, Role.FRONT_DESK))
def test_a_role_without_consent_manage_cannot_publish(world: World, role: Role) -> None:
    from tests.consent.conftest import DOCUMENT_POST

    response = client_for(world.staff("a", role)).post(reverse("consent:documents"), DOCUMENT_POST)
    assert response.status_code == 403
    assert not ConsentDocument.objects.exists()


@pytest.mark.parametrize("role", (Role.CLINICIAN, Role.FRONT_DESK))
def test_a_role_without_consent_manage_cannot_revise_a_section(world: World, role: Role) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    url = reverse("consent:section", args=[document.public_id, "title"])
    response = client_for(world.staff("a", role)).post(url, {"value": "Changed"})
    assert response.status_code == 403
    assert ConsentDocument.objects.count() == 1


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_every_role_takes_signatures_and_reads_the_patient_s_consents(
    world: World, role: Role
) -> None:
    consent = _signed(world)
    client = client_for(world.staff("a", role))
    patient = world.patient_a.public_id
    assert client.get(reverse("consent:patient", args=[patient])).status_code == 200
    assert client.get(reverse("consent:sign", args=[patient, "general"])).status_code == 200
    assert client.get(reverse("consent:pdf", args=[patient, consent.public_id])).status_code == 200


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_another_clinic_s_staff_find_nothing(world: World, role: Role) -> None:
    consent = _signed(world)
    document = consent.document
    patient = world.patient_a.public_id
    client = client_for(world.staff("b", role))
    urls = [
        reverse("consent:patient", args=[patient]),
        reverse("consent:sign", args=[patient, "general"]),
        reverse("consent:pdf", args=[patient, consent.public_id]),
    ]
    if role in MANAGERS:
        urls += [
            reverse("consent:document", args=[document.public_id]),
            reverse("consent:section", args=[document.public_id, "title"]),
        ]
    for url in urls:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_another_clinic_s_staff_cannot_withdraw_a_consent(world: World, role: Role) -> None:
    consent = _signed(world)
    url = reverse("consent:withdraw", args=[world.patient_a.public_id, consent.public_id])
    assert client_for(world.staff("b", role)).post(url, {"reason": "x"}).status_code == 404
    consent.refresh_from_db()
    assert not consent.is_withdrawn


def test_another_clinic_s_staff_cannot_sign_for_a_patient(world: World) -> None:
    from tests.conftest import SIGNATURE

    publish_consent_document(world.clinic_b, world.owner_b)
    url = reverse("consent:sign", args=[world.patient_a.public_id, "general"])
    post = {"signed_name": "Ada Lovelace", "signature": SIGNATURE, "understood": "on"}
    assert client_for(world.frontdesk_b).post(url, post).status_code == 404
    assert not Consent.objects.exists()


def test_a_consent_fetched_under_another_patient_s_address_is_not_found(
    world: World, django_user_model: Any
) -> None:
    from tests.conftest import make_patient

    consent = _signed(world)
    sibling = make_patient(world.clinic_a, "Byron", "Lovelace")
    client = client_for(world.clinician_a)
    url = reverse("consent:pdf", args=[sibling.public_id, consent.public_id])
    assert client.get(url).status_code == 404
    withdraw = reverse("consent:withdraw", args=[sibling.public_id, consent.public_id])
    assert client.post(withdraw).status_code == 404
    consent.refresh_from_db()
    assert not consent.is_withdrawn


def test_signed_out_visitors_are_sent_to_sign_in(world: World) -> None:
    from django.test import Client

    consent = _signed(world)
    for url in (
        reverse("consent:documents"),
        reverse("consent:patient", args=[world.patient_a.public_id]),
        reverse("consent:pdf", args=[world.patient_a.public_id, consent.public_id]),
    ):
        response = Client().get(url)
        assert response.status_code == 302 and "login" in response["Location"], url


def test_a_patient_s_portal_login_does_not_open_staff_pages(world: World) -> None:
    consent = _signed(world)
    client = client_for(world.portal_user_a)
    for url in (
        reverse("consent:documents"),
        reverse("consent:patient", args=[world.patient_a.public_id]),
        reverse("consent:pdf", args=[world.patient_a.public_id, consent.public_id]),
    ):
        assert client.get(url).status_code in (403, 404), url


def test_withdrawing_needs_a_post(world: World) -> None:
    consent = _signed(world)
    url = reverse("consent:withdraw", args=[world.patient_a.public_id, consent.public_id])
    assert client_for(world.owner_a).get(url).status_code == 405
    consent.refresh_from_db()
    assert not consent.is_withdrawn


def test_a_section_that_does_not_exist_is_not_found(world: World) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    client = client_for(world.owner_a)
    for slug in ("published_by", "version", "risks"):
        url = reverse("consent:section", args=[document.public_id, slug])
        assert client.get(url).status_code == 404, slug


def test_a_kind_of_consent_that_does_not_exist_is_not_found(world: World) -> None:
    publish_consent_document(world.clinic_a, world.owner_a)
    url = reverse("consent:sign", args=[world.patient_a.public_id, "acupuncture"])
    assert client_for(world.frontdesk_a).get(url).status_code == 404


# The portal: a patient reaches their own consents only


def test_a_patient_cannot_download_or_withdraw_another_patient_s_consent(world: World) -> None:
    theirs = sign_consent(
        world.patient_b, publish_consent_document(world.clinic_b, world.owner_b), world.owner_b
    )
    client = client_for(world.portal_user_a)
    assert client.get(reverse("portal:consent_pdf", args=[theirs.public_id])).status_code == 404
    withdraw = reverse("portal:consent_withdraw", args=[theirs.public_id])
    assert client.post(withdraw, {"reason": ""}).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_withdrawn


def test_staff_without_a_patient_record_do_not_reach_the_portal(world: World) -> None:
    response = client_for(world.clinician_a).get(reverse("portal:consents"))
    assert response.status_code in (302, 403, 404)
    assert b"Withdraw" not in response.content
