"""What the consent pages do with what people type: refusals that name the field, text shown
escaped, and the section editor's refusals shown beside the form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from taut.consent.models import Consent, ConsentDocument
from taut.consent.services import consent_withdraw
from tests.conftest import SIGNATURE, World, client_for, publish_consent_document, sign_consent
from tests.consent.conftest import DOCUMENT_POST

SCRIPT = "<script>alert('x')</script>"


def _publish(world: World, **changes: object) -> tuple[int, str]:
    response = client_for(world.owner_a).post(
        reverse("consent:documents"), {**DOCUMENT_POST, **changes}
    )
    return response.status_code, response.content.decode()


def _sign_url(world: World, kind: str = "general") -> str:
    return reverse("consent:sign", args=[world.patient_a.public_id, kind])


# Publishing a document


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "T" * 201),
        ("introduction", ""),
        ("introduction", "x" * 10_001),
        ("alternatives", ""),
        ("alternatives", "x" * 5_001),
        ("rights", "x" * 5_001),
        ("kind", "acupuncture"),
        ("techniques", ["superficial", "cupping"]),
        ("techniques", []),
    ],
)
def test_a_document_the_form_refuses_is_not_published(
    world: World, field: str, value: object
) -> None:
    status, page = _publish(world, **{field: value})
    assert status == 200  # the form again, with the reason beside the field
    assert 'class="errorlist' in page
    assert not ConsentDocument.objects.exists()


def test_a_title_at_the_limit_is_published(world: World) -> None:
    status, _ = _publish(world, title="T" * 200)
    assert status == 302
    assert ConsentDocument.objects.get().title == "T" * 200


def test_an_electrical_document_needs_the_electrical_technique_but_a_general_one_may_have_it(
    world: World,
) -> None:
    _, refused = _publish(world, kind="electrical", techniques=["deep"])
    assert "must cover the electrical technique" in refused
    status, _ = _publish(world, kind="general", techniques=["deep", "electrical"])
    assert status == 302
    assert list(ConsentDocument.objects.values_list("kind", flat=True)) == ["general"]


def test_markup_typed_into_a_document_is_shown_as_text(world: World) -> None:
    _publish(world, title=f"Consent {SCRIPT}", introduction=f"Intro {SCRIPT}")
    document = ConsentDocument.objects.get()
    client = client_for(world.owner_a)
    for url in (
        reverse("consent:documents"),
        reverse("consent:document", args=[document.public_id]),
        _sign_url(world),
    ):
        page = client.get(url).content.decode()
        assert SCRIPT not in page, url
        assert "&lt;script&gt;" in page, url


def test_the_publish_form_starts_from_the_current_version(world: World) -> None:
    _publish(world, title="Our own title", alternatives="Our alternatives")
    page = client_for(world.owner_a).get(reverse("consent:documents")).content.decode()
    assert "Our own title" in page and "Our alternatives" in page


# Editing one section


def test_editing_a_section_publishes_the_next_version_and_shows_it(world: World) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    url = reverse("consent:section", args=[document.public_id, "alternatives"])
    response = client_for(world.owner_a).post(url, {"value": "Rest and exercise."})
    revised = ConsentDocument.objects.get(version=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("consent:document", args=[revised.public_id])
    assert revised.alternatives == "Rest and exercise."


def test_an_unchanged_section_is_refused_on_the_page(world: World) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    url = reverse("consent:section", args=[document.public_id, "title"])
    page = client_for(world.owner_a).post(url, {"value": document.title}).content.decode()
    assert "Nothing changed" in page
    assert ConsentDocument.objects.count() == 1


def test_editing_an_older_version_is_refused_on_the_page(world: World) -> None:
    first = publish_consent_document(world.clinic_a, world.owner_a)
    publish_consent_document(world.clinic_a, world.owner_a)
    url = reverse("consent:section", args=[first.public_id, "title"])
    page = client_for(world.owner_a).post(url, {"value": "New title"}).content.decode()
    assert "A newer version exists" in page
    assert ConsentDocument.objects.count() == 2


def test_an_older_version_s_page_points_to_the_current_one(world: World) -> None:
    first = publish_consent_document(world.clinic_a, world.owner_a)
    second = publish_consent_document(world.clinic_a, world.owner_a)
    page = client_for(world.owner_a).get(reverse("consent:document", args=[first.public_id]))
    text = page.content.decode()
    assert reverse("consent:document", args=[second.public_id]) in text
    assert reverse("consent:section", args=[first.public_id, "title"]) not in text


def test_removing_the_electrical_technique_from_an_electrical_consent_is_refused(
    world: World,
) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a, kind="electrical")
    url = reverse("consent:section", args=[document.public_id, "techniques"])
    page = client_for(world.owner_a).post(url, {"value": ["deep"]}).content.decode()
    assert "must cover the electrical technique" in page
    assert ConsentDocument.objects.count() == 1


@pytest.mark.parametrize(("section", "value"), [("title", "T" * 201), ("rights", "")])
def test_a_section_too_long_or_empty_is_refused(world: World, section: str, value: str) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    url = reverse("consent:section", args=[document.public_id, section])
    page = client_for(world.owner_a).post(url, {"value": value}).content.decode()
    assert 'class="errorlist' in page
    assert ConsentDocument.objects.count() == 1


# Signing on the tablet


def test_the_sign_page_without_a_published_document_sends_the_desk_back(world: World) -> None:
    client = client_for(world.frontdesk_a)
    response = client.get(_sign_url(world), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "consent:patient", args=[world.patient_a.public_id]
    )
    assert "has not published this consent document" in response.content.decode()


def test_the_patient_signs_the_current_version(world: World) -> None:
    publish_consent_document(world.clinic_a, world.owner_a)
    current = publish_consent_document(world.clinic_a, world.owner_a)
    client_for(world.frontdesk_a).post(
        _sign_url(world),
        {"signed_name": "Ada Lovelace", "signature": SIGNATURE, "understood": "on"},
    )
    assert Consent.objects.get().document == current


@pytest.mark.parametrize(
    "post",
    [
        {"signed_name": "Ada Lovelace", "signature": SIGNATURE},  # not ticked "understood"
        {"signed_name": "", "signature": SIGNATURE, "understood": "on"},
        {"signed_name": "A" * 201, "signature": SIGNATURE, "understood": "on"},
        {"signed_name": "Ada Lovelace", "signature": "[[[1,2]]]", "understood": "on"},
        {"signed_name": "Ada Lovelace", "signature": "x" * 100_001, "understood": "on"},
    ],
)
def test_an_incomplete_signature_is_refused_and_stores_nothing(world: World, post: dict) -> None:
    publish_consent_document(world.clinic_a, world.owner_a)
    response = client_for(world.frontdesk_a).post(_sign_url(world), post)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not Consent.objects.exists()


def test_a_one_letter_name_is_refused_with_the_reason(world: World) -> None:
    publish_consent_document(world.clinic_a, world.owner_a)
    response = client_for(world.frontdesk_a).post(
        _sign_url(world), {"signed_name": " A ", "signature": SIGNATURE, "understood": "on"}
    )
    assert "Type your full name to sign." in response.content.decode()
    assert not Consent.objects.exists()


def test_a_signed_name_with_markup_is_shown_as_text(world: World) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    consent = sign_consent(world.patient_a, document, world.frontdesk_a)
    Consent.objects.filter(pk=consent.pk).update(signed_name=f"Ada {SCRIPT}")
    page = client_for(world.owner_a).get(
        reverse("consent:patient", args=[world.patient_a.public_id])
    )
    text = page.content.decode()
    assert SCRIPT not in text and "&lt;script&gt;" in text


# The patient's consents page and withdrawal


def test_the_patient_s_page_shows_each_standing(world: World) -> None:
    general = publish_consent_document(world.clinic_a, world.owner_a)
    consent = sign_consent(world.patient_a, general, world.frontdesk_a)
    url = reverse("consent:patient", args=[world.patient_a.public_id])
    client = client_for(world.clinician_a)
    page = client.get(url).content.decode()
    assert "Signed 23 Nov 2026 (version 1)" in page
    assert "not offered by the clinic" in page  # no electrical document yet
    consent_withdraw(request=None, actor=world.owner_a, consent=consent, reason="")
    assert "Withdrawn" in client.get(url).content.decode()
    publish_consent_document(world.clinic_a, world.owner_a, requires_reconsent=True)
    sign_consent(world.patient_a, general, world.frontdesk_a)
    assert "A new version must be signed" in client.get(url).content.decode()


def test_withdrawing_twice_on_the_page_shows_the_refusal(world: World) -> None:
    consent = sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.owner_a
    )
    url = reverse("consent:withdraw", args=[world.patient_a.public_id, consent.public_id])
    client = client_for(world.frontdesk_a)
    client.post(url, {"reason": "First"})
    page = client.post(url, {"reason": "Second"}, follow=True).content.decode()
    assert "already withdrawn" in page
    consent.refresh_from_db()
    assert consent.withdrawal_reason == "First"


def test_a_long_withdrawal_reason_is_not_silently_dropped(world: World) -> None:
    consent = sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.owner_a
    )
    url = reverse("consent:withdraw", args=[world.patient_a.public_id, consent.public_id])
    client_for(world.frontdesk_a).post(url, {"reason": "Needle phobia. " * 200})
    consent.refresh_from_db()
    assert consent.withdrawal_reason.startswith("Needle phobia.")


def test_a_withdrawal_reason_with_markup_is_shown_as_text(world: World) -> None:
    consent = sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.owner_a
    )
    url = reverse("consent:withdraw", args=[world.patient_a.public_id, consent.public_id])
    client = client_for(world.frontdesk_a)
    client.post(url, {"reason": SCRIPT})
    page = client.get(reverse("consent:patient", args=[world.patient_a.public_id])).content.decode()
    assert SCRIPT not in page and "&lt;script&gt;" in page
