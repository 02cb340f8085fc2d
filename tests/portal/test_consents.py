"""Consent in the portal: the patient signs their own clinic's current version, reads back what
they signed, and withdraws it once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from taut.consent.models import Consent
from tests.conftest import SIGNATURE, World, client_for, publish_consent_document, sign_consent

SIGNED = {"signed_name": "Ada Lovelace", "signature": SIGNATURE, "understood": "on"}


def _messages(response: object) -> list[str]:
    return [str(m) for m in response.context["messages"]]  # type: ignore[attr-defined]


def test_signing_before_the_clinic_publishes_sends_the_patient_back_with_a_reason(
    world: World,
) -> None:
    response = client_for(world.portal_user_a).get(
        reverse("portal:sign", args=["general"]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("portal:consents")
    assert any("has not published" in m for m in _messages(response))


def test_an_unknown_kind_of_consent_is_not_found(world: World) -> None:
    publish_consent_document(world.clinic_a, world.owner_a)
    url = reverse("portal:sign", args=["hypnosis"])
    assert client_for(world.portal_user_a).get(url).status_code == 404


def test_the_patient_signs_the_current_version_of_their_own_clinic(world: World) -> None:
    publish_consent_document(world.clinic_a, world.owner_a)
    current = publish_consent_document(world.clinic_a, world.owner_a)
    publish_consent_document(world.clinic_b, world.owner_b)
    client_for(world.portal_user_a).post(reverse("portal:sign", args=["general"]), SIGNED)
    consent = Consent.objects.get()
    assert consent.document == current and consent.patient == world.patient_a
    assert consent.taken_by == world.portal_user_a and consent.channel == "portal"


def test_a_signature_without_ticking_understood_is_refused(world: World) -> None:
    publish_consent_document(world.clinic_a, world.owner_a)
    response = client_for(world.portal_user_a).post(
        reverse("portal:sign", args=["general"]), {**SIGNED, "understood": ""}
    )
    assert response.status_code == 200
    assert not Consent.objects.exists()


def test_the_patient_downloads_the_pdf_they_signed(world: World) -> None:
    import hashlib

    consent = sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.owner_a
    )
    url = reverse("portal:consent_pdf", args=[consent.public_id])
    response = client_for(world.portal_user_a).get(url)
    assert hashlib.sha256(response.content).hexdigest() == consent.pdf_sha256


def test_withdrawing_in_the_portal_twice_is_refused_the_second_time(world: World) -> None:
    consent = sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.owner_a
    )
    url = reverse("portal:consent_withdraw", args=[consent.public_id])
    client = client_for(world.portal_user_a)
    first = client.post(url, {"reason": "Changed my mind"}, follow=True)
    assert any("withdrawn" in m for m in _messages(first))
    second = client.post(url, {"reason": "Again"}, follow=True)
    assert any("already withdrawn" in m for m in _messages(second))
    consent.refresh_from_db()
    assert consent.withdrawal_reason == "Changed my mind"


def test_withdrawing_needs_a_post(world: World) -> None:
    consent = sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.owner_a
    )
    url = reverse("portal:consent_withdraw", args=[consent.public_id])
    assert client_for(world.portal_user_a).get(url).status_code == 405


@pytest.mark.parametrize("requires_reconsent", [True, False])
def test_the_consents_page_asks_to_sign_again_only_when_the_clinic_requires_it(
    world: World, requires_reconsent: bool
) -> None:
    sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.owner_a
    )
    publish_consent_document(world.clinic_a, world.owner_a, requires_reconsent=requires_reconsent)
    page = client_for(world.portal_user_a).get(reverse("portal:consents")).content.decode()
    assert ("A new version must be signed" in page) is requires_reconsent
