"""Issue #14, part 3: the owner edits one section of the consent at a time; each edit publishes a
new version, and what a patient signed stays exactly as it was."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.urls import reverse
from pypdf import PdfReader

from taut.audit.models import AuditEntry
from taut.consent.models import ConsentDocument
from taut.consent.sections import DEFAULT_RIGHTS
from tests.conftest import World, client_for, publish_consent_document, sign_consent

NEW_INTRO = "At our clinic dry needling is one part of a plan of exercise and hands-on care."


def _edit(
    world: World, document: ConsentDocument, section: str, data: dict[str, object]
) -> HttpResponse:
    url = reverse("consent:section", args=[document.public_id, section])
    return client_for(world.owner_a).post(url, data)


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def test_editing_a_section_publishes_the_next_version_with_only_that_section_changed(
    world: World,
) -> None:
    first = publish_consent_document(world.clinic_a, world.owner_a)
    response = _edit(world, first, "introduction", {"value": NEW_INTRO})
    second = ConsentDocument.objects.get(clinic=world.clinic_a, version=2)
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("consent:document", args=[second.public_id])
    )
    assert second.introduction == NEW_INTRO and not second.requires_reconsent
    for field in ("title", "techniques", "alternatives", "rights", "risks_intro"):
        assert getattr(second, field) == getattr(first, field), field
    first.refresh_from_db()
    assert first.introduction != NEW_INTRO  # a version is never edited
    entry = AuditEntry.objects.filter(object_id=str(second.public_id)).get()
    assert entry.detail["revised_section"] == "introduction"


def test_what_a_patient_signed_stays_as_it_was_and_the_next_patient_signs_the_new_version(
    world: World,
) -> None:
    first = publish_consent_document(world.clinic_a, world.owner_a)
    signed = sign_consent(world.patient_a, first, world.frontdesk_a)
    before = bytes(signed.pdf)
    _edit(
        world, first, "rights", {"value": "You may stop at any time.", "requires_reconsent": "on"}
    )
    signed.refresh_from_db()
    assert bytes(signed.pdf) == before and DEFAULT_RIGHTS[:40] in " ".join(_text(before).split())
    page = client_for(world.portal_user_a).get(reverse("portal:sign", args=["general"]))
    assert (
        "version 2" in page.content.decode()
        and "You may stop at any time." in page.content.decode()
    )
    home = client_for(world.portal_user_a).get(reverse("portal:home")).content.decode()
    assert "please sign the new version" in home


def test_an_earlier_version_is_not_edited_and_nothing_changed_publishes_nothing(
    world: World,
) -> None:
    first = publish_consent_document(world.clinic_a, world.owner_a)
    _edit(world, first, "introduction", {"value": NEW_INTRO})
    stale = _edit(world, first, "alternatives", {"value": "Exercise only."})
    assert "A newer version exists" in stale.content.decode()
    second = ConsentDocument.objects.get(clinic=world.clinic_a, version=2)
    same = _edit(world, second, "introduction", {"value": NEW_INTRO})
    assert "Nothing changed" in same.content.decode()
    assert ConsentDocument.objects.filter(clinic=world.clinic_a).count() == 2


def test_an_electrical_consent_keeps_the_electrical_technique(world: World) -> None:
    electrical = publish_consent_document(world.clinic_a, world.owner_a, kind="electrical")
    response = _edit(world, electrical, "techniques", {"value": ["superficial"]})
    assert "must cover the electrical technique" in response.content.decode()
    assert ConsentDocument.objects.filter(kind="electrical").count() == 1


def test_the_document_page_offers_an_edit_link_per_section_only_on_the_current_version(
    world: World,
) -> None:
    first = publish_consent_document(world.clinic_a, world.owner_a)
    client = client_for(world.owner_a)
    page = client.get(reverse("consent:document", args=[first.public_id])).content.decode()
    for section in ("title", "introduction", "techniques", "risks_intro", "rights", "alternatives"):
        assert reverse("consent:section", args=[first.public_id, section]) in page, section
    _edit(world, first, "introduction", {"value": NEW_INTRO})
    old = client.get(reverse("consent:document", args=[first.public_id])).content.decode()
    assert "/edit/" not in old and "Version 2 replaced this one" in old


def test_an_unknown_section_is_not_found_and_the_front_desk_may_not_edit(world: World) -> None:
    first = publish_consent_document(world.clinic_a, world.owner_a)
    owner = client_for(world.owner_a)
    assert owner.get(reverse("consent:section", args=[first.public_id, "pdf"])).status_code == 404
    url = reverse("consent:section", args=[first.public_id, "introduction"])
    assert client_for(world.frontdesk_a).post(url, {"value": NEW_INTRO}).status_code == 403


def test_the_consent_summarises_the_risks_in_words_and_appends_the_evidence(world: World) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    consent = sign_consent(world.patient_a, document, world.frontdesk_a)
    text = _text(bytes(consent.pdf))
    summary, appendix = text.split("Appendix: every published figure")
    assert "Common side effects" in summary and "about 8 in 100 treatments" in summary
    assert "Rare but serious" in summary and "about 1 in 100,000 treatments" in summary
    assert "576 in 7,629 treatments" in appendix and "1,576 in 20,464 treatments" in appendix
    assert "[U]" not in text and "not retrieved" not in text
