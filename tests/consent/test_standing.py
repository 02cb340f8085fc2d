"""Where a patient stands for each kind of consent: signed, withdrawn, a new version to sign."""

from __future__ import annotations

import pytest
from django.http import Http404

from taut.clinics.models import Membership
from taut.consent.selectors import (
    consent_standing,
    consent_standings,
    consents_for,
    document_current,
    get_consent_for,
    get_document_for,
)
from taut.consent.services import consent_withdraw
from tests.conftest import World, make_patient, publish_consent_document, sign_consent


def _withdraw(world: World, consent: object) -> None:
    consent_withdraw(request=None, actor=world.owner_a, consent=consent, reason="")  # type: ignore[arg-type]


def test_nothing_published_means_nothing_is_offered_or_valid(world: World) -> None:
    for standing in consent_standings(patient=world.patient_a):
        assert standing.current_document is None
        assert standing.consent is None and not standing.valid


def test_a_published_document_not_yet_signed_is_not_valid(world: World) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    standing = consent_standing(patient=world.patient_a, kind="general")
    assert standing.current_document == document
    assert standing.consent is None and standing.withdrawn is None and not standing.valid


def test_a_signature_makes_the_consent_valid(world: World) -> None:
    consent = sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.owner_a
    )
    standing = consent_standing(patient=world.patient_a, kind="general")
    assert standing.valid and standing.consent == consent


def test_a_general_consent_does_not_cover_electrical_needling(world: World) -> None:
    publish_consent_document(world.clinic_a, world.owner_a, kind="electrical")
    sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.owner_a
    )
    assert consent_standing(patient=world.patient_a, kind="general").valid
    assert not consent_standing(patient=world.patient_a, kind="electrical").valid


def test_a_withdrawn_consent_is_not_valid_and_is_shown_as_withdrawn(world: World) -> None:
    consent = sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.owner_a
    )
    _withdraw(world, consent)
    standing = consent_standing(patient=world.patient_a, kind="general")
    assert not standing.valid and standing.consent is None
    assert standing.withdrawn == consent


def test_signing_again_after_withdrawing_makes_the_consent_valid_again(world: World) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    _withdraw(world, sign_consent(world.patient_a, document, world.owner_a))
    again = sign_consent(world.patient_a, document, world.owner_a)
    standing = consent_standing(patient=world.patient_a, kind="general")
    assert standing.valid and standing.consent == again and standing.withdrawn is None


def test_withdrawing_the_latest_signature_is_not_rescued_by_an_older_one(world: World) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    sign_consent(world.patient_a, document, world.owner_a)
    _withdraw(world, sign_consent(world.patient_a, document, world.owner_a))
    assert not consent_standing(patient=world.patient_a, kind="general").valid


def test_a_new_version_without_re_consent_leaves_the_signature_valid(world: World) -> None:
    first = publish_consent_document(world.clinic_a, world.owner_a)
    sign_consent(world.patient_a, first, world.owner_a)
    second = publish_consent_document(world.clinic_a, world.owner_a)
    standing = consent_standing(patient=world.patient_a, kind="general")
    assert standing.valid and not standing.reconsent_required
    assert standing.current_document == second


def test_a_new_version_that_requires_re_consent_asks_for_a_new_signature(world: World) -> None:
    first = publish_consent_document(world.clinic_a, world.owner_a)
    sign_consent(world.patient_a, first, world.owner_a)
    second = publish_consent_document(world.clinic_a, world.owner_a, requires_reconsent=True)
    standing = consent_standing(patient=world.patient_a, kind="general")
    assert standing.reconsent_required and not standing.valid
    sign_consent(world.patient_a, second, world.owner_a)
    assert consent_standing(patient=world.patient_a, kind="general").valid


def test_re_consent_asked_two_versions_ago_still_holds_after_a_minor_version(
    world: World,
) -> None:
    sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.owner_a
    )
    publish_consent_document(world.clinic_a, world.owner_a, requires_reconsent=True)
    publish_consent_document(world.clinic_a, world.owner_a)  # a later, minor wording change
    assert consent_standing(patient=world.patient_a, kind="general").reconsent_required


def test_re_consent_for_one_kind_leaves_the_other_kind_valid(world: World) -> None:
    sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.owner_a
    )
    sign_consent(
        world.patient_a,
        publish_consent_document(world.clinic_a, world.owner_a, kind="electrical"),
        world.owner_a,
    )
    publish_consent_document(
        world.clinic_a, world.owner_a, kind="electrical", requires_reconsent=True
    )
    assert consent_standing(patient=world.patient_a, kind="general").valid
    assert consent_standing(patient=world.patient_a, kind="electrical").reconsent_required


def test_another_clinic_s_documents_do_not_count_for_a_patient(world: World) -> None:
    publish_consent_document(world.clinic_b, world.owner_b, requires_reconsent=True)
    assert document_current(clinic=world.clinic_a, kind="general") is None
    assert consent_standing(patient=world.patient_a, kind="general").current_document is None


def test_another_patient_s_signature_does_not_count(world: World) -> None:
    document = publish_consent_document(world.clinic_a, world.owner_a)
    sibling = make_patient(world.clinic_a, "Byron", "Lovelace")
    sign_consent(sibling, document, world.owner_a)
    assert not consent_standing(patient=world.patient_a, kind="general").valid
    assert consents_for(patient=world.patient_a) == []


def test_a_patient_s_consents_are_listed_newest_first(world: World, clinic_clock: object) -> None:
    import datetime as dt

    document = publish_consent_document(world.clinic_a, world.owner_a)
    older = sign_consent(world.patient_a, document, world.owner_a)
    clinic_clock.shift(dt.timedelta(days=3))  # type: ignore[attr-defined]
    newer = sign_consent(world.patient_a, document, world.owner_a)
    assert consents_for(patient=world.patient_a) == [newer, older]


def test_documents_and_consents_of_another_clinic_are_not_found(world: World) -> None:
    document = publish_consent_document(world.clinic_b, world.owner_b)
    consent = sign_consent(world.patient_b, document, world.owner_b)
    membership_a = Membership.objects.get(user=world.owner_a)
    with pytest.raises(Http404):
        get_document_for(membership=membership_a, public_id=document.public_id)
    with pytest.raises(Http404):
        get_consent_for(
            clinic_id=world.clinic_a.pk, patient=world.patient_b, public_id=consent.public_id
        )
