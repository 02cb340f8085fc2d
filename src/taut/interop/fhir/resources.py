"""Records -> FHIR R4 resources (as JSON-ready dicts). Pure: no query runs in this module.

Each mapper takes a record whose related rows the caller already loaded, plus the ids of the
resources it refers to (`Refs`), so that `collect.py` can fetch everything in bulk. Resource ids
are the records' public UUIDs; rows without one (needling entries, measures, adverse events) get a
name-based UUID derived from their kind and key, stable from one export to the next.

Every mapper's output validates against `fhir.resources.R4B` (tests/interop/test_resources.py).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from taut.clinical import icd10
from taut.clinical.knowledge import UnknownIdError, load_knowledge
from taut.clinical.wording import side_word
from taut.interop.fhir.codes import (
    ACT_CODE,
    AE_OUTCOME,
    AE_SERIOUSNESS,
    AE_SEVERITIES,
    AE_SEVERITY,
    CONSENT_SCOPE,
    CPT,
    ICD10CM,
    IDENTIFIER_TYPE,
    LATERALITY_EXTENSION,
    OBSERVATION_CATEGORY,
    US_CORE_PATIENT,
    UUID_SYSTEM,
    coded,
    quantity,
)

Resource = dict[str, Any]

# A fixed namespace for the ids of rows that have no public UUID of their own.
TAUT_NAMESPACE = uuid.UUID("6f1b6a1e-4f0b-5c53-9a56-7e0d6b1c2a10")

GENDERS = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}
APPOINTMENT_STATUSES = {
    "booked": "booked",
    "arrived": "arrived",
    "cancelled": "cancelled",
    "noshow": "noshow",
    "fulfilled": "fulfilled",
}
CARE_PLAN_STATUSES = {
    "draft": "draft",
    "active": "active",
    "on_hold": "on-hold",
    "completed": "completed",
    "cancelled": "revoked",
    "revoked": "revoked",
}
TIMING_TEXT = {"before": "before needling", "after": "after needling"}


def derived_id(kind: str, key: object) -> str:
    return str(uuid.uuid5(TAUT_NAMESPACE, f"{kind}:{key}"))


def ref(resource_type: str, resource_id: object) -> dict[str, str]:
    return {"reference": f"{resource_type}/{resource_id}"}


def _instant(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("FHIR date-times need a time zone; Taut stores aware datetimes.")
    text = value.isoformat()
    # The canonical FHIR form of UTC is "Z" (what validators and servers write back).
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _number(value: Decimal | float | int) -> float | int:
    number = float(value)
    return int(number) if number.is_integer() else number


def _uuid_identifier(public_id: object) -> dict[str, str]:
    return {"system": UUID_SYSTEM, "value": f"urn:uuid:{public_id}"}


def _telecom(phone: str, email: str) -> list[dict[str, str]]:
    telecom = []
    if phone:
        telecom.append({"system": "phone", "value": phone})
    if email:
        telecom.append({"system": "email", "value": email})
    return telecom


def _with(resource: Resource, **optional: Any) -> Resource:
    """Add the optional elements that have a value (FHIR forbids empty strings and lists)."""
    for key, value in optional.items():
        if value not in (None, "", [], {}):
            resource[key] = value
    return resource


# --- people and places ----------------------------------------------------------------------


def organization_resource(clinic: Any) -> Resource:
    return _with(
        {
            "resourceType": "Organization",
            "id": str(clinic.public_id),
            "identifier": [_uuid_identifier(clinic.public_id)],
            "active": True,
            "name": clinic.name,
        },
        telecom=_telecom(clinic.phone, clinic.email),
        address=[{"text": clinic.address}] if clinic.address else [],
    )


def location_resource(location: Any, *, organization_id: str) -> Resource:
    return _with(
        {
            "resourceType": "Location",
            "id": str(location.public_id),
            "identifier": [_uuid_identifier(location.public_id)],
            "status": "active" if location.is_active else "inactive",
            "name": location.name,
            "managingOrganization": ref("Organization", organization_id),
        },
        telecom=_telecom(location.phone, ""),
        address={"text": location.address} if location.address else None,
    )


def mrn_system(organization_id: str) -> str:
    """The clinic's namespace for its medical record numbers: stable, one per clinic."""
    return f"urn:uuid:{organization_id}"


