"""Writes for consent: publishing documents, signing (with the frozen PDF), withdrawing."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.clinics.models import Clinic
from taut.common.proxies import client_ip
from taut.common.refusals import Refused
from taut.consent.models import Consent, ConsentDocument
from taut.consent.pdf import consent_pdf
from taut.consent.signature import signature_strokes, signature_svg
from taut.patients.models import Patient

DOCUMENT_FIELDS = (
    "kind",
    "title",
    "introduction",
    "techniques",
    "risks_intro",
    "after_treatment",
    "rights",
    "alternatives",
    "show_quoted_figures",
    "requires_reconsent",
)


# Sections with a default wording: a caller that leaves them out publishes the default.
OPTIONAL_SECTIONS = ("risks_intro", "after_treatment", "rights")


class ConsentError(Refused):
    """A consent write the rules refuse; the message is for the person in front of the screen."""


@transaction.atomic
def document_publish(
    *,
    request: HttpRequest | None,
    actor: Any,
    clinic: Clinic,
    data: dict[str, Any],
    revised_section: str = "",
) -> ConsentDocument:
    latest = (
        ConsentDocument.objects.for_clinic(clinic)
        .filter(kind=data["kind"])
        .aggregate(v=Max("version"))["v"]
        or 0
    )
    document = ConsentDocument.objects.create(
        clinic=clinic,
        version=latest + 1,
        published_by=actor,
        published_at=clock.now(),
        **{f: data[f] for f in DOCUMENT_FIELDS if f not in OPTIONAL_SECTIONS},
        **{f: data[f] for f in OPTIONAL_SECTIONS if data.get(f)},
    )
    audit_record(
        request=request,
        actor=actor,
        clinic=clinic,
        action=Action.CREATE,
        object_type="consent_document",
        object_id=str(document.public_id),
        detail={
            "kind": document.kind,
            "version": document.version,
            **({"revised_section": revised_section} if revised_section else {}),
        },
    )
    return document


@transaction.atomic
def document_revise(
    *,
    request: HttpRequest | None,
    actor: Any,
    document: ConsentDocument,
    field: str,
    value: Any,
    requires_reconsent: bool,
) -> ConsentDocument:
    """Publish the next version with one section changed; earlier versions stay as they are."""
    if field not in DOCUMENT_FIELDS:
        raise ConsentError(f"“{field}” is not a section of a consent document.")
    latest = (
        ConsentDocument.objects.for_clinic(document.clinic_id)
        .filter(kind=document.kind)
        .order_by("-version")
        .first()
    )
    if latest is None or latest.pk != document.pk:
        raise ConsentError("A newer version exists: edit the current version instead.")
    if getattr(document, field) == value:
        raise ConsentError("Nothing changed, so no new version was published.")
    data = {f: getattr(document, f) for f in DOCUMENT_FIELDS}
    data.update({field: value, "requires_reconsent": requires_reconsent})
    return document_publish(
        request=request, actor=actor, clinic=document.clinic, data=data, revised_section=field
    )


@transaction.atomic
def consent_sign(
    *,
    request: HttpRequest | None,
    actor: Any,
    patient: Patient,
    document: ConsentDocument,
    signed_name: str,
    signature: str,
    channel: str,
) -> Consent:
    if document.clinic_id != patient.clinic_id:
        raise ConsentError("This consent document belongs to another clinic.")
    name = " ".join(signed_name.split())
    if len(name) < 2:
        raise ConsentError("Type your full name to sign.")
    svg = signature_svg(signature_strokes(signature))
    signed_at = clock.now()
    ip = client_ip(request)
    pdf = consent_pdf(
        document=document,
        patient=patient,
        signed_name=name,
        signature_svg=svg,
        signed_at=signed_at,
        ip_address=ip,
    )
    consent = Consent.objects.create(
        clinic=patient.clinic,
        patient=patient,
        document=document,
        signed_name=name,
        signature_svg=svg,
        signed_at=signed_at,
        ip_address=ip,
        channel=channel,
        taken_by=actor,
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
    )
    audit_record(
        request=request,
        actor=actor,
        clinic=patient.clinic,
        action=Action.CREATE,
        object_type="consent",
        object_id=str(consent.public_id),
        detail={
            "patient": str(patient.public_id),
            "document_version": document.version,
            "kind": document.kind,
            "channel": channel,
        },
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *, request: HttpRequest | None, actor: Any, consent: Consent, reason: str
) -> Consent:
    if consent.is_withdrawn:
        raise ConsentError("This consent was already withdrawn.")
    consent.withdrawn_at = clock.now()
    consent.withdrawn_by = actor
    consent.withdrawal_reason = reason.strip()[:2000]
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    audit_record(
        request=request,
        actor=actor,
        clinic=consent.clinic,
        action=Action.UPDATE,
        object_type="consent",
        object_id=str(consent.public_id),
        detail={"withdrawn": True},
    )
    return consent
