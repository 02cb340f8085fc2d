"""When a patient must consent again: the core's rule, without a database."""

from __future__ import annotations

from taut.clinical.consent_rules import (
    ConsentStatus,
    DocumentVersion,
    Signature,
    consent_status,
    needs_own_consent,
    reconsent_required,
)
from taut.clinical.practice import ELECTRICAL

V1 = DocumentVersion(1, requires_reconsent=False)
TYPO_FIX = DocumentVersion(2, requires_reconsent=False)
NEW_RISKS = DocumentVersion(3, requires_reconsent=True)


def test_a_patient_who_never_signed_has_no_consent():
    assert consent_status(latest=None, published=[V1]) is None


def test_a_signature_of_the_current_version_stands():
    assert consent_status(latest=Signature(1), published=[V1]) is ConsentStatus.SIGNED


def test_a_later_version_without_the_mark_leaves_the_signature_standing():
    assert consent_status(latest=Signature(1), published=[V1, TYPO_FIX]) is ConsentStatus.SIGNED


def test_a_later_version_that_changes_the_agreement_asks_for_a_new_signature():
    status = consent_status(latest=Signature(2), published=[V1, TYPO_FIX, NEW_RISKS])
    assert status is ConsentStatus.SUPERSEDED


def test_signing_the_marked_version_settles_it():
    published = [V1, TYPO_FIX, NEW_RISKS]
    assert consent_status(latest=Signature(3), published=published) is ConsentStatus.SIGNED


def test_an_earlier_marked_version_does_not_reach_a_later_signature():
    assert not reconsent_required(signed_version=3, published=[NEW_RISKS])
    assert reconsent_required(signed_version=2, published=[NEW_RISKS])


def test_a_withdrawal_wins_over_every_version():
    withdrawn = Signature(3, withdrawn=True)
    assert consent_status(latest=withdrawn, published=[NEW_RISKS]) is ConsentStatus.WITHDRAWN


def test_electrical_needling_needs_its_own_consent_only_where_the_clinic_asks():
    assert needs_own_consent(ELECTRICAL, separate_electrical=True)
    assert not needs_own_consent(ELECTRICAL, separate_electrical=False)
    assert not needs_own_consent("deep", separate_electrical=True)
