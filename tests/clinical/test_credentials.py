from __future__ import annotations

import datetime as dt

from taut.clinical.credentials import Credentials, needling_credentials

DAY = dt.date(2026, 11, 23)
GOOD = Credentials(
    profession="physical_therapist",
    licence_number="PT-1234",
    licence_expires=dt.date(2027, 6, 30),
    training_hours=60,
    licensed_since=dt.date(2015, 5, 1),
)


def test_a_trained_licensed_physio_may_needle_in_colorado():
    decision = needling_credentials(GOOD, jurisdiction="US-CO", day=DAY)
    assert decision.allowed, decision.reasons
    assert decision.rule is not None and decision.rule.training_hours == 50
    assert "confirm" in decision.confirm_notice.lower()


def test_an_expired_licence_blocks_and_says_when():
    expired = Credentials(**{**GOOD.__dict__, "licence_expires": dt.date(2026, 1, 31)})
    decision = needling_credentials(expired, jurisdiction="US-CO", day=DAY)
    assert not decision.allowed
    assert "The licence expired on 2026-01-31." in decision.reasons


def test_too_few_training_hours_block_with_the_required_number():
    untrained = Credentials(**{**GOOD.__dict__, "training_hours": 20})
    decision = needling_credentials(untrained, jurisdiction="US-CO", day=DAY)
    assert any("requires 50 hours" in reason for reason in decision.reasons)


def test_a_state_that_does_not_permit_physio_needling_blocks():
    decision = needling_credentials(GOOD, jurisdiction="US-CA", day=DAY)
    assert not decision.allowed
    assert any("does not permit" in reason for reason in decision.reasons)


def test_the_older_colorado_rule_applied_before_its_replacement():
    newly_licensed = Credentials(**{**GOOD.__dict__, "licensed_since": dt.date(2024, 9, 1)})
    before = needling_credentials(newly_licensed, jurisdiction="US-CO", day=dt.date(2025, 6, 1))
    assert any("2 years of licensed practice" in reason for reason in before.reasons)
    assert needling_credentials(newly_licensed, jurisdiction="US-CO", day=DAY).allowed


def test_a_jurisdiction_without_rules_is_named():
    decision = needling_credentials(GOOD, jurisdiction="ZZ-XX", day=DAY)
    assert decision.reasons[-1] == "No scope-of-practice rules are recorded for ZZ-XX."
