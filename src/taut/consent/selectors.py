"""Reads of consent documents and consents, scoped to a clinic."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.http import Http404

from taut.clinics.models import Clinic, Membership
from taut.consent.models import Consent, ConsentDocument, ConsentKind
from taut.patients.models import Patient


def document_current(*, clinic: Clinic | int, kind: str) -> ConsentDocument | None:
    return ConsentDocument.objects.for_clinic(clinic).filter(kind=kind).order_by("-version").first()


def documents_for(*, clinic: Clinic) -> list[ConsentDocument]:
    return list(
        ConsentDocument.objects.for_clinic(clinic)
        .select_related("published_by")
        .order_by("kind", "-version")
    )


def get_document_for(*, membership: Membership, public_id: uuid.UUID | str) -> ConsentDocument:
    document = (
        ConsentDocument.objects.for_clinic(membership.clinic_id).filter(public_id=public_id).first()
    )
    if document is None:
        raise Http404("No such consent document in this clinic.")
    return document


def consents_for(*, patient: Patient) -> list[Consent]:
    return list(
        Consent.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient)
        .select_related("document", "taken_by", "withdrawn_by")
        .order_by("-signed_at")
    )


def get_consent_for(*, clinic_id: int, patient: Patient, public_id: uuid.UUID | str) -> Consent:
    consent = (
        Consent.objects.for_clinic(clinic_id)
        .filter(patient=patient, public_id=public_id)
        .select_related("document")
        .first()
    )
    if consent is None:
        raise Http404("No such consent for this patient.")
    return consent


@dataclass(frozen=True)
class ConsentStanding:
    """Where a patient stands for one kind of consent."""

    kind: str
    label: str
    current_document: ConsentDocument | None
    consent: Consent | None  # the latest signature that is not withdrawn
    withdrawn: Consent | None  # the latest signature, if it was withdrawn
    reconsent_required: bool

    @property
    def valid(self) -> bool:
        return self.consent is not None and not self.reconsent_required


def consent_standing(*, patient: Patient, kind: str) -> ConsentStanding:
    signatures = (
        Consent.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient, document__kind=kind)
        .select_related("document")
        .order_by("-signed_at", "-pk")
    )
    latest = signatures.first()
    current = document_current(clinic=patient.clinic_id, kind=kind)
    active = latest if latest is not None and not latest.is_withdrawn else None
    reconsent = bool(
        active is not None
        and ConsentDocument.objects.for_clinic(patient.clinic_id)
        .filter(kind=kind, version__gt=active.document.version, requires_reconsent=True)
        .exists()
    )
    return ConsentStanding(
        kind,
        ConsentKind(kind).label,
        current,
        active,
        latest if latest is not None and latest.is_withdrawn else None,
        reconsent,
    )


def consent_standings(*, patient: Patient) -> list[ConsentStanding]:
    return [consent_standing(patient=patient, kind=kind) for kind in ConsentKind.values]
