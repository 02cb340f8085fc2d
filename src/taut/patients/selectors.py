"""Reads of patients. `get_patient_for` is the one way a view reaches a patient."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinics.models import Membership
from taut.patients.models import Patient
from taut.patients.normalise import name_key, phone_digits

SEARCH_LIMIT = 50
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")


def get_patient_for(*, membership: Membership, public_id: uuid.UUID | str) -> Patient:
    """The patient with this id in the member's clinic, or 404 (also for another clinic's)."""
    try:
        patient = Patient.objects.for_clinic(membership.clinic_id).get(public_id=public_id)
    except (Patient.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404("No such patient in this clinic.") from missing
    patient.clinic = membership.clinic  # the same clinic, already loaded with the membership
    return patient


def patient_get_for_view(
    *, request: HttpRequest | None, membership: Membership, public_id: uuid.UUID | str
) -> Patient:
    """Fetch a patient to show their record; the read is audited."""
    patient = get_patient_for(membership=membership, public_id=public_id)
    audit_record(
        request=request,
        actor=membership.user,
        clinic=membership.clinic,
        action=Action.VIEW,
        object_type="patient",
        object_id=str(patient.public_id),
    )
    return patient


def _parse_date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None


def _search_filter(query: str) -> Q:
    born = _parse_date(query)
    if born is not None:
        return Q(date_of_birth=born)
    if "@" in query:
        return Q(email_key__startswith=query.strip().lower())
    digits = phone_digits(query)
    if len(digits) >= 4 and re.fullmatch(r"[\d\s()+\-.]+", query):
        return Q(phone_digits__startswith=digits) | Q(phone_reversed__startswith=digits[::-1])
    condition = Q()
    for token in name_key(query).split():
        condition &= Q(family_key__startswith=token) | Q(given_key__startswith=token)
    return condition


def patient_search(
    *,
    request: HttpRequest | None,
    membership: Membership,
    query: str = "",
    include_archived: bool = False,
) -> QuerySet[Patient]:
    patients = Patient.objects.for_clinic(membership.clinic_id)
    if not include_archived:
        patients = patients.filter(archived_at__isnull=True)
    query = query.strip()
    if query:
        patients = patients.filter(_search_filter(query))
        audit_record(
            request=request,
            actor=membership.user,
            clinic=membership.clinic,
            action=Action.VIEW,
            object_type="patient_search",
            object_id="",
            detail={"query": query[:100]},
        )
    return patients.order_by("family_key", "given_key", "pk")


def patient_for_portal_user(*, user: Any) -> Patient | None:
    if not user.is_authenticated:
        return None
    return Patient.objects.filter(portal_user=user, archived_at__isnull=True).first()
