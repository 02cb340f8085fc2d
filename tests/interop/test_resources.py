"""FHIR mappers: every resource Taut emits validates against fhir.resources (R4B) and survives a
round trip through the validator unchanged."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from pydantic import ValidationError

from taut.charting.models import (
    Measure,
    NeedlingEntry,
    PractitionerProfile,
    SessionAdverseEvent,
    TreatmentSession,
)
from taut.clinics.models import Clinic, Location
from taut.consent.models import Consent, ConsentDocument
from taut.interop.fhir import resources as fhir
from taut.interop.fhir.codes import LATERALITY_EXTENSION
from taut.interop.fhir.collect import RESOURCE_TYPES, clinic_resources
from taut.patients.models import Patient
from taut.screening.models import Intake
from tests.interop.conftest import validate

AT = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)
REFS = fhir.SessionRefs(
    encounter_id="11111111-1111-4111-8111-111111111111",
    patient_id="22222222-2222-4222-8222-222222222222",
    practitioner_id="33333333-3333-4333-8333-333333333333",
    organization_id="44444444-4444-4444-8444-444444444444",
    started_at=AT,
    signed=True,
)


# Required code bindings fhir.resources does not check: the statuses of the R4 value sets.
STATUSES = {
    "Procedure": {
        "preparation",
        "in-progress",
        "not-done",
        "on-hold",
        "stopped",
        "completed",
        "entered-in-error",
        "unknown",
    },
    "Observation": {
        "registered",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
    "Encounter": {
        "planned",
        "arrived",
        "triaged",
        "in-progress",
        "onleave",
        "finished",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
    "Consent": {"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"},
    "QuestionnaireResponse": {"in-progress", "completed", "amended", "entered-in-error", "stopped"},
    "Appointment": {
        "proposed",
        "pending",
        "booked",
        "arrived",
        "fulfilled",
        "cancelled",
        "noshow",
        "entered-in-error",
        "checked-in",
        "waitlist",
    },
    "CarePlan": {
        "draft",
        "active",
        "on-hold",
        "revoked",
        "completed",
        "entered-in-error",
        "unknown",
    },
    "Location": {"active", "suspended", "inactive"},
}


def round_trips(resource: dict[str, Any]) -> None:
    """The validator accepts the resource and gives back exactly the same JSON."""
    serialised = json.loads(json.dumps(resource))
    assert validate(serialised) == serialised
    allowed = STATUSES.get(resource["resourceType"])
    if allowed is not None:
        assert resource["status"] in allowed
    if resource["resourceType"] == "Patient":
        assert resource["gender"] in {"male", "female", "other", "unknown"}


def _entry(**extra: Any) -> NeedlingEntry:
    fields: dict[str, Any] = {
        "pk": 7,
        "muscle": "upper_trapezius",
        "side": "l",
        "technique": "deep",
        "needles_in": 2,
        "needles_out": 2,
        "depth_mm": Decimal("15.0"),
        "insertions": 6,
        "twitch": "some",
        **extra,
    }
    return NeedlingEntry(**fields)


def test_a_needling_entry_becomes_a_procedure_with_muscle_and_snomed_laterality() -> None:
    resource = fhir.procedure_resource(_entry(side="r"), REFS, lot_number="L2026A")
    round_trips(resource)
    site = resource["bodySite"][0]
    assert site["text"] == "upper trapezius, right"
    laterality = site["extension"][0]
    assert laterality["url"] == LATERALITY_EXTENSION
    assert laterality["valueCodeableConcept"]["coding"] == [
        {
            "system": "http://snomed.info/sct",
            "code": "24028007",
            "display": "Right (qualifier value)",
        }
    ]
    assert resource["status"] == "completed"
    assert resource["code"] == {"text": "Dry needling (Deep dry needling)"} or resource["code"][
        "text"
    ].startswith("Dry needling (")
    assert "needle lot L2026A" in resource["note"][0]["text"]
    assert resource["encounter"] == {"reference": f"Encounter/{REFS.encounter_id}"}


def test_an_electrical_entry_of_an_open_session_states_its_parameters() -> None:
    entry = _entry(
        frequency_hz=Decimal("2.0"),
        pulse_width_us=250,
        intensity_ma=Decimal("1.5"),
        stimulation_minutes=10,
        needles_out=None,
    )
    open_refs = fhir.SessionRefs(**{**REFS.__dict__, "signed": False})
    resource = fhir.procedure_resource(entry, open_refs)
    round_trips(resource)
    assert resource["status"] == "in-progress"
    assert "electrical stimulation 2 Hz, 250 µs, 1.5 mA, 10 min" in resource["note"][0]["text"]


def test_the_procedure_id_is_stable_and_differs_per_entry() -> None:
    first = fhir.procedure_resource(_entry(pk=1), REFS)["id"]
    assert first == fhir.procedure_resource(_entry(pk=1), REFS)["id"]
    assert first != fhir.procedure_resource(_entry(pk=2), REFS)["id"]


def test_nprs_is_coded_with_loinc_72514_3() -> None:
    measure = Measure(
        pk=3,
        instrument="nprs",
        timing="before",
        score=Decimal("6"),
        unit="points",
        answers=[6],
        recorded_at=AT,
    )
    resource = fhir.observation_resource(measure, REFS)
    round_trips(resource)
    assert resource["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "72514-3",
        "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
    }
    assert resource["valueQuantity"] == {
        "value": 6,
        "unit": "points",
        "system": "http://unitsofmeasure.org",
        "code": "{score}",
    }
    assert resource["note"] == [{"text": "Taken before needling."}]


def test_a_measure_without_a_cited_code_travels_as_text_with_its_site() -> None:
    measure = Measure(
        pk=4,
        instrument="ppt",
        timing="after",
        score=Decimal("3.25"),
        unit="kg/cm²",
        site="right upper trapezius",
        recorded_at=AT,
    )
    resource = fhir.observation_resource(measure, REFS)
    round_trips(resource)
    assert "coding" not in resource["code"]
    assert "PPT" in resource["code"]["text"]
    assert resource["bodySite"] == {"text": "right upper trapezius"}
    assert resource["valueQuantity"]["value"] == 3.25


def test_questionnaire_items_become_a_questionnaire_response() -> None:
    measure = Measure(
        pk=5,
        instrument="ndi",
        timing="before",
        score=Decimal("24"),
        unit="%",
        answers=[1, 2, 3, 0, 1, 2, 1, 0, 1, 1],
        recorded_at=AT,
    )
    resource = fhir.instrument_response_resource(measure, REFS)
    assert resource is not None
    round_trips(resource)
    assert len(resource["item"]) == 10
    assert resource["item"][1]["answer"] == [{"valueDecimal": 2.0}]
    single = Measure(
        pk=6, instrument="ppt", timing="before", score=1, unit="kg", answers=[], recorded_at=AT
    )
    assert fhir.instrument_response_resource(single, REFS) is None


def test_an_adverse_event_carries_taut_severity_beside_the_fhir_code() -> None:
    event = SessionAdverseEvent(
        pk=9, event="bruising", severity="mild", action_taken="Pressure applied.", recorded_at=AT
    )
    resource = fhir.adverse_event_resource(event, REFS, recorder_id=REFS.practitioner_id)
    round_trips(resource)
    assert resource["actuality"] == "actual"
    assert resource["severity"]["text"] == "mild"
    assert resource["severity"]["coding"][0]["code"] == "mild"
    assert resource["event"]["text"]


def test_a_withdrawn_consent_is_inactive_with_the_end_of_its_period() -> None:
    document = ConsentDocument(kind="general", version=2, title="Consent to dry needling")
    consent = Consent(
        public_id="55555555-5555-4555-8555-555555555555",
        signed_at=AT,
        pdf=b"%PDF-1.4 signed",
        pdf_sha256="ab" * 32,
        withdrawn_at=datetime(2026, 11, 21, 9, 0, tzinfo=UTC),
    )
    resource = fhir.consent_resource(
        consent,
        patient_id=REFS.patient_id,
        organization_id=REFS.organization_id,
        document=document,
    )
    round_trips(resource)
    assert resource["status"] == "inactive"
    assert resource["provision"]["period"]["end"].startswith("2026-11-21T09:00")
    assert resource["policyRule"] == {"text": "Consent to dry needling, version 2"}


def test_an_intake_becomes_a_questionnaire_response_with_typed_answers() -> None:
    intake = Intake(
        public_id="66666666-6666-4666-8666-666666666666",
        version=1,
        facts={"pregnant": False, "implant_regions": ["neck_posterior"], "age": 44},
        medications="Ibuprofen",
        previous_needling="went_well",
        submitted_at=AT,
    )
    resource = fhir.intake_response_resource(
        intake, patient_id=REFS.patient_id, author=("Patient", REFS.patient_id)
    )
    round_trips(resource)
    answers = {item["linkId"]: item.get("answer") for item in resource["item"]}
    assert answers["pregnant"] == [{"valueBoolean": False}]
    assert answers["implant_regions"] == [{"valueString": "neck_posterior"}]
    assert answers["age"] == [{"valueInteger": 44}]
    assert answers["previous_needling"] == [{"valueString": "Had it before; it went well"}]
    assert resource["author"] == {"reference": f"Patient/{REFS.patient_id}"}


def test_people_and_places_validate() -> None:
    clinic = Clinic(
        public_id=REFS.organization_id,
        name="Clinic",
        address="1 Main St",
        phone="303",
        email="c@example.com",
    )
    location = Location(
        public_id="77777777-7777-4777-8777-777777777777", name="Main", is_active=False
    )
    patient = Patient(
        public_id=REFS.patient_id,
        given_name="Ada Mary",
        family_name="Lovelace",
        date_of_birth=date(1980, 5, 17),
        sex="female",
        phone="",
        email="ada@example.com",
    )
    user = get_user_model()(
        public_id=REFS.practitioner_id, username="sam", first_name="Sam", last_name="Okafor"
    )
    profile = PractitionerProfile(
        profession="physical_therapist",
        licence_number="PT-1",
        licence_expires=date(2027, 1, 1),
        training_hours=60,
        training_course="DN 1",
        training_date=date(2020, 3, 1),
    )
    for resource in (
        fhir.organization_resource(clinic),
        fhir.location_resource(location, organization_id=REFS.organization_id),
        fhir.patient_resource(patient, organization_id=REFS.organization_id),
        fhir.practitioner_resource(user, profile),
        fhir.practitioner_resource(user),
    ):
        round_trips(resource)
    patient_json = fhir.patient_resource(patient, organization_id=REFS.organization_id)
    assert patient_json["name"][0]["given"] == ["Ada", "Mary"]
    assert patient_json["telecom"] == [{"system": "email", "value": "ada@example.com"}]


def test_an_encounter_of_a_signed_session_is_finished() -> None:
    session = TreatmentSession(
        public_id=REFS.encounter_id,
        started_at=AT,
        signed_at=AT,
        status="signed",
        diagnosis_codes="M79.1 Myalgia",
    )
    resource = fhir.encounter_resource(session, REFS)
    round_trips(resource)
    assert resource["status"] == "finished"
    assert resource["reasonCode"][0]["text"] == "M79.1 Myalgia"
    assert resource["reasonCode"][0]["coding"][0]["code"] == "M79.1"


@pytest.mark.parametrize("status", ["booked", "cancelled", "noshow", "fulfilled"])
def test_appointments_validate_in_every_status(status: str) -> None:
    facts = fhir.AppointmentFacts(
        id="88888888-8888-4888-8888-888888888888",
        patient_id=REFS.patient_id,
        practitioner_id=REFS.practitioner_id,
        location_id="77777777-7777-4777-8777-777777777777",
        start=AT,
        end=datetime(2026, 11, 20, 17, 0, tzinfo=UTC),
        status=status,
        type_name="Follow-up dry needling",
        minutes=30,
    )
    resource = fhir.appointment_resource(facts)
    round_trips(resource)
    assert resource["status"] == status
    assert len(resource["participant"]) == 3


def test_an_unknown_appointment_status_is_refused() -> None:
    facts = fhir.AppointmentFacts(
        id="x1",
        patient_id="p",
        practitioner_id="q",
        location_id=None,
        start=AT,
        end=AT,
        status="maybe",
        type_name="t",
        minutes=30,
    )
    with pytest.raises(ValueError, match="maybe"):
        fhir.appointment_resource(facts)


def test_a_care_plan_contains_its_goals_and_conditions() -> None:
    facts = fhir.CarePlanFacts(
        id="99999999-9999-4999-8999-999999999999",
        patient_id=REFS.patient_id,
        period_start=date(2026, 11, 1),
        period_end=date(2026, 12, 15),
        status="active",
        planned_sessions=6,
        frequency_per_week=2,
        author_practitioner_id=REFS.practitioner_id,
        goals=["NPRS below 3", "Full cervical rotation"],
        conditions=["Myofascial neck pain"],
    )
    resource = fhir.care_plan_resource(facts)
    round_trips(resource)
    assert [c["resourceType"] for c in resource["contained"]] == ["Condition", "Goal", "Goal"]
    assert resource["goal"] == [{"reference": "#goal1"}, {"reference": "#goal2"}]
    assert resource["activity"][0]["detail"]["scheduledTiming"]["repeat"]["frequency"] == 2
    cancelled = fhir.care_plan_resource(
        fhir.CarePlanFacts(**{**facts.__dict__, "status": "cancelled", "goals": []})
    )
    round_trips(cancelled)
    assert cancelled["status"] == "revoked"
    assert "goal" not in cancelled


def test_the_validator_rejects_what_fhir_forbids() -> None:
    """The round trip would catch a mapper bug: an invalid resource does not validate."""
    broken = fhir.procedure_resource(_entry(), REFS)
    del broken["subject"]  # required
    with pytest.raises(ValidationError):
        validate(broken)
    empty = fhir.procedure_resource(_entry(), REFS)
    empty["bodySite"] = [{"text": ""}]  # FHIR forbids empty strings
    with pytest.raises(ValidationError):
        validate(empty)


def test_every_resource_of_the_demo_clinic_validates(demo: Clinic) -> None:
    resources = list(clinic_resources(demo))
    kinds = Counter(resource["resourceType"] for resource in resources)
    assert set(kinds) <= set(RESOURCE_TYPES)
    assert kinds["Patient"] == Patient.objects.for_clinic(demo).count()
    assert kinds["Encounter"] == TreatmentSession.objects.for_clinic(demo).count()
    assert kinds["Procedure"] == NeedlingEntry.objects.for_clinic(demo).count()
    assert kinds["Consent"] == Consent.objects.for_clinic(demo).count()
    assert kinds["Organization"] == 1 and kinds["Location"] == 2
    for resource in resources:
        round_trips(resource)
    ids = [(r["resourceType"], r["id"]) for r in resources]
    assert len(ids) == len(set(ids))


def test_collecting_a_clinic_does_not_query_per_row(
    demo: Clinic, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(25):
        list(clinic_resources(demo))


def test_appointments_and_care_plans_are_exported_and_validate(world: Any) -> None:
    from taut.interop.fhir.collect import patient_everything
    from tests.scheduling.conftest import TUESDAY, at, book, make_desk, make_plan

    desk = make_desk(world)
    book(desk, at(TUESDAY, 9))
    make_plan(world)
    resources = patient_everything(world.patient_a)
    kinds = [r["resourceType"] for r in resources]
    assert "Appointment" in kinds and "CarePlan" in kinds
    for resource in resources:
        if resource["resourceType"] in {"Appointment", "CarePlan"}:
            assert validate(resource) == resource
    plan = next(r for r in resources if r["resourceType"] == "CarePlan")
    assert plan["status"] == "active"
    assert [g["description"]["text"] for g in plan["contained"] if g["resourceType"] == "Goal"]


def test_an_event_reported_after_signing_is_dated_the_day_it_was_reported() -> None:
    from taut.charting.models import LateAdverseEvent

    event = LateAdverseEvent(
        pk=4,
        event="headache",
        severity="mild",
        reported_via="phone",
        reported_on=date(2026, 11, 22),
        description="Headache the evening after.",
        action_taken="Advised rest.",
        recorded_at=AT,
    )
    resource = fhir.late_adverse_event_resource(event, REFS, recorder_id=REFS.practitioner_id)
    round_trips(resource)
    assert resource["date"] == "2026-11-22"
    assert resource["recordedDate"].startswith("2026-11-20T16:30")
    assert resource["event"]["text"].endswith("Headache the evening after.")
    session_event = fhir.adverse_event_resource(event, REFS, recorder_id=REFS.practitioner_id)
    assert resource["id"] != session_event["id"]


def test_a_clinic_export_carries_the_events_reported_after_signing(demo: Clinic) -> None:
    from taut.charting.models import LateAdverseEvent

    session = TreatmentSession.objects.for_clinic(demo).filter(signed_at__isnull=False).first()
    assert session is not None
    LateAdverseEvent.objects.create(
        clinic=demo,
        session=session,
        patient=session.patient,
        event="headache",
        severity="mild",
        reported_via="phone",
        reported_on=session.date_of_service,
        description="A headache that evening.",
        action_taken="Advised rest and fluids.",
        recorded_by=session.clinician,
        recorded_at=session.signed_at,
    )
    late = [
        r
        for r in clinic_resources(demo)
        if r["resourceType"] == "AdverseEvent" and "A headache that evening." in r["event"]["text"]
    ]
    assert len(late) == 1
    round_trips(late[0])
    assert late[0]["encounter"]["reference"] == f"Encounter/{session.public_id}"
