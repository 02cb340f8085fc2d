"""The gate as the Django layer feeds it: screening and consent records of a real patient."""

from __future__ import annotations

from datetime import date, timedelta

from taut.clinical.gate import GateCode
from taut.consent.services import consent_withdraw
from taut.demo.pathway import safe_answers
from taut.screening import services
from taut.screening.gate import gate_for_patient
from tests.conftest import World, publish_consent_document, sign_consent

TODAY = date(2026, 11, 23)


def _ready(world: World, facts: dict[str, object] | None = None) -> None:
    services.intake_submit(
        request=None,
        actor=world.frontdesk_a,
        patient=world.patient_a,
        facts=facts or safe_answers(),
        history={},
        channel="desk",
    )
    record = services.screening_perform(
        request=None, actor=world.clinician_a, patient=world.patient_a, as_of=TODAY
    )
    for finding in record.findings_of_level("precaution"):
        services.precaution_acknowledge(
            request=None,
            actor=world.clinician_a,
            screening=record,
            code=finding["code"],
            note="Discussed and managed.",
        )
    sign_consent(
        world.patient_a, publish_consent_document(world.clinic_a, world.owner_a), world.frontdesk_a
    )


def _codes(world: World, day: date = TODAY, techniques: tuple[str, ...] = ()) -> set[GateCode]:
    decision = gate_for_patient(patient=world.patient_a, planned_techniques=techniques, today=day)
    return set(decision.codes)


def test_a_new_patient_has_no_screening_and_no_consent(world: World) -> None:
    assert _codes(world) == {GateCode.NO_SCREENING, GateCode.NO_CONSENT}


def test_a_screened_consented_patient_may_be_needled(world: World) -> None:
    _ready(world)
    decision = gate_for_patient(patient=world.patient_a, planned_techniques=["deep"], today=TODAY)
    assert decision.allowed, decision.reasons


def test_an_intake_after_the_screening_makes_it_stale(world: World) -> None:
    _ready(world)
    services.intake_submit(
        request=None,
        actor=world.frontdesk_a,
        patient=world.patient_a,
        facts=safe_answers(),
        history={},
        channel="portal",
    )
    assert GateCode.INTAKE_CHANGED in _codes(world)


def test_a_screening_older_than_the_clinic_policy_is_stale(world: World) -> None:
    _ready(world)
    assert _codes(world, TODAY + timedelta(days=90)) == set()
    assert GateCode.SCREENING_STALE in _codes(world, TODAY + timedelta(days=91))
    world.clinic_a.screening_max_age_days = 30
    world.clinic_a.save()
    world.patient_a.refresh_from_db()
    assert GateCode.SCREENING_STALE in _codes(world, TODAY + timedelta(days=31))


def test_unacknowledged_precautions_block(world: World) -> None:
    services.intake_submit(
        request=None,
        actor=world.frontdesk_a,
        patient=world.patient_a,
        facts={**safe_answers(), "anticoagulant": True},
        history={},
        channel="desk",
    )
    services.screening_perform(
        request=None, actor=world.clinician_a, patient=world.patient_a, as_of=TODAY
    )
    assert GateCode.PRECAUTIONS_UNACKNOWLEDGED in _codes(world)


def test_a_contraindication_blocks(world: World) -> None:
    _ready(world, {**safe_answers(), "needle_phobia": True})
    assert GateCode.CONTRAINDICATED in _codes(world)


def test_withdrawn_consent_blocks(world: World) -> None:
    _ready(world)
    consent = world.patient_a.consents.get()
    consent_withdraw(request=None, actor=world.frontdesk_a, consent=consent, reason="changed mind")
    assert _codes(world) == {GateCode.CONSENT_WITHDRAWN}


def test_a_document_requiring_reconsent_blocks_until_signed_again(world: World) -> None:
    _ready(world)
    publish_consent_document(world.clinic_a, world.owner_a)  # no re-consent needed
    assert _codes(world) == set()
    newer = publish_consent_document(world.clinic_a, world.owner_a, requires_reconsent=True)
    assert _codes(world) == {GateCode.CONSENT_OUTDATED}
    sign_consent(world.patient_a, newer, world.frontdesk_a)
    assert _codes(world) == set()


def test_electrical_needling_needs_its_own_consent(world: World) -> None:
    _ready(world)
    assert GateCode.TECHNIQUE_NOT_CONSENTED in _codes(world, techniques=("electrical",))
    electrical = publish_consent_document(world.clinic_a, world.owner_a, kind="electrical")
    sign_consent(world.patient_a, electrical, world.frontdesk_a)
    assert _codes(world, techniques=("electrical",)) == set()


def test_reasons_name_open_precautions_in_words(world: World) -> None:
    services.intake_submit(
        request=None,
        actor=world.frontdesk_a,
        patient=world.patient_a,
        facts={**safe_answers(), "anticoagulant": True},
        history={},
        channel="desk",
    )
    services.screening_perform(
        request=None, actor=world.clinician_a, patient=world.patient_a, as_of=TODAY
    )
    decision = gate_for_patient(patient=world.patient_a, planned_techniques=(), today=TODAY)
    message = next(
        r.message for r in decision.reasons if r.code == GateCode.PRECAUTIONS_UNACKNOWLEDGED
    )
    assert "Anticoagulant or antiplatelet medication" in message