def _mrn(patient: Any, organization_id: str) -> dict[str, Any]:
    """Taut's medical record number is the patient's public id, within the clinic's namespace."""
    return {
        "use": "usual",
        "type": {
            "coding": [
                {"system": IDENTIFIER_TYPE, "code": "MR", "display": "Medical record number"}
            ],
            "text": "Medical record number",
        },
        "system": mrn_system(organization_id),
        "value": str(patient.public_id),
    }


def patient_resource(patient: Any, *, organization_id: str) -> Resource:
    """US Core Patient: identifier (system and value), a name with a family name (Taut requires
    one), gender (always set: "unknown" when not stated) are the profile's required elements."""
    name: dict[str, Any] = {"use": "official", "family": patient.family_name}
    if patient.given_name:
        name["given"] = patient.given_name.split()
    return _with(
        {
            "resourceType": "Patient",
            "id": str(patient.public_id),
            "meta": {"profile": [US_CORE_PATIENT]},
            "identifier": [_mrn(patient, organization_id), _uuid_identifier(patient.public_id)],
            "active": patient.archived_at is None,
            "name": [name],
            "gender": GENDERS.get(patient.sex, "unknown"),
            "birthDate": patient.date_of_birth.isoformat(),
            "managingOrganization": ref("Organization", organization_id),
        },
        telecom=_telecom(patient.phone, patient.email),
        address=[{"text": patient.address}] if patient.address else [],
    )


def practitioner_resource(user: Any, profile: Any | None = None) -> Resource:
    """A clinician; the credentials come from the clinic's PractitionerProfile when there is one."""
    name = _with({"text": user.get_full_name() or user.username}, family=user.last_name)
    if user.first_name:
        name["given"] = user.first_name.split()
    resource: Resource = {
        "resourceType": "Practitioner",
        "id": str(user.public_id),
        "identifier": [_uuid_identifier(user.public_id)],
        "active": user.is_active,
        "name": [name],
    }
    if profile is not None:
        resource["qualification"] = [
            {
                "identifier": [
                    {"type": {"text": "Licence number"}, "value": profile.licence_number}
                ],
                "code": {"text": profile.get_profession_display()},
                "period": _with(
                    {"end": profile.licence_expires.isoformat()},
                    start=profile.licensed_since.isoformat() if profile.licensed_since else None,
                ),
            },
            {
                "code": {
                    "text": f"Dry-needling training: {profile.training_course}, "
                    f"{profile.training_hours} hours"
                },
                "period": {"start": profile.training_date.isoformat()},
            },
        ]
    return resource


# --- the treatment session ------------------------------------------------------------------


@dataclass(frozen=True)
class SessionRefs:
    """What a session's resources point at, loaded by the caller."""

    encounter_id: str
    patient_id: str
    practitioner_id: str
    organization_id: str
    started_at: datetime
    signed: bool
    cpt: tuple[tuple[str, str], ...] = ()  # (code, description) billed for the session


def _billed_codes(session: Any) -> tuple[tuple[str, str], ...]:
    codes = (getattr(session, "billing", None) or {}).get("codes", [])
    return tuple((str(c["code"]), str(c.get("description", ""))) for c in codes if c.get("code"))


def session_refs(
    session: Any, *, patient_id: str, practitioner_id: str, organization_id: str
) -> SessionRefs:
    return SessionRefs(
        encounter_id=str(session.public_id),
        patient_id=patient_id,
        practitioner_id=practitioner_id,
        organization_id=organization_id,
        started_at=session.started_at,
        signed=session.status == "signed",
        cpt=_billed_codes(session),
    )


_ICD10_TOKEN = re.compile(r"\b[A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?\b")


def icd10_codings(text: str) -> list[dict[str, str]]:
    """The ICD-10-CM codes written in a diagnosis text ("M79.1 Myalgia; M54.2 Cervicalgia"),
    each checked against the shipped code set; words and unknown codes stay in the text."""
    codings: list[dict[str, str]] = []
    for token in _ICD10_TOKEN.findall(text.upper()):
        try:
            found = icd10.describe(token)
        except icd10.Icd10Error:
            continue
        coding = {"system": ICD10CM, "code": found.code, "display": found.description}
        if coding not in codings:
            codings.append(coding)
    return codings


