"""Condition (a session's diagnosis) and DocumentReference (a signed consent's PDF).

Pure mappers like those of resources.py. Their ids are the public ids of the session and the
consent: FHIR ids are unique per resource type, and a public id makes a read one index lookup.
"""

from __future__ import annotations

import re
from typing import Any

from taut.interop.fhir.resources import Resource, SessionRefs, _instant, ref

ICD10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
VERIFICATION_STATUS = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
# An ICD-10-CM code as clinicians write it in the session's diagnosis line ("M79.1 Myalgia").
ICD10_CODE = re.compile(r"\b([A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?)\b")


def icd10_codes(text: str) -> list[str]:
    return list(dict.fromkeys(ICD10_CODE.findall(text)))


def condition_resource(session: Any, refs: SessionRefs, *, condition_name: str) -> Resource:
    """The condition treated in a session: its ICD-10-CM codes as written, with the text."""
    text = session.diagnosis_codes or condition_name
    code: dict[str, Any] = {"text": text}
    codings = [{"system": ICD10_CM, "code": c} for c in icd10_codes(session.diagnosis_codes)]
    if codings:
        code["coding"] = codings
    verification = "confirmed" if refs.signed else "provisional"
    return {
        "resourceType": "Condition",
        "id": refs.encounter_id,
        "verificationStatus": {"coding": [{"system": VERIFICATION_STATUS, "code": verification}]},
        "category": [
            {
                "coding": [
                    {
                        "system": CONDITION_CATEGORY,
                        "code": "encounter-diagnosis",
                        "display": "Encounter Diagnosis",
                    }
                ]
            }
        ],
        "code": code,
        "subject": ref("Patient", refs.patient_id),
        "encounter": ref("Encounter", refs.encounter_id),
        "recordedDate": _instant(refs.started_at),
        "recorder": ref("Practitioner", refs.practitioner_id),
    }


def consent_document_resource(
    consent: Any, *, patient_id: str, organization_id: str, document: Any, pdf_url: str
) -> Resource:
    """The frozen PDF of a signed consent; the Consent resource of the same id says what it
    permits. The PDF is served to staff at `pdf_url`."""
    title = f"{document.title}, version {document.version}"
    return {
        "resourceType": "DocumentReference",
        "id": str(consent.public_id),
        "status": "current",
        "docStatus": "final",
        "type": {"text": "Signed consent"},
        "subject": ref("Patient", patient_id),
        "date": _instant(consent.signed_at),
        "author": [ref("Patient", patient_id)],
        "custodian": ref("Organization", organization_id),
        "description": f"{title} (SHA-256 {consent.pdf_sha256})",
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "url": pdf_url,
                    "title": title,
                    "creation": _instant(consent.signed_at),
                }
            }
        ],
        "context": {"related": [ref("Consent", consent.public_id)]},
    }
