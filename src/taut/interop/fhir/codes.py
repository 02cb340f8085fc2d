"""Code systems and fixed codes of the FHIR specification itself, and the cited clinical codes.

Structural codes (Encounter class, consent scope, laterality extension URL) come from the FHIR
specification; clinical codes (LOINC, SNOMED CT) come from knowledge/codes.toml with a source.
"""

from __future__ import annotations

from typing import Any

from taut.clinical.knowledge import load_knowledge

UUID_SYSTEM = "urn:ietf:rfc:3986"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
UCUM = "http://unitsofmeasure.org"
CPT = "http://www.ama-assn.org/go/cpt"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
US_CORE_PATIENT = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"
AE_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
AE_OUTCOME = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"
AE_SERIOUSNESS = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
# Taut's severity classes (mild / significant / serious, after White et al.: adverse_events.toml)
# on FHIR's required intensity codes; "serious" is also stated as AdverseEvent.seriousness.
AE_SEVERITIES = {
    "mild": ("mild", "Mild"),
    "significant": ("moderate", "Moderate"),
    "serious": ("severe", "Severe"),
}
# Instrument units as Taut stores them -> UCUM (code, the unit shown).
UCUM_UNITS = {
    "points": "{score}",
    "percent": "%",
    "%": "%",
    "mm": "mm",
    "kg/cm²": "kg/cm2",
    "kg/cm2": "kg/cm2",
    "kPa": "kPa",
    "degrees": "deg",
    "°": "deg",
}
# HL7 mCODE's laterality qualifier: an R4 extension whose stated context includes
# Procedure.bodySite (https://hl7.org/fhir/us/mcode/StructureDefinition-mcode-laterality-qualifier).
LATERALITY_EXTENSION = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-laterality-qualifier"
FHIR_JSON = "application/fhir+json"
NDJSON = "application/fhir+ndjson"


def coded(concept: str, text: str) -> dict[str, Any]:
    """A CodeableConcept: the cited code when codes.toml has one, always with the text."""
    code = load_knowledge().code_for(concept)
    if code is None:
        return {"text": text}
    return {
        "coding": [{"system": code.system, "code": code.code, "display": code.display}],
        "text": text,
    }


def quantity(value: float | int, unit: str) -> dict[str, Any]:
    """A Quantity with its UCUM code where Taut's unit has one (always with the unit as shown)."""
    result: dict[str, Any] = {"value": value, "unit": unit}
    ucum = UCUM_UNITS.get(unit)
    if ucum is not None:
        result.update(system=UCUM, code=ucum)
    return result


def code_source(concept: str) -> str:
    """The citation behind a code, for the mapping table in the docs and the UI."""
    knowledge = load_knowledge()
    code = knowledge.code_for(concept)
    if code is None:
        return ""
    return "; ".join(knowledge.source(key).citation for key in code.source)