def _diagnoses(session: Any, refs: SessionRefs) -> tuple[list[Resource], Resource | None]:
    """The session's diagnosis as a contained Condition (ICD-10-CM coded) and its reasonCode."""
    text = (session.diagnosis_codes or "").strip()
    if not text:
        return [], None
    codings = icd10_codings(text)
    concept = {"coding": codings, "text": text} if codings else {"text": text}
    condition = {
        "resourceType": "Condition",
        "id": "diagnosis",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                        "code": "encounter-diagnosis",
                        "display": "Encounter Diagnosis",
                    }
                ]
            }
        ],
        "code": concept,
        "subject": ref("Patient", refs.patient_id),
    }
    return [condition], concept


def encounter_resource(session: Any, refs: SessionRefs) -> Resource:
    period: dict[str, str] = {"start": _instant(session.started_at)}
    if session.signed_at is not None:
        period["end"] = _instant(session.signed_at)
    contained, reason = _diagnoses(session, refs)
    return _with(
        {
            "resourceType": "Encounter",
            "id": refs.encounter_id,
            "identifier": [_uuid_identifier(refs.encounter_id)],
            "status": "finished" if refs.signed else "in-progress",
            "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
            "type": [{"text": "Dry needling session"}],
            "subject": ref("Patient", refs.patient_id),
            "participant": [{"individual": ref("Practitioner", refs.practitioner_id)}],
            "period": period,
            "serviceProvider": ref("Organization", refs.organization_id),
        },
        contained=contained,
        reasonCode=[reason] if reason else [],
        diagnosis=[{"condition": {"reference": "#diagnosis"}, "rank": 1}] if contained else [],
    )


def _muscle_name(muscle_id: str) -> str:
    try:
        return load_knowledge().muscle(muscle_id).name
    except UnknownIdError:
        return muscle_id.replace("_", " ")


def _technique_name(technique_id: str) -> str:
    try:
        return load_knowledge().technique(technique_id).name
    except UnknownIdError:
        return technique_id.replace("_", " ")


def _entry_note(entry: Any) -> str:
    parts = [f"{entry.needles_in} needle(s) in"]
    if entry.needles_out is not None:
        parts.append(f"{entry.needles_out} out")
    if entry.depth_mm is not None:
        parts.append(f"depth {_number(entry.depth_mm)} mm")
    if entry.insertions is not None:
        parts.append(f"{entry.insertions} insertion(s)")
    parts.append(f"local twitch: {entry.twitch}")
    if entry.minutes_in is not None:
        parts.append(f"{entry.minutes_in} min in situ")
    if entry.frequency_hz is not None:
        parts.append(
            f"electrical stimulation {_number(entry.frequency_hz)} Hz"
            + (f", {entry.pulse_width_us} µs" if entry.pulse_width_us is not None else "")
            + (f", {_number(entry.intensity_ma)} mA" if entry.intensity_ma is not None else "")
            + (
                f", {entry.stimulation_minutes} min"
                if entry.stimulation_minutes is not None
                else ""
            )
        )
    return "; ".join(parts)


def _procedure_code(entry: Any, refs: SessionRefs) -> dict[str, Any]:
    """The CPT code the session was billed with (20560 / 20561, by its count of muscles) beside
    the text; an unsigned session is not billed yet and has the text only."""
    concept: dict[str, Any] = {"text": f"Dry needling ({_technique_name(entry.technique)})"}
    if refs.cpt:
        concept["coding"] = [
            _with({"system": CPT, "code": code}, display=description)
            for code, description in refs.cpt
        ]
    return concept


def procedure_resource(entry: Any, refs: SessionRefs, *, lot_number: str = "") -> Resource:
    """One muscle needled on one side: bodySite carries the muscle (text) and the laterality."""
    side = side_word(entry.side) or entry.side
    body_site: dict[str, Any] = {"text": f"{_muscle_name(entry.muscle)}, {side}"}
    laterality = coded(f"side:{entry.side}", side)
    if "coding" in laterality:
        body_site["extension"] = [{"url": LATERALITY_EXTENSION, "valueCodeableConcept": laterality}]
    note = _entry_note(entry) + (f"; needle lot {lot_number}" if lot_number else "")
    return {
        "resourceType": "Procedure",
        "id": derived_id("needling-entry", entry.pk),
        "status": "completed" if refs.signed else "in-progress",
        "code": _procedure_code(entry, refs),
        "subject": ref("Patient", refs.patient_id),
        "encounter": ref("Encounter", refs.encounter_id),
        "performedDateTime": _instant(refs.started_at),
        "performer": [{"actor": ref("Practitioner", refs.practitioner_id)}],
        "bodySite": [body_site],
        "note": [{"text": note}],
    }


