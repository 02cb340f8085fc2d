"""Reads for charting, scoped to the member's clinic."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.http import Http404

from taut.audit.services import audit_patient_read
from taut.charting.mapping import core_entry, muscle_label, plan_of
from taut.charting.models import (
    NeedleLot,
    NeedleProduct,
    NeedlingEntry,
    SessionStatus,
    TreatmentSession,
)
from taut.clinical.knowledge import load_knowledge
from taut.clinical.referral import UnknownRegionError, rank_muscles
from taut.clinical.safety import EntryCheck, entry_check, needling_warnings, reconcile_needles
from taut.clinics.models import Clinic, Membership
from taut.common.context import AuditContext
from taut.patients.models import Patient


def get_session_for(
    *, membership: Membership, patient: Patient, public_id: uuid.UUID | str
) -> TreatmentSession:
    return session_of_patient(patient=patient, public_id=public_id, clinic_id=membership.clinic_id)


def session_read_for(
    *, ctx: AuditContext, patient: Patient, public_id: uuid.UUID | str
) -> TreatmentSession:
    """A session of the patient, for a member to read its note; the read is audited."""
    session = get_session_for(membership=ctx.member, patient=patient, public_id=public_id)
    audit_patient_read(
        ctx=ctx, patient=patient, object_type="treatment_session", object_id=str(session.public_id)
    )
    return session


def session_of_patient(
    *,
    patient: Patient,
    public_id: uuid.UUID | str,
    clinic_id: int | None = None,
    signed_only: bool = False,
) -> TreatmentSession:
    """A session of this patient in the given clinic (the patient's own by default), or 404."""
    sessions = TreatmentSession.objects.for_clinic(clinic_id or patient.clinic_id).filter(
        patient=patient, public_id=public_id
    )
    if signed_only:
        sessions = sessions.filter(status=SessionStatus.SIGNED)
    session = sessions.select_related(
        "clinic", "clinician", "screening__intake", "consent__document", "signed_by"
    ).first()
    if session is None:
        raise Http404("No such session for this patient.")
    session.patient = patient  # the row the caller holds (with its clinic): not fetched again
    return session


def get_entry_for(*, session: TreatmentSession, entry_id: int) -> NeedlingEntry:
    entry = (
        NeedlingEntry.objects.for_clinic(session.clinic_id)
        .filter(session=session, pk=entry_id)
        .first()
    )
    if entry is None:
        raise Http404("No such needling entry in this session.")
    return entry


def sessions_for(*, patient: Patient) -> list[TreatmentSession]:
    return list(
        TreatmentSession.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient)
        .select_related("clinician")
        .order_by("-started_at")
    )


def usable_lots(*, clinic: Clinic | int, day: date) -> list[NeedleLot]:
    return list(
        NeedleLot.objects.for_clinic(clinic)
        .filter(expires_on__gte=day, product__is_active=True)
        .select_related("product")
        .order_by("product__brand", "expires_on")
    )


def stock_for(*, clinic: Clinic) -> list[NeedleProduct]:
    return list(
        NeedleProduct.objects.for_clinic(clinic)
        .prefetch_related("lots")
        .order_by("brand", "gauge_mm", "length_mm")
    )


def suggestions_for(regions: list[str], *, top: int = 8) -> tuple[list[Any], str]:
    """Ranked muscles for a drawing, with a readable error instead of an exception."""
    if not regions:
        return [], ""
    try:
        ranked = rank_muscles(regions, top=top)
    except UnknownRegionError as unknown:
        return [], str(unknown)
    return [
        {
            "muscle": s.muscle,
            "side": str(s.side),
            "score": s.score,
            "label": muscle_label(s.muscle, str(s.side)),
            "explanation": s.explanation,
            "source": s.source,
        }
        for s in ranked
    ], ""


def needling_overview(session: TreatmentSession) -> dict[str, Any]:
    """What the needling section shows: the entries, their warnings and the needle count."""
    entries = list(session.entries.select_related("lot__product").order_by("pk"))
    plan = plan_of(session, entries=entries)
    return {
        "entries": [{"row": e, "label": muscle_label(e.muscle, e.side)} for e in entries],
        "warnings": needling_warnings(plan),
        "count": reconcile_needles(plan.entries),
    }


def session_overview(session: TreatmentSession) -> dict[str, Any]:
    return {
        **needling_overview(session),
        "measures": list(session.measures.order_by("recorded_at")),
        "adverse_events": list(session.adverse_events.order_by("recorded_at")),
        # Addenda follow signing; an open note has none to fetch.
        "addenda": list(session.addenda.select_related("author").order_by("created_at"))
        if session.is_signed
        else [],
        "late_adverse_events": late_events_of(session),
    }


def late_events_of(session: TreatmentSession) -> list[dict[str, Any]]:
    """Adverse events reported after signing, oldest first, with the event's name."""
    labels = {e.id: e.label for e in load_knowledge().adverse_events}
    rows = session.late_adverse_events.select_related("recorded_by").order_by("recorded_at")
    return [{"row": row, "label": labels.get(row.event, row.event)} for row in rows]


def entry_check_as_typed(
    *, session: TreatmentSession, typed: dict[str, Any], lots: list[NeedleLot]
) -> EntryCheck | None:
    """What the needling form will refuse or warn about for the row being typed (before it is
    saved), by the same core rules the service enforces; None until muscle, side and technique
    are chosen. `typed` holds the entry form's fields that are valid so far."""
    if not all(typed.get(name) for name in ("muscle", "side", "technique")):
        return None
    row = NeedlingEntry(
        muscle=typed["muscle"],
        side=typed["side"],
        technique=typed["technique"],
        needles_in=typed.get("needles_in") or 1,
        depth_mm=typed.get("depth_mm"),
        insertions=typed.get("insertions"),
        frequency_hz=typed.get("frequency_hz"),
    )
    lot = next((lot for lot in lots if lot.pk == typed.get("lot_id")), None)
    if lot is not None:
        row.lot = lot
    existing = list(session.entries.select_related("lot__product").order_by("pk"))
    return entry_check(core_entry(row), plan_of(session, entries=existing))


def lot_trace(*, lot_number: str) -> list[NeedlingEntry]:
    """Every use of a lot, across clinics, for a manufacturer's recall (`taut needles trace`)."""
    return list(
        NeedlingEntry.objects.filter(lot__lot_number=lot_number)
        .select_related("session__patient", "session__clinic", "lot__product")
        .order_by("session__date_of_service", "pk")
    )
