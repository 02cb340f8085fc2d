"""Rows -> resources for read and search: a page of records, their related rows already joined
(`select_related`), built by the export's own mappers so every surface gives the same resource."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse

from taut.charting.models import NeedlingEntry
from taut.clinical.knowledge import UnknownIdError, load_knowledge
from taut.clinics.models import Clinic
from taut.interop.fhir import resources as fhir
from taut.interop.fhir.diagnoses_documents import condition_resource, consent_document_resource
from taut.interop.fhir.documents import document_reference_resource
from taut.interop.fhir.scheduling import appointment_facts, care_plan_facts
from taut.patients.models import Patient

Resource = fhir.Resource


@dataclass(frozen=True)
class Site:
    """What resources built for one request need beyond the records: the clinic, and the
    absolute address of a path (for attachments served elsewhere)."""

    clinic: Clinic
    absolute: Callable[[str], str]

    @property
    def organization_id(self) -> str:
        return str(self.clinic.public_id)

    @property
    def zone(self) -> ZoneInfo:
        return self.clinic.zone


def _session_refs(session: Any, site: Site) -> fhir.SessionRefs:
    return fhir.session_refs(
        session,
        patient_id=str(session.patient.public_id),
        practitioner_id=str(session.clinician.public_id),
        organization_id=site.organization_id,
    )


def patients(rows: list[Patient], site: Site) -> list[Resource]:
    return [fhir.patient_resource(p, organization_id=site.organization_id) for p in rows]


def encounters(rows: list[Any], site: Site) -> list[Resource]:
    return [fhir.encounter_resource(s, _session_refs(s, site)) for s in rows]


def _condition_name(condition_id: str | None) -> str:
    if not condition_id:
        return ""
    try:
        return load_knowledge().condition(condition_id).name
    except UnknownIdError:
        return condition_id.replace("_", " ")


def conditions(rows: list[Any], site: Site) -> list[Resource]:
    return [
        condition_resource(s, _session_refs(s, site), condition_name=_condition_name(s.condition))
        for s in rows
    ]


def procedures(rows: list[Any], site: Site) -> list[Resource]:
    return [
        fhir.procedure_resource(e, _session_refs(e.session, site), lot_number=e.lot.lot_number)
        for e in rows
    ]


def observations(rows: list[Any], site: Site) -> list[Resource]:
    return [fhir.observation_resource(m, _session_refs(m.session, site)) for m in rows]


def answer_sets(rows: list[Any], site: Site) -> list[Resource]:
    built = (fhir.instrument_response_resource(m, _session_refs(m.session, site)) for m in rows)
    return [resource for resource in built if resource is not None]


def intakes(rows: list[Any], site: Site) -> list[Resource]:
    resources = []
    for intake in rows:
        patient_id = str(intake.patient.public_id)
        author = (
            ("Patient", patient_id)
            if intake.submitted_by_id == intake.patient.portal_user_id
            else ("Practitioner", str(intake.submitted_by.public_id))
        )
        resources.append(
            fhir.intake_response_resource(intake, patient_id=patient_id, author=author)
        )
    return resources


def _suspects(rows: list[Any]) -> dict[int, tuple[str, ...]]:
    """The needling Procedures of each event's session, as the export names them (one query)."""
    suspects: dict[int, list[str]] = {}
    needled = NeedlingEntry.objects.filter(session_id__in={e.session_id for e in rows})
    for session_id, pk in needled.order_by("pk").values_list("session_id", "pk"):
        suspects.setdefault(session_id, []).append(fhir.derived_id("needling-entry", pk))
    return {session_id: tuple(ids) for session_id, ids in suspects.items()}


def adverse_events(rows: list[Any], site: Site) -> list[Resource]:
    suspects = _suspects(rows)
    return [
        fhir.adverse_event_resource(
            e,
            _session_refs(e.session, site),
            recorder_id=str(e.recorded_by.public_id),
            procedure_ids=suspects.get(e.session_id, ()),
        )
        for e in rows
    ]


def late_adverse_events(rows: list[Any], site: Site) -> list[Resource]:
    suspects = _suspects(rows)
    return [
        fhir.late_adverse_event_resource(
            e,
            _session_refs(e.session, site),
            recorder_id=str(e.recorded_by.public_id),
            procedure_ids=suspects.get(e.session_id, ()),
        )
        for e in rows
    ]


def consents(rows: list[Any], site: Site) -> list[Resource]:
    return [
        fhir.consent_resource(
            c,
            patient_id=str(c.patient.public_id),
            organization_id=site.organization_id,
            document=c.document,
        )
        for c in rows
    ]


def consent_documents(rows: list[Any], site: Site) -> list[Resource]:
    resources = []
    for consent in rows:
        patient_id = str(consent.patient.public_id)
        url = reverse(
            "consent:pdf", kwargs={"patient_id": patient_id, "consent_id": consent.public_id}
        )
        resources.append(
            consent_document_resource(
                consent,
                patient_id=patient_id,
                organization_id=site.organization_id,
                document=consent.document,
                pdf_url=site.absolute(url),
            )
        )
    return resources


def appointments(rows: list[Any], site: Site) -> list[Resource]:
    return [
        fhir.appointment_resource(appointment_facts(a, patient_id=str(a.patient.public_id)))
        for a in rows
    ]


def care_plans(rows: list[Any], site: Site) -> list[Resource]:
    return [
        fhir.care_plan_resource(care_plan_facts(p, patient_id=str(p.patient.public_id)))
        for p in rows
    ]


def patient_files(rows: list[Any], site: Site) -> list[Resource]:
    return [document_reference_resource(f, patient_id=str(f.patient.public_id)) for f in rows]
