"""Consent writes: each refusal in the services, versions that never change, withdrawal."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest

from taut import clock
from taut.audit.models import Action
from taut.consent.models import Consent, ConsentDocument
from taut.consent.sections import DEFAULT_AFTER_TREATMENT, DEFAULT_RIGHTS, DEFAULT_RISKS_INTRO
from taut.consent.services import (
    ConsentError,
    consent_sign,
    consent_withdraw,
    document_publish,
    document_revise,
)
from taut.consent.signature import SignatureError
from tests.conftest import CLINIC_NOW, SIGNATURE, World, publish_consent_document, sign_consent
from tests.consent.conftest import audit_entries


def _sign(world: World, document: Any, **overrides: Any) -> Consent:
    fields: dict[str, Any] = {
        "request": None,
        "actor": world.frontdesk_a,
        "patient": world.patient_a,
        "document": document,
        "signed_name": "Ada Lovelace",
        "signature": SIGNATURE,
        "channel": "tablet",
        **overrides,
    }
    return consent_sign(**fields)


def _revise(world: World, document: Any, field: str, value: Any, **extra: Any) -> Any:
    return document_revise(
        request=None,
        actor=world.owner_a,
        document=document,
        field=field,
        value=value,
        requires_reconsent=extra.get("requires_reconsent", False),
    )


# Publishing


def test_versions_count_up_per_kind_and_per_clinic(world: World) -> None:
    general_1 = publish_consent_document(world.clinic_a, world.owner_a)
    electrical_1 = publish_consent_document(world.clinic_a, world.owner_a, kind="electrical")
    general_2 = publish_consent_document(world.clinic_a, world.owner_a)
    other_clinic = publish_consent_document(world.clinic_b, world.owner_b)
    assert (general_1.version, general_2.version) == (1, 2)
    assert electrical_1.version == 1
    assert other_clinic.version == 1


def test_sections_left_out_or_empty_publish_the_default_wording(world: World) -> None:
    document = document_publish(
        request=None,
        actor=world.owner_a,
        clinic=world.clinic_a,
        data={
            "kind": "general",
            "title": "Consent",
            "introduction": "Ours.",
            "techniques": ["deep"],
            "alternatives": "Rest.",
            "show_quoted_figures": False,
            "requires_reconsent": False,
            "rights": "",
        },
    )
    document.refresh_from_db()
    assert document.risks_intro == DEFAULT_RISKS_INTRO
    assert document.after_treatment == DEFAULT_AFTER_TREATMENT
    assert document.rights == DEFAULT_RIGHTS


def test_a_clinic_s_own_wording_of_a_section_replaces_the_default(world: World) -> None:
    data = {
        "kind": "general",
        "title": "Consent",
        "introduction": "Ours.",
        "techniques": ["deep"],
        "alternatives": "Rest.",
        "show_quoted_figures": False,
        "requires_reconsent": False,
        "rights": "You may stop at any time, just say so.",
    }
    document = document_publish(request=None, actor=world.owner_a, clinic=world.clinic_a, data=data)
    assert document.rights == "You may stop at any time, just say so."


def test_publishing_stamps_the_clock_s_time_and_leaves_an_audit_entry(world: World) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    assert abs(document.published_at - CLINIC_NOW) < dt.timedelta(minutes=1)
    (entry,) = audit_entries(document.public_id)
    assert entry.action == Action.CREATE and entry.actor == world.owner_a
    assert entry.detail == {"kind": "general", "version": 1}


# Revising one section


def test_revising_a_section_publishes_the_next_version_and_keeps_the_old_one(world: World) -> None:
    first = publish_consent_document(world.clinic_a, world.owner_a)
    second = _revise(world, first, "alternatives", "Exercise and rest.", requires_reconsent=True)
    first.refresh_from_db()
    assert second.version == first.version + 1
    assert second.alternatives == "Exercise and rest." and second.requires_reconsent
    assert first.alternatives != "Exercise and rest." and not first.requires_reconsent
    assert second.introduction == first.introduction and second.techniques == first.techniques


def test_the_audit_entry_of_a_revision_names_the_section_changed(world: World) -> None:
    first = publish_consent_document(world.clinic_a, world.owner_a)
    second = _revise(world, first, "title", "Consent to needling")
    (entry,) = audit_entries(second.public_id)
    assert entry.detail["revised_section"] == "title"


def test_revising_a_field_that_is_not_a_section_is_refused(world: World) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    with pytest.raises(ConsentError, match="not a section"):
        _revise(world, document, "published_by", world.owner_b)
    assert ConsentDocument.objects.filter(clinic=world.clinic_a).count() == 1


def test_revising_an_older_version_is_refused(world: World) -> None:
    first = publish_consent_document(world.clinic_a, world.owner_a)
    publish_consent_document(world.clinic_a, world.owner_a)
    with pytest.raises(ConsentError, match="newer version exists"):
        _revise(world, first, "title", "Another title")
    assert ConsentDocument.objects.filter(clinic=world.clinic_a).count() == 2


def test_an_older_version_of_another_kind_does_not_block_a_revision(world: World) -> None:
    general = publish_consent_document(world.clinic_a, world.owner_a)
    publish_consent_document(world.clinic_a, world.owner_a, kind="electrical")
    publish_consent_document(world.clinic_a, world.owner_a, kind="electrical")
    assert _revise(world, general, "title", "Another title").version == 2


def test_a_revision_that_changes_nothing_is_refused(world: World) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    with pytest.raises(ConsentError, match="Nothing changed"):
        _revise(world, document, "title", document.title)
    assert ConsentDocument.objects.filter(clinic=world.clinic_a).count() == 1


# Signing


def test_a_document_of_another_clinic_cannot_be_signed(world: World) -> None:
    theirs = publish_consent_document(world.clinic_b, world.owner_b)
    with pytest.raises(ConsentError, match="another clinic"):
        _sign(world, theirs)
    assert not Consent.objects.exists()


@pytest.mark.parametrize("name", ["", " ", "A", "  A  ", "\n\t"])
def test_a_name_shorter_than_two_letters_is_refused(world: World, name: str) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    with pytest.raises(ConsentError, match="full name"):
        _sign(world, document, signed_name=name)
    assert not Consent.objects.exists()


def test_the_typed_name_is_kept_with_its_spaces_tidied(world: World) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    consent = _sign(world, document, signed_name="  Ada \t  King\n Lovelace ")
    assert consent.signed_name == "Ada King Lovelace"


@pytest.mark.parametrize("signature", ["", "[]", "{}", "[[[9999, 1]]]", "nonsense"])
def test_a_signature_that_cannot_be_drawn_stores_nothing(world: World, signature: str) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    with pytest.raises(SignatureError):
        _sign(world, document, signature=signature)
    assert not Consent.objects.exists()


def test_a_signature_keeps_its_time_its_channel_who_took_it_and_the_pdf_s_hash(
    world: World,
) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    before = clock.now()
    consent = _sign(world, document, channel="portal", actor=world.portal_user_a)
    consent.refresh_from_db()
    assert before <= consent.signed_at <= clock.now()
    assert consent.channel == "portal" and consent.taken_by == world.portal_user_a
    assert consent.pdf_sha256 == hashlib.sha256(bytes(consent.pdf)).hexdigest()
    assert consent.ip_address is None  # no request: nobody's address is invented


def test_the_stored_signature_is_drawn_by_taut_not_taken_from_the_signer(world: World) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    consent = _sign(world, document)
    assert consent.signature_svg.startswith("<svg")
    assert consent.signature_svg.count("<path") == 2
    assert "<script" not in consent.signature_svg and "on" + "load" not in consent.signature_svg


def test_signing_leaves_an_audit_entry_naming_the_version_but_not_the_patient_s_name(
    world: World,
) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    consent = _sign(world, document)
    (entry,) = audit_entries(consent.public_id)
    assert entry.action == Action.CREATE
    assert entry.detail["document_version"] == 1 and entry.detail["kind"] == "general"
    assert entry.detail["patient"] == str(world.patient_a.public_id)
    assert "Lovelace" not in str(entry.detail)


def test_a_patient_may_sign_the_same_version_again(world: World) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    first, second = _sign(world, document), _sign(world, document)
    assert first.pk != second.pk
    assert Consent.objects.filter(patient=world.patient_a).count() == 2


# Withdrawing


def test_withdrawing_stamps_who_when_and_the_reason(world: World) -> None:
    consent = sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.owner_a
    )
    withdrawn = consent_withdraw(
        request=None, actor=world.clinician_a, consent=consent, reason="  Prefers exercise \n"
    )
    withdrawn.refresh_from_db()
    assert withdrawn.is_withdrawn and withdrawn.withdrawn_by == world.clinician_a
    assert withdrawn.withdrawal_reason == "Prefers exercise"
    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawn_at >= consent.signed_at


def test_a_withdrawal_reason_is_kept_to_two_thousand_characters(world: World) -> None:
    consent = sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.owner_a
    )
    consent_withdraw(request=None, actor=world.owner_a, consent=consent, reason="x" * 5000)
    consent.refresh_from_db()
    assert len(consent.withdrawal_reason) == 2000


def test_withdrawing_twice_is_refused_and_keeps_the_first_withdrawal(world: World) -> None:
    consent = sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.owner_a
    )
    consent_withdraw(request=None, actor=world.clinician_a, consent=consent, reason="First")
    first_at = consent.withdrawn_at
    with pytest.raises(ConsentError, match="already withdrawn"):
        consent_withdraw(request=None, actor=world.owner_a, consent=consent, reason="Second")
    consent.refresh_from_db()
    assert consent.withdrawn_by == world.clinician_a
    assert consent.withdrawal_reason == "First" and consent.withdrawn_at == first_at


def test_withdrawing_leaves_an_update_entry_in_the_audit_log(world: World) -> None:
    consent = sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.owner_a
    )
    consent_withdraw(request=None, actor=world.owner_a, consent=consent, reason="")
    actions = [entry.action for entry in audit_entries(consent.public_id)]
    assert actions == [Action.CREATE, Action.UPDATE]


def test_withdrawing_keeps_the_signed_pdf(world: World) -> None:
    consent = sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.owner_a
    )
    pdf = bytes(consent.pdf)
    consent_withdraw(request=None, actor=world.owner_a, consent=consent, reason="")
    consent.refresh_from_db()
    assert bytes(consent.pdf) == pdf
