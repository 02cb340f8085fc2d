"""/measures and /sessions/{id}/measures: outcome measures, scored by the instruments' own rules."""

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
    ShortText,
    choice_of,
    ids,
    page_of,
)
from taut.api.selectors import get_session_for_api, measures_for_api
from taut.audit.models import Action
from taut.charting import services
from taut.charting.forms import MeasureForm
from taut.charting.models import Measure, Timing
from taut.clinical.knowledge import load_knowledge
from taut.clinics.roles import Permission

PREFIX = ""
router = Router(tags=["measures"])

Answer = Annotated[float, Field(allow_inf_nan=False)] | None


class MeasureOut(Schema):
    session: UUID
    patient: UUID
    instrument: str
    timing: Timing
    score: float
    unit: str
    answers: list[float | None]
    site: str
    recorded_at: datetime


class MeasurePage(Schema):
    limit: int
    next: NextCursor
    items: list[MeasureOut]


InstrumentId = Annotated[
    str, *choice_of([i.id for i in load_knowledge().instruments], "instrument")
]


class MeasureIn(BodyIn):
    instrument: InstrumentId = Field(
        description="An instrument id from the knowledge data, e.g. nprs."
    )
    timing: Timing
    answers: list[Answer] = Field(
        max_length=100,
        description="The value, or each item's answer in order; null for an unanswered item.",
    )
    site: Annotated[str, Field(max_length=120, pattern=r"^[^\x00]*$")] = Field(
        "", description="ROM: joint and movement; PPT: site."
    )


class MeasureQuery(PageQuery):
    patient: UUID | None = None
    instrument: ShortText = Field("", description="Only this instrument, e.g. nprs.")
    timing: Timing | None = None
    date_from: IsoDate | None = Field(None, description="Date of service on or after.")
    date_to: IsoDate | None = Field(None, description="Date of service on or before.")


class SessionMeasureQuery(PageQuery):
    instrument: ShortText = ""


def measure_out(measure: Measure) -> dict[str, Any]:
    return {
        "session": measure.session.public_id,
        "patient": measure.session.patient.public_id,
        "instrument": measure.instrument,
        "timing": measure.timing,
        "score": float(measure.score),
        "unit": measure.unit,
        "answers": list(measure.answers),
        "site": measure.site,
        "recorded_at": measure.recorded_at,
    }


def _audit_list(
    request: HttpRequest, context: ApiContext, shown: list[Measure], **detail: Any
) -> None:
    context.audit(
        request,
        action=Action.VIEW,
        object_type="measures",
        patients=ids(m.session.patient.public_id for m in shown),
        sessions=ids(m.session.public_id for m in shown),
        **detail,
    )


@router.get(
    "/measures", response={200: MeasurePage, **READ_ERRORS}, auth=reader(Permission.CLINICAL_VIEW)
)
def measure_list(request: HttpRequest, query: Query[MeasureQuery]) -> dict[str, Any]:
    """Measures across the clinic, newest first; filter by patient, instrument, timing, dates."""
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    measures = measures_for_api(
        membership=context.membership,
        patient=query.patient,
        instrument=query.instrument,
        timing=query.timing,
        recorded_from=query.date_from,
        recorded_to=query.date_to,
    )
    page, shown = page_of(measures, query, measure_out)
    _audit_list(request, context, shown)
    return page


@router.get(
    "/sessions/{session_id}/measures",
    response={200: MeasurePage, **READ_ERRORS},
    auth=reader(Permission.CLINICAL_VIEW),
)
def session_measure_list(
    request: HttpRequest, session_id: UUID, query: Query[SessionMeasureQuery]
) -> dict[str, Any]:
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    session = get_session_for_api(membership=context.membership, public_id=session_id)
    measures = measures_for_api(
        membership=context.membership, session=session, instrument=query.instrument
    )
    page, shown = page_of(measures, query, measure_out)
    _audit_list(request, context, shown, session=str(session.public_id))
    return page


@router.post(
    "/sessions/{session_id}/measures",
    response={201: MeasureOut, **WRITE_ERRORS},
    auth=writer(Permission.CLINICAL_EDIT),
)
def measure_add(
    request: HttpRequest, session_id: UUID, payload: MeasureIn
) -> Status[dict[str, Any]]:
    """Record a measure in an open session (409 once the note is signed)."""
    context: ApiContext = request.auth  # type: ignore[attr-defined]
    session = get_session_for_api(membership=context.membership, public_id=session_id)
    # The chart page's form checks the instrument and timing; the service scores the answers.
    form = MeasureForm(
        {
            "instrument": payload.instrument,
            "timing": payload.timing,
            "answers": ",".join("-" if a is None else repr(a) for a in payload.answers),
            "site": payload.site,
        }
    )
    if not form.is_valid():
        raise ApiError(422, "The measure is not valid.", fields=form_fields(form))
    try:
        measure = services.measure_add(
            request=request,
            actor=context.user,
            session=session,
            instrument=form.cleaned_data["instrument"],
            timing=form.cleaned_data["timing"],
            answers=payload.answers,
            site=form.cleaned_data["site"],
        )
    except services.SessionRefused as refusal:  # a signed note (SignedNoteFinal) answers 409
        raise ApiError(
            422, "The answers cannot be scored.", fields={"answers": list(refusal.reasons)}
        ) from refusal
    context.audit(
        request,
        action=Action.UPDATE,
        object_type="api_call",
        object_id=str(session.public_id),
        operation="measure_add",
        patient=str(session.patient.public_id),
    )
    return Status(201, measure_out(measure))
