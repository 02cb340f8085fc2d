"""/patients: search, read, register and edit patients (the patient pages' rules and services)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db import transaction
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from taut import clock
from taut.api.auth import ApiContext, reader, writer
from taut.api.endpoints.appointments import AppointmentOut, appointment_book
from taut.api.errors import ApiError, form_fields
from taut.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    BodyIn,
    Email,
    IsoDate,
    IsoDatetime,
    NextCursor,
    PageQuery,
    PersonName,
    Phone,
    RequiredText,
    Text,
    ids,
    page_of,
)
from taut.audit.models import Action
from taut.clinics.roles import Permission
from taut.patients import services
from taut.patients.forms import PatientForm
from taut.patients.models import ExternalIdentifier, Patient, Sex
from taut.patients.selectors import get_patient_for, identifiers_of, patient_search

PREFIX = "/patients"
router = Router(tags=["patients"])


class IdentifierOut(Schema):
    id: UUID
    system: str = Field(description="A URI naming the issuing system; empty when none was given.")
    value: str


class IdentifierIn(BodyIn):
    system: str = Field(
        "", max_length=255, pattern=r"^[^\x00-\x20\x7f]*$", description="A URI, e.g. urn:oid:1.2.3."
    )
    value: RequiredText = Field(max_length=255)


class PatientOut(Schema):
    id: UUID
    given_name: str
    family_name: str
    date_of_birth: date
    sex: Sex
    phone: str
    email: str
    address: str
    identifiers: list[IdentifierOut] = Field(
        description="Numbers in other systems (FHIR Patient.identifier), unique per clinic."
    )
    has_portal_account: bool
    archived: bool
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime


class PatientPage(Schema):
    limit: int
    next: NextCursor
    items: list[PatientOut]


class PatientQuery(PageQuery):
    q: Text = Field(
        "", max_length=100, description="Name, date of birth, phone or email, as on the page."
    )
    include_archived: bool = False
    updated_since: IsoDatetime | None = Field(
        None, description="Only patients changed at or after this moment (ISO 8601, with zone)."
    )


BORN = "Not in the future nor more than 130 years ago (in the clinic's time zone)."


class PatientIn(BodyIn):
    given_name: PersonName
    family_name: PersonName
    date_of_birth: IsoDate = Field(description=BORN)
    sex: Sex = Sex.UNKNOWN
    phone: Phone = ""
    email: Email = ""
    address: Text = Field("", max_length=2000)
    identifiers: list[IdentifierIn] = Field(
        default_factory=list, max_length=20, description="Numbers in other systems."
    )


class PatientPatch(BodyIn):
    """Only the fields sent change; null is not a value."""

    given_name: PersonName = Field(None)  # type: ignore[assignment]
    family_name: PersonName = Field(None)  # type: ignore[assignment]
    date_of_birth: IsoDate = Field(None, description=BORN)  # type: ignore[assignment]
    sex: Sex = Field(None)  # type: ignore[assignment]
    phone: Phone = Field(None)  # type: ignore[assignment]
    email: Email = Field(None)  # type: ignore[assignment]
    address: Text = Field(None, max_length=2000)  # type: ignore[assignment]


def identifier_out(identifier: ExternalIdentifier) -> dict[str, Any]:
    return {"id": identifier.public_id, "system": identifier.system, "value": identifier.value}


def patient_out(patient: Patient) -> dict[str, Any]:
    return {
        "id": patient.public_id,
        **{field: getattr(patient, field) for field in services.EDITABLE_FIELDS},
        "identifiers": [identifier_out(i) for i in identifiers_of(patient)],
        "has_portal_account": patient.portal_user_id is not None,
        "archived": patient.is_archived,
        "archived_at": patient.archived_at,
        "created_at": patient.created_at,
        "updated_at": patient.updated_at,
    }


def _form(context: ApiContext, data: dict[str, Any], instance: Patient | None) -> PatientForm:
    """The patient pages' own form checks the data, so the API cannot accept what they refuse."""
    values = {
        key: value.isoformat() if isinstance(value, date) else value for key, value in data.items()
    }
    form = PatientForm(values, instance=instance, today=clock.today_in(context.clinic.zone))
    if not form.is_valid():
        raise ApiError(422, "The patient record is not valid.", fields=form_fields(form))
    return form


@router.get("", response={200: PatientPage, **READ_ERRORS}, auth=reader(Permission.PATIENT_VIEW))
def patient_list(request: HttpRequest, query: Query[PatientQuery]) -> dict[str, Any]:
    """Patients of the token's clinic, by family then given name; `q` searches as the list page
    does (family-name matches first, then given-name matches)."""
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    patients = patient_search(
        request=request,
        membership=context.membership,
        query=query.q,
        include_archived=query.include_archived,
    )
    if query.updated_since is not None:
        patients = [part.filter(updated_at__gte=query.updated_since) for part in patients]
    page, shown = page_of(patients, query, patient_out)
    context.audit(
        request,
        action=Action.VIEW,
        object_type="patient_list",
        patients=ids(p.public_id for p in shown),
        query=query.q[:100],
    )
    return page


