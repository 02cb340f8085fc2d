"""Reads of consent documents and consents, scoped to a clinic."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.http import Http404

from taut.clinical.consent_rules import ConsentStatus, DocumentVersion, Signature, consent_status
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
    status: ConsentStatus | None  # decided by the clinical core; None: never signed

    @property
    def reconsent_required(self) -> bool:
        return self.status is ConsentStatus.SUPERSEDED

    @property
    def valid(self) -> bool:
        return self.status is ConsentStatus.SIGNED


def consent_standing(*, patient: Patient, kind: str) -> ConsentStanding:
    return next(s for s in consent_standings(patient=patient) if s.kind == kind)


def consent_standings(*, patient: Patient) -> list[ConsentStanding]:
    """Where the patient stands for each kind of consent, from two queries: the patient's
    signatures (without their PDFs and drawings) and the clinic's document versions."""
    signatures = list(
        Consent.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient)
        .defer("pdf", "signature_svg")
        .select_related("document")
        .order_by("-signed_at", "-pk")
    )
    documents = list(ConsentDocument.objects.for_clinic(patient.clinic_id).order_by("-version"))
    return [_standing(kind, signatures, documents) for kind in ConsentKind.values]


def _standing(
    kind: str, signatures: list[Consent], documents: list[ConsentDocument]
) -> ConsentStanding:
    latest = next((c for c in signatures if c.document.kind == kind), None)
    of_kind = [d for d in documents if d.kind == kind]
    status = consent_status(
        latest=None
        if latest is None
        else Signature(document_version=latest.document.version, withdrawn=latest.is_withdrawn),
        published=(DocumentVersion(d.version, d.requires_reconsent) for d in of_kind),
    )
    withdrawn = status is ConsentStatus.WITHDRAWN
    return ConsentStanding(
        kind,
        ConsentKind(kind).label,
        of_kind[0] if of_kind else None,
        None if withdrawn else latest,
        latest if withdrawn else None,
        status,
    )