def _instrument_name(instrument_id: str) -> str:
    try:
        instrument = load_knowledge().instrument(instrument_id)
    except UnknownIdError:
        return instrument_id
    return f"{instrument.name} ({instrument.abbreviation})"


def observation_resource(measure: Any, refs: SessionRefs) -> Resource:
    """A measure's score, coded where codes.toml cites a code (NPRS: LOINC), else as text."""
    return _with(
        {
            "resourceType": "Observation",
            "id": derived_id("measure", measure.pk),
            "status": "final" if refs.signed else "preliminary",
            "category": [
                {
                    "coding": [
                        {"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}
                    ]
                }
            ],
            "code": coded(f"instrument:{measure.instrument}", _instrument_name(measure.instrument)),
            "subject": ref("Patient", refs.patient_id),
            "encounter": ref("Encounter", refs.encounter_id),
            "effectiveDateTime": _instant(measure.recorded_at),
            "performer": [ref("Practitioner", refs.practitioner_id)],
            "valueQuantity": quantity(_number(measure.score), measure.unit),
            "note": [{"text": f"Taken {TIMING_TEXT.get(measure.timing, measure.timing)}."}],
        },
        bodySite={"text": measure.site} if measure.site else None,
    )


def instrument_response_resource(measure: Any, refs: SessionRefs) -> Resource | None:
    """The item answers of a questionnaire measure, or None when it has no item answers."""
    answers = [a for a in (measure.answers or []) if isinstance(a, int | float)]
    if not answers:
        return None
    return {
        "resourceType": "QuestionnaireResponse",
        "id": derived_id("measure-answers", measure.pk),
        "status": "completed",
        "subject": ref("Patient", refs.patient_id),
        "encounter": ref("Encounter", refs.encounter_id),
        "authored": _instant(measure.recorded_at),
        "author": ref("Practitioner", refs.practitioner_id),
        "item": [
            {
                "linkId": f"{measure.instrument}.{number}",
                "text": f"{_instrument_name(measure.instrument)}, item {number}",
                "answer": [{"valueDecimal": float(answer)}],
            }
            for number, answer in enumerate(answers, start=1)
        ],
    }


def _severity(severity: str) -> dict[str, Any]:
    code = AE_SEVERITIES.get(severity)
    if code is None:
        raise ValueError(f"unknown adverse event severity {severity!r}")
    return {
        "coding": [{"system": AE_SEVERITY, "code": code[0], "display": code[1]}],
        "text": severity,
    }


def _narrative(*paragraphs: str) -> dict[str, str]:
    body = "".join(f"<p>{html.escape(text)}</p>" for text in paragraphs if text)
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def adverse_event_resource(
    event: Any, refs: SessionRefs, *, recorder_id: str, procedure_ids: tuple[str, ...] = ()
) -> Resource:
    """R4's required bindings: actuality, severity (mild / moderate / severe), outcome (Taut
    records what was done, not how it ended: "unknown"); the suspects are the needling
    Procedures."""
    try:
        label = load_knowledge().adverse_event(event.event).label
    except UnknownIdError:
        label = event.event.replace("_", " ")
    serious = event.severity == "serious"
    return _with(
        {
            "resourceType": "AdverseEvent",
            "id": derived_id("adverse-event", event.pk),
            "text": _narrative(
                label, f"Severity: {event.severity}.", f"Action taken: {event.action_taken}"
            ),
            "actuality": "actual",
            "event": {"text": label},
            "subject": ref("Patient", refs.patient_id),
            "encounter": ref("Encounter", refs.encounter_id),
            "date": _instant(event.recorded_at),
            "recorder": ref("Practitioner", recorder_id),
            "seriousness": {
                "coding": [
                    {
                        "system": AE_SERIOUSNESS,
                        "code": "serious" if serious else "non-serious",
                        "display": "Serious" if serious else "Non-serious",
                    }
                ]
            },
            "severity": _severity(event.severity),
            "outcome": {
                "coding": [{"system": AE_OUTCOME, "code": "unknown", "display": "Unknown"}],
                "text": "Not recorded",
            },
        },
        suspectEntity=[{"instance": ref("Procedure", pid)} for pid in procedure_ids],
    )


def late_adverse_event_resource(
    event: Any, refs: SessionRefs, *, recorder_id: str, procedure_ids: tuple[str, ...] = ()
) -> Resource:
    """An event the patient reported after the note was signed: dated the day it was reported,
    recorded when it was written down, with what the patient said."""
    resource = adverse_event_resource(
        event, refs, recorder_id=recorder_id, procedure_ids=procedure_ids
    )
    resource["id"] = derived_id("late-adverse-event", event.pk)
    resource["date"] = event.reported_on.isoformat()
    resource["recordedDate"] = _instant(event.recorded_at)
    resource["event"]["text"] = f"{resource['event']['text']}: {event.description}"[:1000]
    return resource


# --- intake and consent ---------------------------------------------------------------------


def _answer(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, bool):
        return [{"valueBoolean": value}]
    if isinstance(value, int):
        return [{"valueInteger": value}]
    if isinstance(value, float):
        return [{"valueDecimal": value}]
    if isinstance(value, list):
        return [{"valueString": str(item)} for item in value]
    if value in (None, ""):
        return []
    return [{"valueString": str(value)}]


def _question_text(fact_id: str) -> str:
    try:
        return load_knowledge().question(fact_id).text
    except UnknownIdError:
        return fact_id.replace("_", " ")


def intake_response_resource(
    intake: Any, *, patient_id: str, author: tuple[str, str] | None
) -> Resource:
    """One intake version; `author` is ("Patient" | "Practitioner", id) of who submitted it."""
    items = []
    for fact_id in sorted(intake.facts):
        answer = _answer(intake.facts[fact_id])
        item: dict[str, Any] = {"linkId": fact_id, "text": _question_text(fact_id)}
        if answer:
            item["answer"] = answer
        items.append(item)
    for link, text, value in (
        ("medications", "Medications", intake.medications),
        ("conditions", "Conditions", intake.conditions),
        ("previous_needling", "Previous dry needling", intake.get_previous_needling_display()),
        ("previous_needling_notes", "About previous needling", intake.previous_needling_notes),
    ):
        if value:
            items.append({"linkId": link, "text": text, "answer": [{"valueString": value}]})
    resource = _with(
        {
            "resourceType": "QuestionnaireResponse",
            "id": str(intake.public_id),
            "identifier": _uuid_identifier(intake.public_id),
            "status": "completed",
            "subject": ref("Patient", patient_id),
            "authored": _instant(intake.submitted_at),
        },
        item=items,
    )
    if author is not None:
        resource["author"] = ref(*author)
    resource["source"] = ref("Patient", patient_id)
    return resource


def pdf_attachment(pdf: bytes, *, title: str) -> dict[str, Any]:
    """The signed PDF itself; Attachment.hash is the base64 of its SHA-1, as FHIR defines it."""
    return {
        "contentType": "application/pdf",
        "data": base64.b64encode(pdf).decode("ascii"),
        "size": len(pdf),
        "hash": base64.b64encode(hashlib.sha1(pdf).digest()).decode("ascii"),  # noqa: S324
        "title": title,
    }


def consent_resource(
    consent: Any, *, patient_id: str, organization_id: str, document: Any
) -> Resource:
    provision: dict[str, Any] = {"type": "permit", "period": {"start": _instant(consent.signed_at)}}
    if consent.withdrawn_at is not None:
        provision["period"]["end"] = _instant(consent.withdrawn_at)
    return {
        "resourceType": "Consent",
        "id": str(consent.public_id),
        "identifier": [_uuid_identifier(consent.public_id)],
        "status": "inactive" if consent.withdrawn_at is not None else "active",
        "scope": {
            "coding": [{"system": CONSENT_SCOPE, "code": "treatment", "display": "Treatment"}]
        },
        "category": [{"text": document.get_kind_display()}],
        "patient": ref("Patient", patient_id),
        "dateTime": _instant(consent.signed_at),
        "performer": [ref("Patient", patient_id)],
        "organization": [ref("Organization", organization_id)],
        "sourceAttachment": pdf_attachment(
            bytes(consent.pdf),
            title=f"{document.title}, version {document.version} (SHA-256 {consent.pdf_sha256})",
        ),
        "policyRule": {"text": f"{document.title}, version {document.version}"},
        "provision": provision,
    }


# --- scheduling (the lead maps the scheduling models onto these facts) ----------------------


@dataclass(frozen=True)
class AppointmentFacts:
    id: str
    patient_id: str
    practitioner_id: str
    location_id: str | None
    start: datetime
    end: datetime
    status: str  # booked / cancelled / noshow / fulfilled
    type_name: str
    minutes: int


def appointment_resource(facts: AppointmentFacts) -> Resource:
    status = APPOINTMENT_STATUSES.get(facts.status)
    if status is None:
        raise ValueError(f"unknown appointment status {facts.status!r}")
    participation = "declined" if status == "cancelled" else "accepted"
    participants = [
        {"actor": ref("Patient", facts.patient_id), "status": participation},
        {"actor": ref("Practitioner", facts.practitioner_id), "status": participation},
    ]
    if facts.location_id:
        participants.append({"actor": ref("Location", facts.location_id), "status": "accepted"})
    return {
        "resourceType": "Appointment",
        "id": facts.id,
        "status": status,
        "serviceType": [{"text": facts.type_name}],
        "start": _instant(facts.start),
        "end": _instant(facts.end),
        "minutesDuration": facts.minutes,
        "participant": participants,
    }


@dataclass(frozen=True)
class CarePlanFacts:
    id: str
    patient_id: str
    period_start: date
    period_end: date | None
    status: str  # draft / active / on_hold / completed / cancelled
    planned_sessions: int
    frequency_per_week: int
    author_practitioner_id: str
    goals: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)


