"""What one export holds: its level (system, Patient, Group), its types, and `_since`.

A Group in Taut is a location's patients: those with an appointment or a treatment session at
that location (`/fhir/Group/<location id>`). It needs no model of its own and stays current.

`_since` uses the timestamps the rows keep (docs/interop.md lists them). Where a row keeps none,
Taut exports more rather than less and says so in the export's notes:
- Organization, Location, Practitioner keep no change time: exported in full.
- A treatment session's resources (Encounter, Procedure, Observation, AdverseEvent, item answers)
  come together when the session started, was signed, is still open (it may change), or had an
  adverse event reported late, since the time.
- Appointments: created, cancelled or starting since the time (Taut keeps no time of an
  arrival, completion or no-show mark).
- Care plans: created or ended since the time, and every active plan (edits carry no time).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db.models import Q

from taut.charting.models import TreatmentSession
from taut.clinics.models import Clinic, Location
from taut.consent.models import Consent
from taut.files.models import PatientFile
from taut.interop.fhir import collect
from taut.interop.fhir import resources as fhir
from taut.interop.fhir.documents import document_resources
from taut.interop.fhir.scheduling import appointment_resources, care_plan_resources
from taut.patients.models import Patient
from taut.scheduling.models import Appointment, CarePlan, CarePlanStatus
from taut.screening.models import Intake

SESSION_TYPES = {"Encounter", "Procedure", "Observation", "AdverseEvent", "QuestionnaireResponse"}
UNTIMED_TYPES = ("Organization", "Location", "Practitioner")


def group_patients(location: Location) -> Any:
    """The patients of a location's Group: seen there in a session or booked there."""
    clinic = location.clinic_id
    booked = Appointment.objects.for_clinic(clinic).filter(location=location)
    treated = TreatmentSession.objects.for_clinic(clinic).filter(location=location)
    return Patient.objects.for_clinic(clinic).filter(
        Q(pk__in=booked.values("patient_id")) | Q(pk__in=treated.values("patient_id"))
    )


def group_resource(location: Location, members: list[str]) -> fhir.Resource:
    return {
        "resourceType": "Group",
        "id": str(location.public_id),
        "identifier": [fhir._uuid_identifier(location.public_id)],
        "active": location.is_active,
        "type": "person",
        "actual": True,
        "name": f"Patients of {location.name}",
        "managingEntity": fhir.ref("Organization", str(location.clinic.public_id)),
        "quantity": len(members),
        "member": [{"entity": fhir.ref("Patient", member)} for member in members],
    }


def since_notes(since: datetime | None, types: list[str]) -> list[str]:
    if since is None:
        return []
    untimed = [kind for kind in UNTIMED_TYPES if kind in types]
    if not untimed:
        return []
    return [f"_since: {', '.join(untimed)} keep no change time in Taut and are exported in full."]


def _patient_since(since: datetime) -> Q:
    return Q(updated_at__gte=since)


def _session_since(since: datetime) -> Q:
    return (
        Q(started_at__gte=since)
        | Q(signed_at__gte=since)
        | Q(signed_at__isnull=True)
        | Q(late_adverse_events__recorded_at__gte=since)
    )


def _appointment_since(since: datetime) -> Q:
    return Q(created_at__gte=since) | Q(cancelled_at__gte=since) | Q(starts_at__gte=since)


def _care_plan_since(since: datetime) -> Q:
    return Q(created_at__gte=since) | Q(ended_at__gte=since) | Q(status=CarePlanStatus.ACTIVE)


def export_resources(
    clinic: Clinic,
    *,
    types: list[str],
    since: datetime | None,
    patients: Any = None,
) -> Iterator[fhir.Resource]:
    """The resources of the wanted types; `patients` (a queryset) limits it to their records
    and leaves out the clinic's own resources (a Patient- or Group-level export)."""
    wanted = set(types)
    organization_id = str(clinic.public_id)
    if patients is None:
        if "Organization" in wanted:
            yield fhir.organization_resource(clinic)
        if "Location" in wanted:
            for location in Location.objects.for_clinic(clinic).order_by("pk"):
                yield fhir.location_resource(location, organization_id=organization_id)
        if "Practitioner" in wanted:
            yield from collect.practitioner_resources(clinic)
        patients = Patient.objects.for_clinic(clinic)
    records = _records(clinic, patients)
    everyone: dict[int, tuple[str, int | None]] = {
        pk: (str(public_id), portal)
        for pk, public_id, portal in patients.values_list("pk", "public_id", "portal_user_id")
    }
    patient_ids = {pk: public_id for pk, (public_id, _) in everyone.items()}
    if "Patient" in wanted:
        changed = patients if since is None else patients.filter(_patient_since(since))
        for batch in collect._batches(changed):
            for patient in batch:
                yield fhir.patient_resource(patient, organization_id=organization_id)
    yield from _filtered(_record_resources(records, wanted, since, everyone, patient_ids), wanted)


def _records(clinic: Clinic, patients: Any) -> dict[str, Any]:
    mine = patients.values("pk")
    return {
        "intakes": Intake.objects.for_clinic(clinic).filter(patient__in=mine),
        "consents": Consent.objects.for_clinic(clinic).filter(patient__in=mine),
        "sessions": TreatmentSession.objects.for_clinic(clinic).filter(patient__in=mine),
        "appointments": Appointment.objects.for_clinic(clinic).filter(patient__in=mine),
        "plans": CarePlan.objects.for_clinic(clinic).filter(patient__in=mine),
        "files": PatientFile.objects.for_clinic(clinic).filter(patient__in=mine),
        "clinic": clinic,
    }


def _record_resources(
    records: dict[str, Any],
    wanted: set[str],
    since: datetime | None,
    everyone: dict[int, tuple[str, int | None]],
    patient_ids: dict[int, str],
) -> Iterator[fhir.Resource]:
    clinic = records["clinic"]
    organization_id = str(clinic.public_id)
    users = collect.UserIds()
    if "QuestionnaireResponse" in wanted:
        intakes = records["intakes"]
        if since is not None:
            intakes = intakes.filter(submitted_at__gte=since)
        yield from collect.intake_resources(intakes, patients=everyone, users=users)
    if "Consent" in wanted:
        consents = records["consents"]
        if since is not None:
            consents = consents.filter(Q(signed_at__gte=since) | Q(withdrawn_at__gte=since))
        yield from collect.consent_resources(
            consents, patient_ids=patient_ids, organization_id=organization_id, clinic=clinic
        )
    if wanted & SESSION_TYPES:
        sessions = records["sessions"]
        if since is not None:
            sessions = TreatmentSession.objects.filter(
                pk__in=sessions.filter(_session_since(since)).values("pk")
            )
        yield from collect.session_resources(
            sessions, patient_ids=patient_ids, users=users, organization_id=organization_id
        )
    if "Appointment" in wanted:
        appointments = records["appointments"]
        if since is not None:
            appointments = appointments.filter(_appointment_since(since))
        yield from appointment_resources(appointments, patient_ids=patient_ids)
    if "CarePlan" in wanted:
        plans = records["plans"]
        if since is not None:
            plans = plans.filter(_care_plan_since(since))
        yield from care_plan_resources(plans, patient_ids=patient_ids)
    if "DocumentReference" in wanted:
        files = records["files"]
        if since is not None:
            files = files.filter(Q(uploaded_at__gte=since) | Q(reviewed_at__gte=since))
        yield from document_resources(files, patient_ids=patient_ids)


def _filtered(resources: Iterator[fhir.Resource], wanted: set[str]) -> Iterator[fhir.Resource]:
    return (resource for resource in resources if resource["resourceType"] in wanted)
