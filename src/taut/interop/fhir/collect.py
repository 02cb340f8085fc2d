"""The queries behind the FHIR export: bulk, batched, no query per row.

Sessions are read in batches of `BATCH` by primary key; each batch costs one query per child table
(needling entries, measures, adverse events), whatever the batch holds. Public ids of patients and
users come from one dictionary per export, so no mapper ever follows a foreign key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth import get_user_model

from taut.charting.models import (
    LateAdverseEvent,
    Measure,
    NeedlingEntry,
    PractitionerProfile,
    SessionAdverseEvent,
    TreatmentSession,
)
from taut.clinics.models import Clinic, Location, Membership
from taut.consent.models import Consent, ConsentDocument
from taut.files.models import PatientFile
from taut.interop.fhir import resources as fhir
from taut.interop.fhir.documents import document_resources
from taut.interop.fhir.scheduling import appointment_resources, care_plan_resources
from taut.patients.models import Patient
from taut.scheduling.models import Appointment, CarePlan
from taut.screening.models import Intake

BATCH = 2000
CONSENT_BATCH = 100
# The order of the bulk export's files and of an $everything bundle.
RESOURCE_TYPES = (
    "Organization",
    "Location",
    "Practitioner",
    "Patient",
    "QuestionnaireResponse",
    "Consent",
    "Encounter",
    "Procedure",
    "Observation",
    "AdverseEvent",
    "Appointment",
    "CarePlan",
    "DocumentReference",
)


class UserIds:
    """pk -> public id of users, fetched in bulk and remembered for the rest of the export."""

    def __init__(self) -> None:
        self._known: dict[int, str] = {}

    def load(self, pks: Iterable[int]) -> None:
        missing = {pk for pk in pks if pk is not None and pk not in self._known}
        if missing:
            rows = get_user_model().objects.filter(pk__in=missing).values_list("pk", "public_id")
            self._known.update((pk, str(public_id)) for pk, public_id in rows)

    def __getitem__(self, pk: int) -> str:
        return self._known[pk]


def _batches(queryset: Any, size: int = BATCH) -> Iterator[list[Any]]:
    """Rows in primary-key order, one query per batch (keyset pagination, no OFFSET)."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def _grouped(model: Any, session_ids: list[int], *related: str) -> dict[int, list[Any]]:
    rows = model.objects.filter(session_id__in=session_ids)
    if related:
        rows = rows.select_related(*related)
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows.order_by("pk"):
        grouped[row.session_id].append(row)
    return grouped


def session_resources(
    sessions: Any, *, patient_ids: dict[int, str], users: UserIds, organization_id: str
) -> Iterator[fhir.Resource]:
    """Encounter, Procedures, Observations (+ item answers) and AdverseEvents of the sessions."""
    for batch in _batches(sessions):
        ids = [session.pk for session in batch]
        entries = _grouped(NeedlingEntry, ids, "lot")
        measures = _grouped(Measure, ids)
        events = _grouped(SessionAdverseEvent, ids)
        late_events = _grouped(LateAdverseEvent, ids)
        users.load(session.clinician_id for session in batch)
        for grouped in (events, late_events):
            users.load(event.recorded_by_id for rows in grouped.values() for event in rows)
        for session in batch:
            refs = fhir.session_refs(
                session,
                patient_id=patient_ids[session.patient_id],
                practitioner_id=users[session.clinician_id],
                organization_id=organization_id,
            )
            yield fhir.encounter_resource(session, refs)
            needled = entries.get(session.pk, ())
            procedures = tuple(fhir.derived_id("needling-entry", entry.pk) for entry in needled)
            for entry in needled:
                yield fhir.procedure_resource(entry, refs, lot_number=entry.lot.lot_number)
            for measure in measures.get(session.pk, ()):
                yield fhir.observation_resource(measure, refs)
                answers = fhir.instrument_response_resource(measure, refs)
                if answers is not None:
                    yield answers
            for event in events.get(session.pk, ()):
                yield fhir.adverse_event_resource(
                    event, refs, recorder_id=users[event.recorded_by_id], procedure_ids=procedures
                )
            for late in late_events.get(session.pk, ()):
                yield fhir.late_adverse_event_resource(
                    late, refs, recorder_id=users[late.recorded_by_id], procedure_ids=procedures
                )


def intake_resources(
    intakes: Any, *, patients: dict[int, tuple[str, int | None]], users: UserIds
) -> Iterator[fhir.Resource]:
    """`patients`: patient pk -> (public id, portal user pk)."""
    for batch in _batches(intakes.defer("clinic")):
        users.load(intake.submitted_by_id for intake in batch)
        for intake in batch:
            patient_id, portal_user = patients[intake.patient_id]
            author = (
                ("Patient", patient_id)
                if intake.submitted_by_id == portal_user
                else ("Practitioner", users[intake.submitted_by_id])
            )
            yield fhir.intake_response_resource(intake, patient_id=patient_id, author=author)


