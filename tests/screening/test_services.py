from __future__ import annotations

from datetime import date

import pytest

from taut.audit.models import Action, AuditEntry
from taut.screening import services
from taut.screening.models import Intake
from tests.conftest import World

TODAY = date(2026, 11, 23)


def _intake(world: World, facts: dict[str, object]) -> Intake:
    return services.intake_submit(
        request=None,
        actor=world.frontdesk_a,
        patient=world.patient_a,
        facts=facts,
        history={"medications": "warfarin 5 mg"},
        channel="desk",
    )


def test_a_new_intake_supersedes_and_keeps_the_old_one(world: World) -> None:
    first = _intake(world, {"pregnant": False})
    second = _intake(world, {"pregnant": True, "pregnancy_trimester": 2})
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.facts == {"pregnant": False}
    assert AuditEntry.objects.filter(action=Action.CREATE, object_type="intake").count() == 2


def test_screening_uses_the_latest_intake_and_stores_cited_findings(world: World) -> None:
    _intake(world, {"pregnant": False})
    _intake(world, {"anticoagulant": True, "implanted_electrical_device": True})
    record = services.screening_perform(
        request=None, actor=world.clinician_a, patient=world.patient_a, as_of=TODAY
    )
    assert record.intake.version == 2
    codes = {f["code"] for f in record.findings}
    assert "anticoagulant" in codes
    electrical = next(f for f in record.findings if "electrical" in f["applies_to"])
    assert electrical["level"] == "limit"
    first_source = record.findings[0]["sources"][0]
    assert first_source["citation"] and first_source["key"]


def test_age_is_derived_from_the_date_of_birth_not_asked(world: World) -> None:
    _intake(world, {})
    record = services.screening_perform(
        request=None, actor=world.clinician_a, patient=world.patient_a, as_of=TODAY
    )
    assert "unanswered:age_years" not in {f["code"] for f in record.findings}


def test_screening_without_an_intake_is_refused(world: World) -> None:
    with pytest.raises(services.ScreeningError, match="no medical history"):
        services.screening_perform(
            request=None, actor=world.clinician_a, patient=world.patient_a, as_of=TODAY
        )


def test_only_a_precaution_of_the_screening_can_be_acknowledged_with_a_note(world: World) -> None:
    _intake(world, {"anticoagulant": True})
    record = services.screening_perform(
        request=None, actor=world.clinician_a, patient=world.patient_a, as_of=TODAY
    )
    precaution = record.findings_of_level("precaution")[0]["code"]
    with pytest.raises(services.ScreeningError, match="not a precaution"):
        services.precaution_acknowledge(
            request=None,
            actor=world.clinician_a,
            screening=record,
            code="no_such_rule",
            note="fine",
        )
    with pytest.raises(services.ScreeningError, match="Write what you will do"):
        services.precaution_acknowledge(
            request=None, actor=world.clinician_a, screening=record, code=precaution, note="  "
        )
    services.precaution_acknowledge(
        request=None,
        actor=world.clinician_a,
        screening=record,
        code=precaution,
        note="Superficial only; press 2 minutes.",
    )
    with pytest.raises(services.ScreeningError, match="already acknowledged"):
        services.precaution_acknowledge(
            request=None, actor=world.clinician_a, screening=record, code=precaution, note="again"
        )
