"""The treatment gate: every reason that stops a session, the all-clear, and several at once."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from taut.clinical.gate import (
    ConsentStatus,
    ConsentView,
    GateCode,
    GatePolicy,
    ScreeningRecordView,
    treatment_gate,
)
from taut.clinical.screening import screen

TODAY = date(2026, 11, 22)
SCREENED = ScreeningRecordView(
    screened_on=TODAY - timedelta(days=10),
    intake_version=2,
    latest_intake_version=2,
    precautions=("anticoagulant",),
    acknowledged=frozenset({"anticoagulant"}),
)
CONSENTED = ConsentView(status=ConsentStatus.SIGNED, document_version=3, required_version=3)


def gate(screening=SCREENED, consent=CONSENTED, techniques=("deep",), **kwargs):
    return treatment_gate(
        as_of=kwargs.pop("as_of", TODAY),
        screening=screening,
        consent=consent,
        planned_techniques=techniques,
        **kwargs,
    )


def with_screening(**changes):
    return dataclasses.replace(SCREENED, **changes)


def with_consent(**changes):
    return dataclasses.replace(CONSENTED, **changes)


def test_a_current_screening_with_acknowledged_precautions_and_consent_allows_the_session():
    decision = gate()
    assert decision.allowed and decision.reasons == ()


def test_it_refuses_without_a_screening():
    decision = gate(screening=None)
    assert not decision.allowed and decision.codes == (GateCode.NO_SCREENING,)


def test_it_refuses_a_screening_older_than_the_policy_allows():
    old = with_screening(screened_on=TODAY - timedelta(days=91))
    decision = gate(screening=old)
    assert decision.codes == (GateCode.SCREENING_STALE,)
    assert "91 days old" in decision.reasons[0].message
    assert gate(screening=with_screening(screened_on=TODAY - timedelta(days=90))).allowed


def test_the_policy_sets_how_old_a_screening_may_be():
    old = with_screening(screened_on=TODAY - timedelta(days=31))
    assert gate(screening=old, policy=GatePolicy(max_screening_age_days=30)).codes == (
        GateCode.SCREENING_STALE,
    )


def test_it_refuses_a_screening_dated_after_the_session():
    decision = gate(screening=with_screening(screened_on=TODAY + timedelta(days=1)))
    assert decision.codes == (GateCode.SCREENING_STALE,)


def test_it_refuses_a_screening_older_than_the_latest_intake():
    decision = gate(screening=with_screening(latest_intake_version=3))
    assert decision.codes == (GateCode.INTAKE_CHANGED,)
    assert "version 3" in decision.reasons[0].message


def test_it_refuses_a_contraindication_and_names_it():
    decision = gate(screening=with_screening(contraindicated=("needle_phobia", "unwilling")))
    assert decision.codes == (GateCode.CONTRAINDICATED,)
    assert "needle_phobia; unwilling" in decision.reasons[0].message


def test_it_refuses_unacknowledged_precautions_and_names_them():
    screening = with_screening(precautions=("anticoagulant", "pregnancy", "unanswered:frail"))
    decision = gate(screening=screening)
    assert decision.codes == (GateCode.PRECAUTIONS_UNACKNOWLEDGED,)
    assert "pregnancy; unanswered:frail" in decision.reasons[0].message
    assert "anticoagulant" not in decision.reasons[0].message


def test_it_refuses_a_planned_technique_the_screening_refuses():
    screening = with_screening(refused_techniques=("electrical",))
    consent = with_consent(covers_electrical=True)
    decision = gate(screening=screening, consent=consent, techniques=("deep", "electrical"))
    assert decision.codes == (GateCode.TECHNIQUE_REFUSED,)
    message = decision.reasons[0].message
    assert message == "The screening refuses the planned technique: Electrical dry needling."
    assert gate(screening=screening, techniques=("deep",)).allowed


def test_it_refuses_without_consent():
    assert gate(consent=None).codes == (GateCode.NO_CONSENT,)


def test_it_refuses_withdrawn_consent_and_says_nothing_more_of_it():
    consent = with_consent(status=ConsentStatus.WITHDRAWN, document_version=1)
    assert gate(consent=consent, techniques=("electrical",)).codes == (GateCode.CONSENT_WITHDRAWN,)


def test_it_refuses_consent_to_a_document_version_that_requires_reconsent():
    decision = gate(consent=with_consent(document_version=2))
    assert decision.codes == (GateCode.CONSENT_OUTDATED,)
    assert "version 2" in decision.reasons[0].message


def test_it_refuses_a_consent_marked_superseded():
    decision = gate(consent=with_consent(status=ConsentStatus.SUPERSEDED))
    assert decision.codes == (GateCode.CONSENT_OUTDATED,)


def test_a_newer_document_version_that_does_not_require_reconsent_is_fine():
    assert gate(consent=with_consent(document_version=4)).allowed


def test_electrical_needling_needs_its_own_consent():
    decision = gate(techniques=("deep", "electrical"))
    assert decision.codes == (GateCode.TECHNIQUE_NOT_CONSENTED,)
    assert gate(consent=with_consent(covers_electrical=True), techniques=("electrical",)).allowed


def test_a_clinic_may_not_require_a_separate_electrical_consent():
    policy = GatePolicy(electrical_needs_own_consent=False)
    assert gate(techniques=("electrical",), policy=policy).allowed


def test_it_returns_every_reason_at_once():
    screening = with_screening(
        screened_on=TODAY - timedelta(days=200),
        latest_intake_version=5,
        contraindicated=("acute_illness",),
        precautions=("pregnancy",),
        acknowledged=frozenset(),
        refused_techniques=("electrical",),
    )
    consent = with_consent(document_version=1)
    decision = gate(screening=screening, consent=consent, techniques=("electrical",))
    assert not decision.allowed
    assert decision.codes == (
        GateCode.SCREENING_STALE,
        GateCode.INTAKE_CHANGED,
        GateCode.CONTRAINDICATED,
        GateCode.PRECAUTIONS_UNACKNOWLEDGED,
        GateCode.TECHNIQUE_REFUSED,
        GateCode.CONSENT_OUTDATED,
        GateCode.TECHNIQUE_NOT_CONSENTED,
    )
    assert all(reason.message.endswith(".") for reason in decision.reasons)


def test_no_screening_and_no_consent_give_two_reasons():
    assert gate(screening=None, consent=None).codes == (GateCode.NO_SCREENING, GateCode.NO_CONSENT)


def test_it_takes_an_aware_datetime_and_refuses_a_naive_one():
    assert gate(as_of=datetime(2026, 11, 22, 9, 30, tzinfo=UTC)).allowed
    with pytest.raises(ValueError, match="aware"):
        gate(as_of=datetime(2026, 11, 22, 9, 30))  # noqa: DTZ001


def test_a_screening_maps_into_the_view_the_gate_reads():
    screening = screen(
        {"needle_phobia": True, "anticoagulant": True, "implanted_electrical_device": True},
        as_of=TODAY,
    )
    view = ScreeningRecordView.of(
        screening, intake_version=1, latest_intake_version=1, acknowledged=["anticoagulant"]
    )
    assert view.contraindicated == ("needle_phobia",)
    assert "anticoagulant" in view.precautions and "anticoagulant" not in view.unacknowledged
    assert view.refused_techniques == ("electrical",)
    decision = gate(screening=view, consent=with_consent(covers_electrical=True))
    assert GateCode.CONTRAINDICATED in decision.codes
    assert GateCode.PRECAUTIONS_UNACKNOWLEDGED in decision.codes  # unanswered facts, point sites


def test_reasons_name_findings_by_their_readable_condition():
    view = ScreeningRecordView(
        screened_on=TODAY,
        intake_version=1,
        latest_intake_version=1,
        precautions=("anticoagulant",),
        labels=(("anticoagulant", "Anticoagulant or antiplatelet medication"),),
    )
    decision = treatment_gate(as_of=TODAY, screening=view, consent=None, planned_techniques=())
    assert "Anticoagulant or antiplatelet medication" in decision.reasons[0].message