@router.post("", response={201: PatientOut, **WRITE_ERRORS}, auth=writer(Permission.PATIENT_EDIT))
def patient_create(request: HttpRequest, payload: PatientIn) -> Status[dict[str, Any]]:
    """Register a patient. The same checks as the registration page apply, and a patient the
    clinic has already (one of the identifiers, or the same names and date of birth: the rule the
    FHIR import matches with) is refused with 409 naming the fields and the registered id."""
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    form = _form(context, payload.model_dump(exclude={"identifiers"}), None)
    identifiers = [(i.system, i.value) for i in payload.identifiers]
    with transaction.atomic():
        services.patient_refuse_duplicate(
            clinic=context.clinic, data=form.cleaned_data, identifiers=identifiers
        )
        patient = services.patient_create(
            request=request, actor=context.user, clinic=context.clinic, data=form.cleaned_data
        )
        services.patient_identifiers_add(
            request=request, actor=context.user, patient=patient, identifiers=identifiers
        )
    context.audit(
        request,
        action=Action.CREATE,
        object_type="api_call",
        object_id=str(patient.public_id),
        operation="patient_create",
    )
    return Status(201, patient_out(patient))


@router.get(
    "/{patient_id}", response={200: PatientOut, **READ_ERRORS}, auth=reader(Permission.PATIENT_VIEW)
)
def patient_detail(request: HttpRequest, patient_id: UUID) -> dict[str, Any]:
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    patient = get_patient_for(membership=context.membership, public_id=patient_id)
    context.audit(
        request, action=Action.VIEW, object_type="patient", object_id=str(patient.public_id)
    )
    return patient_out(patient)


@router.patch(
    "/{patient_id}",
    response={200: PatientOut, **WRITE_ERRORS},
    auth=writer(Permission.PATIENT_EDIT),
)
def patient_update(request: HttpRequest, patient_id: UUID, payload: PatientPatch) -> dict[str, Any]:
    """Change some of a patient's details. An archived patient must be restored first (409);
    names and a birth date another patient of the clinic has are refused (409) as on POST."""
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    patient = get_patient_for(membership=context.membership, public_id=patient_id)
    data = {field: getattr(patient, field) for field in services.EDITABLE_FIELDS}
    data.update(payload.model_dump(exclude_unset=True))
    form = _form(context, data, patient)
    services.patient_refuse_duplicate(
        clinic=context.clinic, data=form.cleaned_data, identifiers=[], other_than=patient
    )
    patient = services.patient_update(
        request=request, actor=context.user, patient=patient, data=form.cleaned_data
    )
    context.audit(
        request,
        action=Action.UPDATE,
        object_type="api_call",
        object_id=str(patient.public_id),
        operation="patient_update",
    )
    return patient_out(patient)


router.post(
    "/{patient_id}/appointments",
    response={201: AppointmentOut, **WRITE_ERRORS},
    auth=writer(Permission.SCHEDULE_BOOK),
)(appointment_book)


@router.post(
    "/{patient_id}/identifiers",
    response={201: IdentifierOut, **WRITE_ERRORS},
    auth=writer(Permission.PATIENT_EDIT),
)
def identifier_add(
    request: HttpRequest, patient_id: UUID, payload: IdentifierIn
) -> Status[dict[str, Any]]:
    """Give the patient a number in another system; one another patient of the clinic holds is
    refused (409), one this patient holds is answered as it is."""
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    patient = get_patient_for(membership=context.membership, public_id=patient_id)
    pair = (payload.system, payload.value)
    services.patient_identifiers_add(
        request=request, actor=context.user, patient=patient, identifiers=[pair]
    )
    identifier = patient.identifiers.get(system=pair[0], value=pair[1])
    context.audit(
        request,
        action=Action.UPDATE,
        object_type="api_call",
        object_id=str(patient.public_id),
        operation="identifier_add",
    )
    return Status(201, identifier_out(identifier))


@router.delete(
    "/{patient_id}/identifiers/{identifier_id}",
    response={204: None, **WRITE_ERRORS},
    auth=writer(Permission.PATIENT_EDIT),
)
def identifier_remove(request: HttpRequest, patient_id: UUID, identifier_id: UUID) -> Status[None]:
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    patient = get_patient_for(membership=context.membership, public_id=patient_id)
    identifier = patient.identifiers.filter(public_id=identifier_id).first()
    if identifier is None:
        raise Http404("No such identifier of this patient.")
    services.patient_identifier_remove(request=request, actor=context.user, identifier=identifier)
    context.audit(
        request,
        action=Action.UPDATE,
        object_type="api_call",
        object_id=str(patient.public_id),
        operation="identifier_remove",
    )
    return Status(204, None)
