"""Writes for treatment sessions. Each runs in one transaction and leaves an audit entry.

The rules themselves live in the clinical core (gate, credentials, safety, billing, aftercare);
these services gather their inputs, refuse what they refuse, and store what they decide.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.charting.finality import ensure_open
from taut.charting.mapping import core_entry, muscle_label, plan_of
from taut.charting.models import (
    Addendum,
    Measure,
    NeedleLot,
    NeedlingEntry,
    PractitionerProfile,
    SessionAdverseEvent,
    SessionStatus,
    TreatmentSession,
)
from taut.clinical.aftercare import aftercare_for_plan
from taut.clinical.billing import cpt_codes
from taut.clinical.credentials import Credentials, needling_credentials
from taut.clinical.knowledge import load_knowledge
from taut.clinical.outcomes import ScoringError, score_instrument
from taut.clinical.practice import ELECTRICAL, is_electrical
from taut.clinical.safety import entry_check, reconcile_needles
from taut.clinics.models import Membership
from taut.common import events
from taut.common.refusals import Refused
from taut.consent.models import ConsentKind
from taut.consent.selectors import consent_standing
from taut.patients.models import Patient
from taut.screening.gate import gate_for_patient
from taut.screening.selectors import screening_latest

NOTE_FIELDS = (
    "subjective",
    "pain_regions",
    "skin_check",
    "patient_response",
    "drowsy_or_fainted",
    "assessment",
    "plan",
    "diagnosis_codes",
)


class SessionRefused(Refused):
    """The session (or this step of it) may not go ahead; `reasons` says every why."""


def _audit(
    request: HttpRequest | None,
    actor: Any,
    session: TreatmentSession,
    action: Action,
    **detail: Any,
) -> None:
    audit_record(
        request=request,
        actor=actor,
        clinic=session.clinic,
        action=action,
        object_type="treatment_session",
        object_id=str(session.public_id),
        detail={"patient": str(session.patient.public_id), **detail},
    )


def credential_reasons(*, membership: Membership, day: date) -> list[str]:
    profile = (
        PractitionerProfile.objects.for_clinic(membership.clinic)
        .filter(user=membership.user)
        .first()
    )
    if profile is None:
        return [
            "No practitioner profile (licence and dry-needling training) is recorded for "
            "you in this clinic; the owner adds it under Practitioners."
        ]
    decision = needling_credentials(
        Credentials(
            profession=profile.profession,
            licence_number=profile.licence_number,
            licence_expires=profile.licence_expires,
            training_hours=profile.training_hours,
            licensed_since=profile.licensed_since,
        ),
        jurisdiction=membership.clinic.jurisdiction,
        day=day,
    )
    return list(decision.reasons)


@transaction.atomic
def session_start(
    *, request: HttpRequest | None, membership: Membership, patient: Patient, today: date
) -> TreatmentSession:
    gate = gate_for_patient(patient=patient, planned_techniques=(), today=today)
    reasons = [reason.message for reason in gate.reasons]
    reasons += credential_reasons(membership=membership, day=today)
    if reasons:
        raise SessionRefused(reasons)
    screening = screening_latest(patient=patient)
    consent = consent_standing(patient=patient, kind=ConsentKind.GENERAL).consent
    assert screening is not None and consent is not None  # noqa: S101 - the gate checked both
    earlier = TreatmentSession.objects.for_clinic(patient.clinic_id).filter(patient=patient)
    session = TreatmentSession.objects.create(
        clinic=patient.clinic,
        patient=patient,
        clinician=membership.user,
        screening=screening,
        consent=consent,
        started_at=clock.now(),
        date_of_service=today,
        first_session=not earlier.exists(),
    )
    _audit(request, membership.user, session, Action.CREATE)
    return session


@transaction.atomic
def session_notes_save(
    *, request: HttpRequest | None, actor: Any, session: TreatmentSession, data: dict[str, Any]
) -> TreatmentSession:
    session = TreatmentSession.objects.select_for_update().get(pk=session.pk)
    ensure_open(session)
    changed = [f for f in NOTE_FIELDS if f in data and getattr(session, f) != data[f]]
    for field in changed:
        setattr(session, field, data[field])
    session.save(update_fields=changed or None)
    _audit(request, actor, session, Action.UPDATE, fields=changed)
    return session


def _usable_lot(session: TreatmentSession, lot_id: int | None) -> NeedleLot:
    lot = (
        NeedleLot.objects.for_clinic(session.clinic_id)
        .filter(pk=lot_id)
        .select_related("product")
        .first()
    )
    if lot is None:
        raise SessionRefused(["That needle lot is not in this clinic's stock."])
    if lot.expires_on < session.date_of_service:
        raise SessionRefused(
            [f"Needle lot {lot.lot_number} expired on {lot.expires_on}; use another lot."]
        )
    return lot


def _electrical_consent(session: TreatmentSession, technique: str, stimulating: bool) -> None:
    if not is_electrical(technique) and not stimulating:
        return
    gate = gate_for_patient(
        patient=session.patient, planned_techniques=[ELECTRICAL], today=session.date_of_service
    )
    missing = [r.message for r in gate.reasons if r.code == "technique_not_consented"]
    if missing:
        raise SessionRefused(missing)


@transaction.atomic
def entry_add(
    *, request: HttpRequest | None, actor: Any, session: TreatmentSession, data: dict[str, Any]
) -> NeedlingEntry:
    session = TreatmentSession.objects.select_for_update().get(pk=session.pk)
    ensure_open(session)
    lot = _usable_lot(session, data.pop("lot_id"))
    entry = NeedlingEntry(clinic=session.clinic, session=session, lot=lot, **data)
    _electrical_consent(session, entry.technique, entry.frequency_hz is not None)
    existing = list(session.entries.select_related("lot__product").order_by("pk"))
    check = entry_check(core_entry(entry), plan_of(session, entries=existing))
    if check.refusals:
        raise SessionRefused([w.message for w in check.refusals])
    entry.warnings = [w.to_json() for w in check.warnings]
    entry.save()
    _audit(
        request,
        actor,
        session,
        Action.UPDATE,
        added=f"{muscle_label(entry.muscle, entry.side)}, {entry.technique}",
    )
    return entry


@transaction.atomic
def entry_count_out(
    *, request: HttpRequest | None, actor: Any, entry: NeedlingEntry, needles_out: int
) -> NeedlingEntry:
    session = TreatmentSession.objects.select_for_update().get(pk=entry.session_id)
    ensure_open(session)
    if needles_out < 0:
        raise SessionRefused(["Needles out cannot be negative."])
    entry.needles_out = needles_out
    entry.save(update_fields=["needles_out"])
    _audit(request, actor, session, Action.UPDATE, counted_out=entry.pk, needles_out=needles_out)
    return entry


@transaction.atomic
def measure_add(
    *,
    request: HttpRequest | None,
    actor: Any,
    session: TreatmentSession,
    instrument: str,
    timing: str,
    answers: list[float | None],
    site: str = "",
) -> Measure:
    session = TreatmentSession.objects.select_for_update().get(pk=session.pk)
    ensure_open(session)
    try:
        scored = score_instrument(instrument, answers)
    except ScoringError as refusal:
        raise SessionRefused([str(refusal)]) from refusal
    measure = Measure.objects.create(
        clinic=session.clinic,
        session=session,
        instrument=scored.instrument,
        timing=timing,
        score=Decimal(str(scored.score)),
        unit=scored.unit,
        answers=list(answers),
        site=site,
        recorded_at=clock.now(),
    )
    _audit(request, actor, session, Action.UPDATE, measure=scored.instrument, timing=timing)
    return measure


@transaction.atomic
def adverse_event_add(
    *,
    request: HttpRequest | None,
    actor: Any,
    session: TreatmentSession,
    event: str,
    severity: str,
    action_taken: str,
) -> SessionAdverseEvent:
    session = TreatmentSession.objects.select_for_update().get(pk=session.pk)
    ensure_open(session)
    knowledge = load_knowledge()
    known = {e.id for e in knowledge.adverse_events if not e.aggregate}
    if event not in known:
        raise SessionRefused([f"“{event}” is not a known adverse-event type."])
    if severity not in {"mild", "significant", "serious"}:
        raise SessionRefused(["Severity must be mild, significant or serious."])
    if not action_taken.strip():
        raise SessionRefused(["Say what was done about the event."])
    recorded = SessionAdverseEvent.objects.create(
        clinic=session.clinic,
        session=session,
        event=event,
        severity=severity,
        action_taken=action_taken.strip(),
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    _audit(request, actor, session, Action.UPDATE, adverse_event=event, severity=severity)
    return recorded


@transaction.atomic
def session_sign(
    *, request: HttpRequest | None, actor: Any, session: TreatmentSession
) -> TreatmentSession:
    session = TreatmentSession.objects.select_for_update().get(pk=session.pk)
    ensure_open(session)
    if session.clinician_id != actor.pk:
        raise SessionRefused(["Only the clinician who treated the patient signs the note."])
    entries = list(session.entries.select_related("lot__product").order_by("pk"))
    plan = plan_of(session, entries=entries)
    count = reconcile_needles(plan.entries)
    if not count.complete:
        raise SessionRefused(["Needle count does not reconcile: " + "; ".join(count.messages)])
    billing = cpt_codes(plan.entries, date_of_service=session.date_of_service)
    aftercare = aftercare_for_plan(plan, drowsy_or_fainted=session.drowsy_or_fainted)
    session.billing = _billing_json(billing)
    session.aftercare = {
        "advice": [{"id": i.id, "text": i.text} for i in aftercare.advice],
        "red_flags": [
            {"id": i.id, "text": i.text, "action": i.action, "urgency": str(i.urgency)}
            for i in aftercare.red_flags
        ],
    }
    session.status = SessionStatus.SIGNED
    session.signed_at = clock.now()
    session.signed_by = actor
    session.save()
    # The diary queues its prompts and the outcomes their roll-ups, in this transaction.
    events.publish(events.NoteSigned(session))
    _audit(
        request,
        actor,
        session,
        Action.UPDATE,
        signed=True,
        needles=count.total_in,
        code=billing.code.code if billing.code else None,
    )
    return session


def _billing_json(billing: Any) -> dict[str, Any]:
    return {
        "codes": [
            {
                "code": c.code,
                "description": c.description,
                "units": c.units,
                "evidence": str(c.evidence),
            }
            for c in billing.codes
        ],
        "distinct_muscles": billing.distinct_muscles,
        "counted": [f"{muscle_label(m, str(s))}" for m, s in billing.counted],
        "rules": [
            {"text": r.text, "evidence": str(r.evidence), "source": list(r.source)}
            for r in billing.rules
        ],
    }


@transaction.atomic
def addendum_add(
    *, request: HttpRequest | None, actor: Any, session: TreatmentSession, text: str
) -> Addendum:
    session = TreatmentSession.objects.select_for_update().get(pk=session.pk)
    if not session.is_signed:
        raise SessionRefused(["The note is not signed yet; edit it directly."])
    if len(text.strip()) < 3:
        raise SessionRefused(["Write the addendum."])
    addendum = Addendum.objects.create(
        clinic=session.clinic,
        session=session,
        text=text.strip(),
        author=actor,
        created_at=clock.now(),
    )
    _audit(request, actor, session, Action.UPDATE, addendum=addendum.pk)
    return addendum
