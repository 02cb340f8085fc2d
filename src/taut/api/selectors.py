"""Reads for the API, scoped to the member's clinic.

Tokens: owners see every token of the clinic, others their own.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.db.models import QuerySet
from django.http import Http404
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from taut.api.backend import BackendAccess
from taut.api.models import ApiToken, BackendAccessToken, BackendClient
from taut.api.smart import Grants
from taut.api.tokens import ACCESS_TOKEN_PREFIX, hash_secret
from taut.charting.models import Measure, SessionAdverseEvent, TreatmentSession
from taut.clinics.models import Membership
from taut.clinics.roles import Permission
from taut.consent.models import Consent
from taut.patients.models import Patient
from taut.patients.selectors import get_patient_for


def sees_all_tokens(membership: Membership) -> bool:
    return membership.may(Permission.CLINIC_MANAGE)


def tokens_for(*, membership: Membership) -> QuerySet[ApiToken]:
    tokens = ApiToken.objects.for_clinic(membership.clinic_id).select_related("user", "revoked_by")
    if not sees_all_tokens(membership):
        tokens = tokens.filter(user_id=membership.user_id)
    return tokens.order_by("revoked_at", "-created_at", "-pk")


def second_factor_satisfied(membership: Membership) -> bool:
    """False where the clinic requires two-factor sign-in and the member has no confirmed
    authenticator: their tokens are refused, as their password alone would be on the web."""
    return not membership.clinic.require_staff_2fa or user_has_device(membership.user)


def tokens_refused_for_second_factor(*, membership: Membership, tokens: list[ApiToken]) -> set[int]:
    """The tokens (by pk) whose user lacks the second factor this clinic requires."""
    if not membership.clinic.require_staff_2fa:
        return set()
    users = {token.user_id for token in tokens}
    confirmed = set(
        TOTPDevice.objects.filter(user_id__in=users, confirmed=True).values_list(
            "user_id", flat=True
        )
    )
    return {token.pk for token in tokens if token.user_id not in confirmed}


def get_token_for(*, membership: Membership, public_id: uuid.UUID | str) -> ApiToken:
    """A token the member may manage in their clinic, or 404 (also for another clinic's)."""
    token = tokens_for(membership=membership).filter(public_id=public_id).first()
    if token is None:
        raise Http404("No such API token.")
    return token


# Reads of clinical records for the API. Each starts from `for_clinic`; a record id of another
# clinic (a session, a consent, or a patient named in a filter) answers 404.


def _patient(membership: Membership, public_id: uuid.UUID | None) -> Patient | None:
    return (
        None if public_id is None else get_patient_for(membership=membership, public_id=public_id)
    )


def sessions_for_api(
    *,
    membership: Membership,
    patient: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    status: str | None = None,
) -> QuerySet[TreatmentSession]:
    sessions = TreatmentSession.objects.for_clinic(membership.clinic_id).select_related(
        "patient", "clinician", "signed_by"
    )
    chosen = _patient(membership, patient)
    if chosen is not None:
        sessions = sessions.filter(patient=chosen)
    if date_from is not None:
        sessions = sessions.filter(date_of_service__gte=date_from)
    if date_to is not None:
        sessions = sessions.filter(date_of_service__lte=date_to)
    if status:
        sessions = sessions.filter(status=status)
    return sessions.order_by("-started_at", "-pk")


def get_session_for_api(*, membership: Membership, public_id: uuid.UUID | str) -> TreatmentSession:
    session = (
        TreatmentSession.objects.for_clinic(membership.clinic_id)
        .filter(public_id=public_id)
        .select_related("clinic", "patient", "clinician", "signed_by")
        .first()
    )
    if session is None:
        raise Http404("No such session in this clinic.")
    return session


def measures_for_api(
    *,
    membership: Membership,
    session: TreatmentSession | None = None,
    patient: uuid.UUID | None = None,
    instrument: str = "",
    timing: str | None = None,
    recorded_from: date | None = None,
    recorded_to: date | None = None,
) -> QuerySet[Measure]:
    measures = Measure.objects.for_clinic(membership.clinic_id).select_related("session__patient")
    if session is not None:
        measures = measures.filter(session=session)
    chosen = _patient(membership, patient)
    if chosen is not None:
        measures = measures.filter(session__patient=chosen)
    if instrument:
        measures = measures.filter(instrument=instrument)
    if timing:
        measures = measures.filter(timing=timing)
    if recorded_from is not None:
        measures = measures.filter(session__date_of_service__gte=recorded_from)
    if recorded_to is not None:
        measures = measures.filter(session__date_of_service__lte=recorded_to)
    return measures.order_by("-recorded_at", "-pk")


def adverse_events_for_api(
    *,
    membership: Membership,
    session: TreatmentSession | None = None,
    patient: uuid.UUID | None = None,
    severity: str = "",
    event: str = "",
    recorded_from: date | None = None,
    recorded_to: date | None = None,
) -> QuerySet[SessionAdverseEvent]:
    events = SessionAdverseEvent.objects.for_clinic(membership.clinic_id).select_related(
        "session__patient", "recorded_by"
    )
    if session is not None:
        events = events.filter(session=session)
    chosen = _patient(membership, patient)
    if chosen is not None:
        events = events.filter(session__patient=chosen)
    if severity:
        events = events.filter(severity=severity)
    if event:
        events = events.filter(event=event)
    if recorded_from is not None:
        events = events.filter(session__date_of_service__gte=recorded_from)
    if recorded_to is not None:
        events = events.filter(session__date_of_service__lte=recorded_to)
    return events.order_by("-recorded_at", "-pk")


def consents_for_api(
    *,
    membership: Membership,
    patient: uuid.UUID | None = None,
    kind: str | None = None,
    withdrawn: bool | None = None,
) -> QuerySet[Consent]:
    consents = Consent.objects.for_clinic(membership.clinic_id).select_related(
        "patient", "document", "taken_by", "withdrawn_by"
    )
    chosen = _patient(membership, patient)
    if chosen is not None:
        consents = consents.filter(patient=chosen)
    if kind:
        consents = consents.filter(document__kind=kind)
    if withdrawn is not None:
        consents = consents.filter(withdrawn_at__isnull=not withdrawn)
    return consents.order_by("-signed_at", "-pk")


def get_consent_for_api(*, membership: Membership, public_id: uuid.UUID | str) -> Consent:
    consent = consents_for_api(membership=membership).filter(public_id=public_id).first()
    if consent is None:
        raise Http404("No such consent in this clinic.")
    return consent


# SMART Backend Services: the clients an owner registered, and the tokens they were granted.


def backend_clients_for(*, membership: Membership) -> QuerySet[BackendClient]:
    return (
        BackendClient.objects.for_clinic(membership.clinic_id)
        .select_related("created_by", "revoked_by")
        .order_by("revoked_at", "-created_at", "-pk")
    )


def get_backend_client_for(*, membership: Membership, public_id: uuid.UUID | str) -> BackendClient:
    """A backend client of the owner's clinic, or 404 (also for another clinic's)."""
    client = backend_clients_for(membership=membership).filter(public_id=public_id).first()
    if client is None:
        raise Http404("No such backend client.")
    return client


def backend_access_for(secret: str, *, now: datetime) -> BackendAccess | None:
    """The access a presented SMART access token gives, or None if it is unknown, expired, or
    its client was revoked since it was granted."""
    if not secret.startswith(ACCESS_TOKEN_PREFIX):
        return None
    token = (
        BackendAccessToken.objects.select_related("client__clinic")
        .filter(token_hash=hash_secret(secret), expires_at__gt=now)
        .first()
    )
    if token is None or not token.client.is_active:
        return None
    return BackendAccess(token=token, client=token.client, grants=Grants.of(token.scopes))
