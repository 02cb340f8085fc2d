"""Codes an EHR can use: CPT on procedures, ICD-10-CM diagnoses, LOINC and UCUM on measures,
AdverseEvent's required bindings, the signed consent PDF, the Patient's MRN and US Core profile."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from taut.charting.models import LateAdverseEvent, Measure, SessionAdverseEvent, TreatmentSession
from taut.clinics.models import Clinic
from taut.consent.models import Consent
from taut.interop.fhir import resources as fhir
from taut.interop.fhir.codes import UCUM_UNITS
from taut.interop.fhir.collect import clinic_resources
from taut.patients.models import Patient
from tests.interop.conftest import validate
from tests.interop.test_resources import REFS, _entry, round_trips

AT = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)
SEVERITIES = {"mild", "moderate", "severe"}
OUTCOMES = {"resolved", "recovering", "ongoing", "resolvedWithSequelae", "fatal", "unknown"}
AE_SUSPECTS = {
    "Immunization",
    "Procedure",
    "Substance",
    "Medication",
    "MedicationAdministration",
    "MedicationStatement",
    "Device",
}


def test_a_billed_session_codes_its_procedures_with_cpt_beside_the_text() -> None:
    refs = fhir.SessionRefs(**{**REFS.__dict__, "cpt": (("20561", "3 or more muscles"),)})
    resource = fhir.procedure_resource(_entry(), refs)
    round_trips(resource)
    assert resource["code"]["coding"] == [
        {
            "system": "http://www.ama-assn.org/go/cpt",
            "code": "20561",
            "display": "3 or more muscles",
        }
    ]
    assert resource["code"]["text"].startswith("Dry needling")
    assert "coding" not in fhir.procedure_resource(_entry(), REFS)["code"]  # not billed yet


def test_diagnosis_text_becomes_icd10cm_codings_of_a_contained_condition() -> None:
    session = TreatmentSession(
        public_id=REFS.encounter_id,
        started_at=AT,
        status="signed",
        diagnosis_codes="M79.1 Myalgia; m54.2 cervicalgia; Z99.99X bogus",
    )
    resource = fhir.encounter_resource(session, REFS)
    round_trips(resource)
    codes = [c["code"] for c in resource["reasonCode"][0]["coding"]]
    assert codes == ["M79.1", "M54.2"]
    assert {c["system"] for c in resource["reasonCode"][0]["coding"]} == {
        "http://hl7.org/fhir/sid/icd-10-cm"
    }
    (condition,) = resource["contained"]
    assert condition["resourceType"] == "Condition"
    assert condition["code"]["coding"][0]["display"] == "Myalgia"
    assert resource["diagnosis"] == [{"condition": {"reference": "#diagnosis"}, "rank": 1}]


def test_a_diagnosis_without_codes_stays_text() -> None:
    session = TreatmentSession(
        public_id=REFS.encounter_id, started_at=AT, status="open", diagnosis_codes="Neck pain"
    )
    resource = fhir.encounter_resource(session, REFS)
    round_trips(resource)
    assert resource["reasonCode"] == [{"text": "Neck pain"}]


def test_odi_is_coded_with_loinc_and_a_ucum_percent() -> None:
    measure = Measure(
        pk=11, instrument="odi", timing="before", score=Decimal("32"), unit="percent",
        answers=[], recorded_at=AT,
    )  # fmt: skip
    resource = fhir.observation_resource(measure, REFS)
    round_trips(resource)
    assert resource["code"]["coding"][0]["code"] == "97909-6"
    assert resource["valueQuantity"]["system"] == "http://unitsofmeasure.org"
    assert resource["valueQuantity"]["code"] == "%"


@pytest.mark.parametrize(
    ("unit", "ucum"), [("points", "{score}"), ("degrees", "deg"), ("kg/cm²", "kg/cm2")]
)
def test_instrument_units_carry_their_ucum_code(unit: str, ucum: str) -> None:
    measure = Measure(
        pk=12, instrument="ppt", timing="after", score=Decimal("3"), unit=unit, recorded_at=AT
    )
    resource = fhir.observation_resource(measure, REFS)
    round_trips(resource)
    assert resource["valueQuantity"]["code"] == ucum == UCUM_UNITS[unit]


@pytest.mark.parametrize(
    ("severity", "code", "serious"),
    [("mild", "mild", "non-serious"), ("significant", "moderate", "non-serious"),
     ("serious", "severe", "serious")],
)  # fmt: skip
def test_adverse_events_meet_r4s_required_bindings(severity: str, code: str, serious: str) -> None:
    event = SessionAdverseEvent(
        pk=9, event="bruising", severity=severity, action_taken="Pressure <b>", recorded_at=AT
    )
    procedure = fhir.derived_id("needling-entry", 7)
    resource = fhir.adverse_event_resource(
        event, REFS, recorder_id=REFS.practitioner_id, procedure_ids=(procedure,)
    )
    round_trips(resource)
    assert resource["severity"]["coding"][0] == {
        "system": "http://terminology.hl7.org/CodeSystem/adverse-event-severity",
        "code": code,
        "display": code.title(),
    }
    assert resource["seriousness"]["coding"][0]["code"] == serious
    assert resource["outcome"]["coding"][0]["code"] in OUTCOMES
    assert resource["suspectEntity"] == [{"instance": {"reference": f"Procedure/{procedure}"}}]
    assert "Pressure &lt;b&gt;" in resource["text"]["div"]


def test_an_unknown_severity_is_refused() -> None:
    event = SessionAdverseEvent(pk=9, event="bruising", severity="awful", recorded_at=AT)
    with pytest.raises(ValueError, match="awful"):
        fhir.adverse_event_resource(event, REFS, recorder_id=REFS.practitioner_id)


def test_every_adverse_event_of_the_demo_clinic_binds_and_suspects_a_procedure(
    demo: Clinic,
) -> None:
    assert SessionAdverseEvent.objects.for_clinic(demo).exists()
    events = [r for r in clinic_resources(demo) if r["resourceType"] == "AdverseEvent"]
    assert len(events) == (
        SessionAdverseEvent.objects.for_clinic(demo).count()
        + LateAdverseEvent.objects.for_clinic(demo).count()
    )
    for event in events:
        validate(event)
        assert event["actuality"] in {"actual", "potential"}
        assert event["severity"]["coding"][0]["code"] in SEVERITIES
        assert event["outcome"]["coding"][0]["code"] in OUTCOMES
        for suspect in event.get("suspectEntity", []):
            assert suspect["instance"]["reference"].split("/")[0] in AE_SUSPECTS


def test_a_consent_carries_its_signed_pdf_with_the_sha1_hash(demo: Clinic) -> None:
    consent = Consent.objects.for_clinic(demo).order_by("pk").first()
    assert consent is not None
    resource = next(r for r in clinic_resources(demo) if r["id"] == str(consent.public_id))
    validate(resource)
    attachment = resource["sourceAttachment"]
    pdf = bytes(consent.pdf)
    assert base64.b64decode(attachment["data"]) == pdf
    assert attachment["contentType"] == "application/pdf"
    assert attachment["size"] == len(pdf)
    assert attachment["hash"] == base64.b64encode(hashlib.sha1(pdf).digest()).decode()  # noqa: S324


def test_demo_encounters_and_procedures_carry_their_codes(demo: Clinic) -> None:
    resources = list(clinic_resources(demo))
    signed = [r for r in resources if r["resourceType"] == "Encounter" and r.get("reasonCode")]
    assert signed
    for encounter in signed:
        for coding in encounter["reasonCode"][0].get("coding", []):
            assert coding["system"] == "http://hl7.org/fhir/sid/icd-10-cm"
    cpt = {
        c["code"]
        for r in resources
        if r["resourceType"] == "Procedure"
        for c in r["code"].get("coding", [])
    }
    assert cpt and cpt <= {"20560", "20561"}


def test_a_patient_carries_the_clinics_mrn_and_the_us_core_profile(demo: Clinic) -> None:
    patient = Patient.objects.for_clinic(demo).order_by("pk").first()
    assert patient is not None
    resource = fhir.patient_resource(patient, organization_id=str(demo.public_id))
    round_trips(resource)
    assert resource["meta"]["profile"] == [
        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"
    ]
    mrn = resource["identifier"][0]
    assert mrn["type"]["coding"][0] == {
        "system": "http://terminology.hl7.org/CodeSystem/v2-0203",
        "code": "MR",
        "display": "Medical record number",
    }
    assert mrn["system"] == f"urn:uuid:{demo.public_id}" and mrn["value"]
    # US Core's required elements: identifier (system and value), name (family), gender.
    assert all(i["system"] and i["value"] for i in resource["identifier"])
    assert resource["name"][0]["family"] and resource["gender"]
