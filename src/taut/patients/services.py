"""Writes for patients. Each runs in one transaction and leaves an audit entry."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinics.models import Clinic
from taut.common.refusals import Refused
from taut.patients.models import ExternalIdentifier, Patient
from taut.patients.normalise import name_key, phone_digits
from taut.patients.selectors import patient_matching

EDITABLE_FIELDS = ("given_name", "family_name", "date_of_birth", "sex", "phone", "email", "address")


class PatientError(Refused):
    """A patient write that the rules refuse."""


def _refresh_search_keys(patient: Patient) -> None:
    patient.given_key = name_key(patient.given_name)
    patient.family_key = name_key(patient.family_name)
    patient.phone_digits = phone_digits(patient.phone)
    patient.phone_reversed = patient.phone_digits[::-1]
    patient.email_key = patient.email.strip().lower()


@transaction.atomic
def patient_create(
    *, request: HttpRequest | None, actor: Any, clinic: Clinic, data: dict[str, Any]
) -> Patient:
    patient = Patient(clinic=clinic, created_by=actor, **{f: data[f] for f in EDITABLE_FIELDS})
    _refresh_search_keys(patient)
    patient.save()
    audit_record(
        request=request,
        actor=actor,
        clinic=clinic,
        action=Action.CREATE,
        object_type="patient",
        object_id=str(patient.public_id),
    )
    return patient


@transaction.atomic
def patient_update(
    *, request: HttpRequest | None, actor: Any, patient: Patient, data: dict[str, Any]
) -> Patient:
    if patient.is_archived:
        raise PatientError("This patient is archived; restore the record before editing it.")
    # Compare with what is stored: a bound form may already have copied its values onto `patient`.
    stored = Patient.objects.filter(pk=patient.pk).values(*EDITABLE_FIELDS).get()
    changed = [f for f in EDITABLE_FIELDS if stored[f] != data[f]]
    for field in changed:
        setattr(patient, field, data[field])
    _refresh_search_keys(patient)
    patient.save()
    audit_record(
        request=request,
        actor=actor,
        clinic=patient.clinic,
        action=Action.UPDATE,
        object_type="patient",
        object_id=str(patient.public_id),
        detail={"fields": changed},
    )
    return patient


@transaction.atomic
def patient_archive(*, request: HttpRequest | None, actor: Any, patient: Patient) -> Patient:
    if patient.is_archived:
        raise PatientError("This patient is already archived.")
    patient.archived_at = clock.now()
    patient.archived_by = actor
    patient.save(update_fields=["archived_at", "archived_by", "updated_at"])
    audit_record(
        request=request,
        actor=actor,
        clinic=patient.clinic,
        action=Action.ARCHIVE,
        object_type="patient",
        object_id=str(patient.public_id),
    )
    return patient


@transaction.atomic
def patient_restore(*, request: HttpRequest | None, actor: Any, patient: Patient) -> Patient:
    if not patient.is_archived:
        raise PatientError("This patient is not archived.")
    patient.archived_at = None
    patient.archived_by = None
    patient.save(update_fields=["archived_at", "archived_by", "updated_at"])
    audit_record(
        request=request,
        actor=actor,
        clinic=patient.clinic,
        action=Action.UPDATE,
        object_type="patient",
        object_id=str(patient.public_id),
        detail={"restored": True},
    )
    return patient


def patient_refuse_duplicate(
    *,
    clinic: Clinic,
    data: dict[str, Any],
    identifiers: list[tuple[str, str]],
    other_than: Patient | None = None,
) -> None:
    """Refuse to register a patient the clinic has already, by the rule the FHIR import matches
    with (`selectors.patient_matching`): an identifier, or the same names and birth date."""
    found = patient_matching(
        clinic=clinic,
        given_name=data["given_name"],
        family_name=data["family_name"],
        date_of_birth=data["date_of_birth"],
        identifiers=identifiers,
        other_than=other_than,
    )
    if found is None:
        return
    held = {(i.system, i.value) for i in found.identifiers.all()}
    if held.intersection(identifiers):
        raise PatientError(
            f"Patient {found.public_id} already holds one of these identifiers.",
            fields={"identifiers": "Already held by a registered patient."},
        )
    same = "A patient with this given name, family name and date of birth is already registered"
    raise PatientError(
        f"{same}: {found.public_id}.",
        fields=dict.fromkeys(("given_name", "family_name", "date_of_birth"), f"{same}."),
    )


def _identifier_label(system: str, value: str) -> str:
    return f"{system}|{value}" if system else value


@transaction.atomic
def patient_identifiers_add(
    *,
    request: HttpRequest | None,
    actor: Any,
    patient: Patient,
    identifiers: list[tuple[str, str]],
) -> list[ExternalIdentifier]:
    """Give the patient these (system, value) identifiers; one the patient holds already is kept
    as it is, one another patient of the clinic holds is refused (nothing is written)."""
    added: list[ExternalIdentifier] = []
    for system, value in dict.fromkeys(identifiers):
        held = (
            ExternalIdentifier.objects.for_clinic(patient.clinic_id)
            .filter(system=system, value=value)
            .first()
        )
        if held is not None and held.patient_id != patient.pk:
            raise PatientError(
                f"The identifier {_identifier_label(system, value)} belongs to another patient "
                "of this clinic.",
                fields={"identifiers": "Already held by another patient."},
            )
        if held is None:
            added.append(
                ExternalIdentifier.objects.create(
                    clinic_id=patient.clinic_id, patient=patient, system=system, value=value
                )
            )
    if added:
        audit_record(
            request=request,
            actor=actor,
            clinic=patient.clinic,
            action=Action.UPDATE,
            object_type="patient",
            object_id=str(patient.public_id),
            detail={"identifiers_added": [_identifier_label(i.system, i.value) for i in added]},
        )
    return added


@transaction.atomic
def patient_identifier_remove(
    *, request: HttpRequest | None, actor: Any, identifier: ExternalIdentifier
) -> None:
    patient = identifier.patient
    label = _identifier_label(identifier.system, identifier.value)
    identifier.delete()
    audit_record(
        request=request,
        actor=actor,
        clinic=patient.clinic,
        action=Action.UPDATE,
        object_type="patient",
        object_id=str(patient.public_id),
        detail={"identifier_removed": label},
    )
