"""/adverse-events and /sessions/{id}/adverse-events: adverse events recorded in sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from taut.api.auth import ApiContext, reader, writer
from taut.api.errors import ApiError, form_fields
from taut.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    BodyIn,
    IsoDate,
    NextCursor,
    PageQuery,
    RequiredText,
    ShortText,
    UserRef,
    choice_of,
    ids,
    page_of,
    user_ref,
)
from taut.api.selectors import adverse_events_for_api, get_session_for_api
from taut.audit.models import Action
from taut.charting import services
from taut.charting.forms import AdverseEventForm
from taut.charting.models import SessionAdverseEvent
from taut.clinical.knowledge import load_knowledge
from taut.clinics.roles import Permission

PREFIX = ""
router = Router(tags=["adverse events"])


class AdverseEventOut(Schema):
    session: UUID
    patient: UUID
    event: str
    severity: str
    action_taken: str
    recorded_by: UserRef
    recorded_at: datetime


class AdverseEventPage(Schema):
    limit: int
    next: NextCursor
    items: list[AdverseEventOut]


_KNOWLEDGE = load_knowledge()
EVENT_IDS = [e.id for e in _KNOWLEDGE.adverse_events if not e.aggregate]
SEVERITY_IDS = [s.id for s in _KNOWLEDGE.severities]
EventId = Annotated[str, *choice_of(EVENT_IDS, "adverse-event type")]
SeverityId = Annotated[str, *choice_of(SEVERITY_IDS, "severity")]


class AdverseEventIn(BodyIn):
    event: EventId = Field(description="An adverse-event id from the knowledge data.")
    severity: SeverityId = Field(description="How serious it was.")
    action_taken: RequiredText = Field(max_length=2000, description="What was done about it.")


class AdverseEventQuery(PageQuery):
    patient: UUID | None = None
    event: ShortText = ""
    severity: ShortText = ""
    date_from: IsoDate | None = Field(None, description="Date of service on or after.")
    date_to: IsoDate | None = Field(None, description="Date of service on or before.")


def adverse_event_out(event: SessionAdverseEvent) -> dict[str, Any]:
    return {
        "session": event.session.public_id,
        "patient": event.session.patient.public_id,
        "event": event.event,
        "severity": event.severity,
        "action_taken": event.action_taken,
        "recorded_by": user_ref(event.recorded_by),
        "recorded_at": event.recorded_at,
    }


def _audit_list(
    request: HttpRequest, context: ApiContext, shown: list[SessionAdverseEvent], **detail: Any
) -> None:
    context.audit(
        request,
        action=Action.VIEW,
        object_type="adverse_events",
        patients=ids(e.session.patient.public_id for e in shown),
        sessions=ids(e.session.public_id for e in shown),
        **detail,
    )


@router.get(
    "/adverse-events",
    response={200: AdverseEventPage, **READ_ERRORS},
    auth=reader(Permission.CLINICAL_VIEW),
)
def adverse_event_list(request: HttpRequest, query: Query[AdverseEventQuery]) -> dict[str, Any]:
    """Adverse events across the clinic, newest first."""
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    events = adverse_events_for_api(
        membership=context.membership,
        patient=query.patient,
        severity=query.severity,
        event=query.event,
        recorded_from=query.date_from,
        recorded_to=query.date_to,
    )
    page, shown = page_of(events, query, adverse_event_out)
    _audit_list(request, context, shown)
    return page


@router.get(
    "/sessions/{session_id}/adverse-events",
    response={200: AdverseEventPage, **READ_ERRORS},
    auth=reader(Permission.CLINICAL_VIEW),
)
def session_adverse_event_list(
    request: HttpRequest, session_id: UUID, query: Query[PageQuery]
) -> dict[str, Any]:
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    session = get_session_for_api(membership=context.membership, public_id=session_id)
    events = adverse_events_for_api(membership=context.membership, session=session)
    page, shown = page_of(events, query, adverse_event_out)
    _audit_list(request, context, shown, session=str(session.public_id))
    return page


@router.post(
    "/sessions/{session_id}/adverse-events",
    response={201: AdverseEventOut, **WRITE_ERRORS},
    auth=writer(Permission.CLINICAL_EDIT),
)
def adverse_event_add(
    request: HttpRequest, session_id: UUID, payload: AdverseEventIn
) -> Status[dict[str, Any]]:
    """Record an adverse event in an open session (409 once the note is signed)."""
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    session = get_session_for_api(membership=context.membership, public_id=session_id)
    form = AdverseEventForm(payload.model_dump())
    if not form.is_valid():
        raise ApiError(422, "The adverse event is not valid.", fields=form_fields(form))
    recorded = services.adverse_event_add(
        request=request, actor=context.user, session=session, **form.cleaned_data
    )
    context.audit(
        request,
        action=Action.UPDATE,
        object_type="api_call",
        object_id=str(session.public_id),
        operation="adverse_event_add",
        patient=str(session.patient.public_id),
    )
    return Status(201, adverse_event_out(recorded))
