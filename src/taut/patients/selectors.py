"""Reads of patients. `get_patient_for` is the one way a view reaches a patient."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Collate
from django.http import Http404, HttpRequest

from taut.audit.models import Action
from taut.audit.services import audit_patient_read, audit_record
from taut.clinics.access import ClinicAccess
from taut.clinics.models import Clinic, Membership
from taut.common.context import AuditContext
from taut.patients.models import ExternalIdentifier, Patient
from taut.patients.normalise import name_key, phone_digits

SEARCH_LIMIT = 50
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")


def get_patient_for(*, membership: ClinicAccess, public_id: uuid.UUID | str) -> Patient:
    """The patient with this id in the member's clinic, or 404 (also for another clinic's)."""
    try:
        patient = Patient.objects.for_clinic(membership.clinic_id).get(public_id=public_id)
    except (Patient.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404("No such patient in this clinic.") from missing
    patient.clinic = membership.clinic  # the same clinic, already loaded with the membership
    return patient


def patient_matching(
    *,
    clinic: Clinic,
    given_name: str,
    family_name: str,
    date_of_birth: date,
    identifiers: list[tuple[str, str]] | tuple[()] = (),
    other_than: Patient | None = None,
) -> Patient | None:
    """The clinic's patient these details describe, by the rule the import and the API share:
    the holder of one of the identifiers (system, value), else the patient with the same given
    and family name (compared as the search compares them) and date of birth. `other_than`: a
    patient being edited, who is not their own duplicate."""
    others = Patient.objects.for_clinic(clinic)
    if other_than is not None:
        others = others.exclude(pk=other_than.pk)
    for system, value in identifiers:
        held = (
            ExternalIdentifier.objects.for_clinic(clinic)
            .filter(system=system, value=value)
            .select_related("patient")
            .first()
        )
        if held is not None and held.patient != other_than:
            return held.patient
    return (
        others.filter(
            given_key=name_key(given_name),
            family_key=name_key(family_name),
            date_of_birth=date_of_birth,
        )
        .order_by("pk")
        .first()
    )


def identifiers_of(patient: Patient) -> list[ExternalIdentifier]:
    return list(patient.identifiers.order_by("system", "value", "pk"))


def patient_read_for(
    *,
    ctx: AuditContext,
    public_id: uuid.UUID | str,
    reading: str = "patient",
    action: Action = Action.VIEW,
) -> Patient:
    """The patient with this id in the acting member's clinic (404 otherwise), with the read of
    `reading` (the part of the record a page shows, or a document it exports) audited. Views
    reach a patient's record through here, so no view writes to the audit log itself."""
    patient = get_patient_for(membership=ctx.member, public_id=public_id)
    audit_patient_read(ctx=ctx, patient=patient, object_type=reading, action=action)
    return patient


def _parse_date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None


def _key(field: str) -> Any:
    """A search key as the name order compares it: character by character (PostgreSQL's "C"
    collation, which the name-order indexes are built with; SQLite compares so already)."""
    return Collate(F(field), "C") if connection.vendor == "postgresql" else F(field)


def _by_name(patients: QuerySet[Patient], first: str, then: str) -> QuerySet[Patient]:
    named = patients.annotate(first_key=_key(first), then_key=_key(then))
    return named.order_by("first_key", "then_key", "pk")


def _starting(name: str, prefix: str) -> Q:
    """`name` starts with `prefix`, as a range an index on the key can seek."""
    following = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return Q(**{f"{name}__gte": prefix, f"{name}__lt": following})


def _name_parts(patients: QuerySet[Patient], query: str) -> list[QuerySet[Patient]]:
    """Patients whose family name starts with the search, in name order; then those whose given
    name does, by given name. Each part is read in the order of an index whose leading key the
    search narrows, so a page costs the same in a clinic of any size. The longest word leads;
    every other word must start the family or the given name."""
    words = name_key(query).split()
    if not words:
        return [_by_name(patients, "family_key", "given_key")]
    lead = max(words, key=len)
    for word in words:
        if word is not lead:
            patients = patients.filter(
                Q(family_key__startswith=word) | Q(given_key__startswith=word)
            )
    family = _by_name(patients, "family_key", "given_key").filter(_starting("first_key", lead))
    given = (
        _by_name(patients, "given_key", "family_key")
        .filter(_starting("first_key", lead))
        .exclude(_starting("then_key", lead))
    )
    return [family, given]


def _search_parts(patients: QuerySet[Patient], query: str) -> list[QuerySet[Patient]]:
    born = _parse_date(query)
    if born is not None:
        return [_by_name(patients.filter(date_of_birth=born), "family_key", "given_key")]
    if "@" in query:
        found = patients.filter(email_key__startswith=query.strip().lower())
        return [_by_name(found, "family_key", "given_key")]
    digits = phone_digits(query)
    if len(digits) >= 4 and re.fullmatch(r"[\d\s()+\-.]+", query):
        found = patients.filter(
            Q(phone_digits__startswith=digits) | Q(phone_reversed__startswith=digits[::-1])
        )
        return [_by_name(found, "family_key", "given_key")]
    return _name_parts(patients, query)


def patient_search(
    *,
    request: HttpRequest | None,
    membership: Membership,
    query: str = "",
    include_archived: bool = False,
) -> list[QuerySet[Patient]]:
    """The patients a search finds, as ordered parts to read one after the other
    (`taut.keyset.page_across`): for a name, family-name matches, then given-name matches."""
    patients = Patient.objects.for_clinic(membership.clinic_id)
    if not include_archived:
        patients = patients.filter(archived_at__isnull=True)
    query = query.strip()
    if not query:
        return [_by_name(patients, "family_key", "given_key")]
    audit_record(
        request=request,
        actor=membership.user,
        clinic=membership.clinic,
        action=Action.VIEW,
        object_type="patient_search",
        object_id="",
        detail={"query": query[:100]},
    )
    return _search_parts(patients, query)


def patient_for_portal_user(*, user: Any) -> Patient | None:
    if not user.is_authenticated:
        return None
    return Patient.objects.filter(portal_user=user, archived_at__isnull=True).first()
