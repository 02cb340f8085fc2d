from __future__ import annotations

from django.urls import reverse

from taut.audit.models import Action, AuditEntry
from taut.consent.models import Consent, ConsentDocument
from tests.conftest import SIGNATURE, World, client_for, publish_consent_document, sign_consent

DOCUMENT = {
    "kind": "general",
    "title": "Consent to dry needling",
    "introduction": "What it is.",
    "techniques": ["superficial", "deep"],
    "alternatives": "Exercise.",
}


def test_the_owner_publishes_new_versions_and_never_edits_old_ones(world: World) -> None:
    client = client_for(world.owner_a)
    client.post(reverse("consent:documents"), DOCUMENT)
    client.post(reverse("consent:documents"), {**DOCUMENT, "title": "Consent, revised"})
    versions = list(
        ConsentDocument.objects.filter(clinic=world.clinic_a)
        .order_by("version")
        .values_list("version", "title")
    )
    assert versions == [(1, "Consent to dry needling"), (2, "Consent, revised")]


def test_an_electrical_consent_must_cover_the_electrical_technique(world: World) -> None:
    response = client_for(world.owner_a).post(
        reverse("consent:documents"), {**DOCUMENT, "kind": "electrical"}
    )
    assert "must cover the electrical technique" in response.content.decode()
    assert not ConsentDocument.objects.exists()


def test_a_patient_signs_on_the_clinic_tablet(world: World) -> None:
    publish_consent_document(world.clinic_a, world.owner_a)
    url = reverse("consent:sign", args=[world.patient_a.public_id, "general"])
    client = client_for(world.frontdesk_a)
    page = client.get(url)
    assert b"7,629" in page.content and b"Brady" in page.content
    response = client.post(
        url, {"signed_name": "Ada Lovelace", "signature": SIGNATURE, "understood": "on"}
    )
    assert response.status_code == 302
    consent = Consent.objects.get(patient=world.patient_a)
    assert consent.channel == "tablet" and consent.taken_by == world.frontdesk_a


def test_signing_without_a_drawn_signature_names_the_field_and_stores_nothing(
    world: World,
) -> None:
    publish_consent_document(world.clinic_a, world.owner_a)
    url = reverse("consent:sign", args=[world.patient_a.public_id, "general"])
    response = client_for(world.frontdesk_a).post(
        url, {"signed_name": "Ada", "signature": "", "understood": "on"}
    )
    assert "Please draw your signature in the box." in response.content.decode()
    assert not Consent.objects.exists()


def test_withdrawal_is_kept_with_who_and_when(world: World) -> None:
    consent = sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.frontdesk_a
    )
    url = reverse("consent:withdraw", args=[world.patient_a.public_id, consent.public_id])
    client_for(world.clinician_a).post(url, {"reason": "Prefers exercise only"})
    consent.refresh_from_db()
    assert consent.is_withdrawn and consent.withdrawn_by == world.clinician_a
    assert consent.withdrawal_reason == "Prefers exercise only"


def test_downloading_the_pdf_is_audited_as_an_export(world: World) -> None:
    consent = sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.frontdesk_a
    )
    url = reverse("consent:pdf", args=[world.patient_a.public_id, consent.public_id])
    response = client_for(world.clinician_a).get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action=Action.EXPORT, object_id=str(consent.public_id))


def test_a_patient_signs_and_withdraws_in_the_portal(world: World) -> None:
    publish_consent_document(world.clinic_a, world.owner_a)
    client = client_for(world.portal_user_a)
    client.post(
        reverse("portal:sign", args=["general"]),
        {"signed_name": "Ada Lovelace", "signature": SIGNATURE, "understood": "on"},
    )
    consent = Consent.objects.get(patient=world.patient_a)
    assert consent.channel == "portal"
    assert client.get(reverse("portal:consent_pdf", args=[consent.public_id])).status_code == 200
    client.post(reverse("portal:consent_withdraw", args=[consent.public_id]), {"reason": ""})
    consent.refresh_from_db()
    assert consent.withdrawn_by == world.portal_user_a


def test_a_patient_of_clinic_a_never_sees_clinic_b_forms(world: World) -> None:
    publish_consent_document(world.clinic_b, world.owner_b)
    page = client_for(world.portal_user_a).get(reverse("portal:consents"))
    assert b"not offered by the clinic" in page.content
    signing = client_for(world.portal_user_a).get(reverse("portal:sign", args=["general"]))
    assert signing.status_code == 302  # clinic A has published nothing to sign
