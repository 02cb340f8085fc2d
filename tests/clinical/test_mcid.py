"""An MCID belongs to an instrument and a population: each condition is judged by its own."""

from __future__ import annotations

import pytest

from taut.clinical.knowledge import UnknownIdError, load_knowledge
from taut.clinical.mcid import mcid_for


def test_a_headache_patients_nprs_is_not_silently_judged_by_the_low_back_pain_mcid():
    pick = mcid_for("nprs", "headache")
    assert pick.fallback is True
    assert "no MCID measured in tension-type headache and migraine is on record" in pick.statement
    assert "low back pain" in pick.statement  # and it names the yardstick used instead


def test_low_back_pain_nprs_uses_the_consensus_two_points():
    pick = mcid_for("nprs", "low_back_pain")
    assert pick.fallback is False
    assert pick.choice is not None
    assert pick.choice.value == 2
    assert pick.choice.source == ("Ostelo08",)


def test_neck_pain_nprs_uses_the_neck_pain_value_not_the_back_pain_one():
    pick = mcid_for("nprs", "neck_shoulder_pain")
    assert pick.fallback is False
    assert pick.choice is not None and pick.choice.value == 1.3


def test_patellofemoral_pain_uses_its_own_nprs_kujala_and_vas_values():
    assert mcid_for("nprs", "patellofemoral_pain").choice.value == 1.16
    assert mcid_for("kujala", "patellofemoral_pain").choice.value == 10
    assert mcid_for("vas", "patellofemoral_pain").choice.value == 20


def test_headache_hit6_uses_the_within_person_value_not_the_between_groups_one():
    pick = mcid_for("hit6", "headache")
    assert pick.fallback is False
    assert pick.choice is not None and pick.choice.value == 2.5


def test_an_instrument_without_any_mcid_says_so():
    pick = mcid_for("ppt", "neck_shoulder_pain")
    assert pick.found is False and pick.fallback is True
    assert "no MCID is on record" in pick.statement


def test_no_condition_given_falls_back_and_says_so():
    pick = mcid_for("odi", None)
    assert pick.fallback is True
    assert pick.choice is not None and pick.choice.value == 10


def test_an_unknown_condition_is_refused():
    with pytest.raises(UnknownIdError):
        mcid_for("nprs", "migrane")


def test_every_condition_instrument_pair_gets_an_answer_that_states_its_yardstick():
    knowledge = load_knowledge()
    for condition in knowledge.conditions:
        for instrument in condition.instruments:
            pick = mcid_for(instrument, condition.id)
            assert pick.statement
            if pick.choice is not None and not pick.fallback:
                assert condition.id in pick.choice.mcid.conditions


def test_every_mcid_names_only_existing_conditions():
    knowledge = load_knowledge()
    ids = {condition.id for condition in knowledge.conditions}
    for instrument in knowledge.instruments:
        for mcid in instrument.mcids:
            assert set(mcid.conditions) <= ids


def test_an_mcid_naming_an_unknown_condition_fails_the_load(tmp_path):
    from tests.clinical.test_knowledge_errors import broken_copy, load_error

    directory = broken_copy(
        tmp_path, "instruments.toml", 'conditions = ["headache"]', 'conditions = ["migrane"]'
    )
    error = load_error(directory)
    assert error.file == "instruments.toml"
    assert "unknown condition 'migrane'" in str(error)


def test_the_plain_statement_carries_no_source_keys_or_grades():
    from taut.clinical.records import research_markers

    for instrument, condition in (("nprs", "headache"), ("nprs", "low_back_pain"), ("ppt", None)):
        pick = mcid_for(instrument, condition)
        assert pick.plain
        assert research_markers(pick.plain) == []
        assert "Ostelo08" not in pick.plain and "verified" not in pick.plain
    assert "instead" in mcid_for("nprs", "headache").plain
