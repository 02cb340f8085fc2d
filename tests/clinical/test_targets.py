"""Needling targets beyond muscle: training and consent gates, and what 20560/20561 count."""

from __future__ import annotations

import pytest

from taut.clinical.knowledge import KnowledgeError, UnknownIdError, load_knowledge
from taut.clinical.targets import counts_toward_muscles, load_targets, target_allowed


def test_the_issue_targets_are_all_in_the_data_with_safety_notes_and_sources():
    targets = {target.id: target for target in load_targets().targets}
    assert {"muscle", "tendon", "ligament", "scar", "fascia", "periosteum", "pelvic_floor"} <= set(
        targets
    )
    for target in targets.values():
        assert target.source and target.cpt_note and target.patient_text


def test_pelvic_floor_needs_the_extra_training_and_the_extra_consent():
    neither = target_allowed("pelvic_floor", trainings=set(), consents=set())
    assert not neither.allowed
    assert neither.reasons == (
        "Pelvic-floor needling training is not recorded for the practitioner.",
        "Consent to pelvic-floor needling is not signed by the patient.",
    )
    training_only = target_allowed(
        "pelvic_floor", trainings={"pelvic_floor_needling"}, consents=set()
    )
    assert training_only.reasons == (
        "Consent to pelvic-floor needling is not signed by the patient.",
    )
    both = target_allowed(
        "pelvic_floor", trainings={"pelvic_floor_needling"}, consents={"pelvic_floor_consent"}
    )
    assert both.allowed and both.reasons == ()


def test_a_tendon_needs_nothing_extra_but_does_not_count_as_a_muscle():
    decision = target_allowed("tendon", trainings=set(), consents=set())
    assert decision.allowed
    assert decision.counts_toward_muscles is False


@pytest.mark.parametrize(
    ("target", "counts"),
    [
        ("muscle", True),
        ("pelvic_floor", True),
        ("tendon", False),
        ("ligament", False),
        ("scar", False),
        ("fascia", False),
        ("periosteum", False),
    ],
)
def test_only_muscles_count_toward_the_dry_needling_codes(target, counts):
    assert counts_toward_muscles(target) is counts


def test_non_muscle_coding_is_marked_unverified_in_the_data():
    for target in load_targets().targets:
        if not counts_toward_muscles(target.id):
            assert "[U]" in target.cpt_note


def test_an_unknown_target_names_the_close_ones():
    with pytest.raises(UnknownIdError, match="tendon"):
        target_allowed("tendn", trainings=set(), consents=set())


def test_a_target_requiring_an_unknown_consent_fails_the_load(tmp_path):
    from taut.clinical.targets import _load
    from tests.clinical.test_knowledge_errors import broken_copy

    directory = broken_copy(
        tmp_path,
        "targets.toml",
        'requires_consent = ["pelvic_floor_consent"]',
        'requires_consent = ["pelvic_consent"]',
    )
    with pytest.raises(KnowledgeError, match="pelvic_floor.*unknown consent 'pelvic_consent'"):
        _load(load_knowledge(directory))
