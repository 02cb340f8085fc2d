"""/sessions: treatment sessions (read); their measures and adverse events are under each session.

Signed notes are final, so the API never edits a note: it reads sessions, and adds measures and
adverse events to open sessions through the charting services (the same rules as the chart page).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from taut.api.auth import ApiContext, reader
from taut.api.schemas import (
    READ_ERRORS,
    IsoDate,
    NextCursor,
    PageQuery,
    UserRef,
    ids,
    page_of,
    user_ref,
)
from taut.api.selectors import get_session_for_api, sessions_for_api
from taut.audit.models import Action
from taut.charting.mapping import muscle_label
from taut.charting.models import SessionStatus, TreatmentSession
from taut.clinics.roles import Permission

PREFIX = "/sessions"
router = Router(tags=["sessions"])


class SessionOut(Schema):
    id: UUID
    patient: UUID
    clinician: UserRef
    date_of_service: date
    started_at: datetime
    first_session: bool
    status: SessionStatus
    signed_at: datetime | None
    signed_by: UserRef | None


class SessionPage(Schema):
    limit: int
    next: NextCursor
    items: list[SessionOut]


class LotOut(Schema):
    lot_number: str
    product: str
    expires_on: date


class EntryOut(Schema):
    muscle: str
    side: str
    label: str
    technique: str
    lot: LotOut
    needles_in: int
    needles_out: int | None
    depth_mm: float | None
    insertions: int | None
    twitch: str
    minutes_in: int | None
    frequency_hz: float | None
    pulse_width_us: int | None
    intensity_ma: float | None
    stimulation_minutes: int | None
    warnings: list[dict[str, Any]]


class AddendumOut(Schema):
    text: str
    author: UserRef
    created_at: datetime


class SessionDetailOut(SessionOut):
    pain_regions: list[str]
    subjective: str
    skin_check: str
    patient_response: str
    drowsy_or_fainted: bool
    assessment: str
    plan: str
    diagnosis_codes: str
    entries: list[EntryOut]
    addenda: list[AddendumOut]
    billing: dict[str, Any] = Field(description="CPT codes and the rules applied, once signed.")
    aftercare: dict[str, Any] = Field(description="Aftercare advice and red flags, once signed.")


class SessionQuery(PageQuery):
    patient: UUID | None = Field(None, description="Only this patient's sessions.")
    date_from: IsoDate | None = Field(None, description="Date of service on or after.")
    date_to: IsoDate | None = Field(None, description="Date of service on or before.")
    status: SessionStatus | None = None


def session_out(session: TreatmentSession) -> dict[str, Any]:
    return {
        "id": session.public_id,
        "patient": session.patient.public_id,
        "clinician": user_ref(session.clinician),
        "date_of_service": session.date_of_service,
        "started_at": session.started_at,
        "first_session": session.first_session,
        "status": session.status,
        "signed_at": session.signed_at,
        "signed_by": user_ref(session.signed_by),
    }


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def session_detail_out(session: TreatmentSession) -> dict[str, Any]:
    entries = session.entries.select_related("lot__product").order_by("pk")
    return {
        **session_out(session),
        **{
            field: getattr(session, field)
            for field in (
                "pain_regions",
                "subjective",
                "skin_check",
                "patient_response",
                "drowsy_or_fainted",
                "assessment",
                "plan",
                "diagnosis_codes",
                "billing",
                "aftercare",
            )
        },
        "entries": [
            {
                "muscle": entry.muscle,
                "side": entry.side,
                "label": muscle_label(entry.muscle, entry.side),
                "technique": entry.technique,
                "lot": {
                    "lot_number": entry.lot.lot_number,
                    "product": str(entry.lot.product),
                    "expires_on": entry.lot.expires_on,
                },
                "needles_in": entry.needles_in,
                "needles_out": entry.needles_out,
                "depth_mm": _number(entry.depth_mm),
                "insertions": entry.insertions,
                "twitch": entry.twitch,
                "minutes_in": entry.minutes_in,
                "frequency_hz": _number(entry.frequency_hz),
                "pulse_width_us": entry.pulse_width_us,
                "intensity_ma": _number(entry.intensity_ma),
                "stimulation_minutes": entry.stimulation_minutes,
                "warnings": list(entry.warnings),
            }
            for entry in entries
        ],
        "addenda": [
            {"text": a.text, "author": user_ref(a.author), "created_at": a.created_at}
            for a in session.addenda.select_related("author").order_by("created_at", "pk")
        ],
    }


@router.get("", response={200: SessionPage, **READ_ERRORS}, auth=reader(Permission.CLINICAL_VIEW))
def session_list(request: HttpRequest, query: Query[SessionQuery]) -> dict[str, Any]:
    """Sessions of the token's clinic, newest first."""
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    sessions = sessions_for_api(
        membership=context.membership,
        patient=query.patient,
        date_from=query.date_from,
        date_to=query.date_to,
        status=query.status,
    )
    page, shown = page_of(sessions, query, session_out)
    context.audit(
        request,
        action=Action.VIEW,
        object_type="treatment_sessions",
        object_id=str(query.patient or ""),
        patients=ids(s.patient.public_id for s in shown),
        sessions=ids(s.public_id for s in shown),
    )
    return page


@router.get(
    "/{session_id}",
    response={200: SessionDetailOut, **READ_ERRORS},
    auth=reader(Permission.CLINICAL_VIEW),
)
def session_detail(request: HttpRequest, session_id: UUID) -> dict[str, Any]:
    """One session with its note, needling entries, addenda, billing and aftercare."""
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    session = get_session_for_api(membership=context.membership, public_id=session_id)
    context.audit(
        request,
        action=Action.VIEW,
        object_type="treatment_session",
        object_id=str(session.public_id),
        patient=str(session.patient.public_id),
    )
    return session_detail_out(session)