def consent_resources(
    consents: Any, *, patient_ids: dict[int, str], organization_id: str, clinic: Clinic
) -> Iterator[fhir.Resource]:
    documents = {d.pk: d for d in ConsentDocument.objects.for_clinic(clinic)}
    # The frozen PDF travels as the Consent's attachment (smaller batches: each holds PDFs);
    # the signature drawing is inside it, so leave that unread.
    for batch in _batches(consents.defer("signature_svg"), size=CONSENT_BATCH):
        for consent in batch:
            yield fhir.consent_resource(
                consent,
                patient_id=patient_ids[consent.patient_id],
                organization_id=organization_id,
                document=documents[consent.document_id],
            )


def practitioner_resources(
    clinic: Clinic, user_ids: Iterable[int] | None = None
) -> list[fhir.Resource]:
    """The clinic's staff (or the given users), with their credentials where recorded."""
    profiles = {p.user_id: p for p in PractitionerProfile.objects.for_clinic(clinic)}
    if user_ids is None:
        user_ids = Membership.objects.for_clinic(clinic).values_list("user_id", flat=True)
    people = get_user_model().objects.filter(pk__in=list(user_ids)).order_by("pk")
    return [fhir.practitioner_resource(user, profiles.get(user.pk)) for user in people]


def clinic_resources(clinic: Clinic) -> Iterator[fhir.Resource]:
    """Every resource of a clinic (the bulk export): the types in RESOURCE_TYPES order, except that
    a session's Encounter, Procedures, Observations and AdverseEvents come together."""
    organization_id = str(clinic.public_id)
    yield fhir.organization_resource(clinic)
    for location in Location.objects.for_clinic(clinic).order_by("pk"):
        yield fhir.location_resource(location, organization_id=organization_id)
    yield from practitioner_resources(clinic)
    patients: dict[int, tuple[str, int | None]] = {}
    for batch in _batches(Patient.objects.for_clinic(clinic)):
        for patient in batch:
            patients[patient.pk] = (str(patient.public_id), patient.portal_user_id)
            yield fhir.patient_resource(patient, organization_id=organization_id)
    patient_ids = {pk: public_id for pk, (public_id, _) in patients.items()}
    users = UserIds()
    yield from intake_resources(Intake.objects.for_clinic(clinic), patients=patients, users=users)
    yield from consent_resources(
        Consent.objects.for_clinic(clinic),
        patient_ids=patient_ids,
        organization_id=organization_id,
        clinic=clinic,
    )
    yield from session_resources(
        TreatmentSession.objects.for_clinic(clinic),
        patient_ids=patient_ids,
        users=users,
        organization_id=organization_id,
    )
    yield from appointment_resources(
        Appointment.objects.for_clinic(clinic), patient_ids=patient_ids
    )
    yield from care_plan_resources(CarePlan.objects.for_clinic(clinic), patient_ids=patient_ids)
    yield from document_resources(PatientFile.objects.for_clinic(clinic), patient_ids=patient_ids)


def patient_everything(patient: Patient) -> list[fhir.Resource]:
    """The patient's compartment: the patient, their records, and who and what they refer to."""
    clinic = patient.clinic
    organization_id = str(clinic.public_id)
    patient_id = str(patient.public_id)
    sessions = TreatmentSession.objects.for_clinic(clinic).filter(patient=patient)
    intakes = Intake.objects.for_clinic(clinic).filter(patient=patient)
    consents = Consent.objects.for_clinic(clinic).filter(patient=patient)
    appointments = Appointment.objects.for_clinic(clinic).filter(patient=patient)
    plans = CarePlan.objects.for_clinic(clinic).filter(patient=patient)
    users = UserIds()
    records = [
        *intake_resources(
            intakes, patients={patient.pk: (patient_id, patient.portal_user_id)}, users=users
        ),
        *consent_resources(
            consents,
            patient_ids={patient.pk: patient_id},
            organization_id=organization_id,
            clinic=clinic,
        ),
        *session_resources(
            sessions,
            patient_ids={patient.pk: patient_id},
            users=users,
            organization_id=organization_id,
        ),
        *appointment_resources(appointments, patient_ids={patient.pk: patient_id}),
        *care_plan_resources(plans, patient_ids={patient.pk: patient_id}),
        *document_resources(
            PatientFile.objects.for_clinic(clinic).filter(patient=patient),
            patient_ids={patient.pk: patient_id},
        ),
    ]
    clinicians = set(sessions.values_list("clinician_id", flat=True))
    clinicians |= set(appointments.values_list("practitioner_id", flat=True))
    clinicians |= set(plans.values_list("author_id", flat=True))
    for events in (SessionAdverseEvent, LateAdverseEvent):
        clinicians |= set(
            events.objects.for_clinic(clinic)
            .filter(session__patient=patient)
            .values_list("recorded_by_id", flat=True)
        )
    clinicians |= set(
        intakes.exclude(submitted_by_id=patient.portal_user_id).values_list(
            "submitted_by_id", flat=True
        )
    )
    return [
        fhir.patient_resource(patient, organization_id=organization_id),
        fhir.organization_resource(clinic),
        *practitioner_resources(clinic, clinicians),
        *records,
    ]