def care_plan_resource(facts: CarePlanFacts) -> Resource:
    """A course of dry needling; goals and conditions travel as contained resources (text)."""
    status = CARE_PLAN_STATUSES.get(facts.status)
    if status is None:
        raise ValueError(f"unknown care plan status {facts.status!r}")
    subject = ref("Patient", facts.patient_id)
    contained: list[Resource] = []
    for number, text in enumerate(facts.conditions, start=1):
        contained.append(
            {
                "resourceType": "Condition",
                "id": f"condition{number}",
                "code": {"text": text},
                "subject": subject,
            }
        )
    for number, text in enumerate(facts.goals, start=1):
        contained.append(
            {
                "resourceType": "Goal",
                "id": f"goal{number}",
                "lifecycleStatus": "active",
                "description": {"text": text},
                "subject": subject,
            }
        )
    period: dict[str, str] = {"start": facts.period_start.isoformat()}
    if facts.period_end is not None:
        period["end"] = facts.period_end.isoformat()
    detail_status = {"completed": "completed", "revoked": "cancelled", "on-hold": "on-hold"}.get(
        status, "scheduled"
    )
    return _with(
        {
            "resourceType": "CarePlan",
            "id": facts.id,
            "status": status,
            "intent": "plan",
            "title": "Dry needling plan of care",
            "subject": subject,
            "period": period,
            "author": ref("Practitioner", facts.author_practitioner_id),
            "activity": [
                {
                    "detail": {
                        "kind": "ServiceRequest",
                        "code": {"text": "Dry needling"},
                        "status": detail_status,
                        "scheduledTiming": {
                            "repeat": {
                                "frequency": facts.frequency_per_week,
                                "period": 1,
                                "periodUnit": "wk",
                            }
                        },
                        "quantity": {"value": facts.planned_sessions, "unit": "sessions"},
                        "description": f"{facts.planned_sessions} sessions, "
                        f"{facts.frequency_per_week} a week",
                    }
                }
            ],
        },
        contained=contained,
        addresses=[{"reference": f"#condition{n}"} for n in range(1, len(facts.conditions) + 1)],
        goal=[{"reference": f"#goal{n}"} for n in range(1, len(facts.goals) + 1)],
    )
