"""Writes of the outcomes app: a new session's condition and location from the course so far."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from taut.charting.classify import session_classify
from taut.charting.models import SessionStatus, TreatmentSession
from taut.clinical.knowledge import UnknownIdError, load_knowledge
from taut.clinics.models import Location
from taut.scheduling.selectors import care_plan_active


def _known_condition(condition: str | None) -> str | None:
    """The id if the knowledge data still has it; a retired id is no basis for a default."""
    if not condition:
        return None
    try:
        load_knowledge().condition(condition)
    except UnknownIdError:
        return None
    return condition


@transaction.atomic
def session_classify_defaults(
    *, request: HttpRequest | None, actor: Any, session: TreatmentSession
) -> TreatmentSession:
    """Classify a session started from the patient page from what the record already says.

    Condition: the active care plan's first condition, else that of the patient's latest signed
    session. Location: that of the latest signed session, else the clinic's only (active)
    location. Where there is no basis the field stays empty; when both are empty nothing is written.
    """
    patient = session.patient
    previous = (
        TreatmentSession.objects.for_clinic(session.clinic_id)
        .filter(patient=patient, status=SessionStatus.SIGNED)
        .exclude(pk=session.pk)
        .select_related("location")
        .order_by("-started_at", "-pk")
        .first()
    )
    plan = care_plan_active(patient=patient)
    condition = _known_condition(
        plan.conditions[0] if plan is not None and plan.conditions else None
    )
    if condition is None and previous is not None:
        condition = _known_condition(previous.condition)
    location: Location | None = None
    if previous is not None and previous.location is not None and previous.location.is_active:
        location = previous.location
    if location is None:
        active = list(Location.objects.for_clinic(session.clinic_id).filter(is_active=True)[:2])
        location = active[0] if len(active) == 1 else None
    if condition is None and location is None:
        return session
    return session_classify(
        request=request, actor=actor, session=session, condition=condition, location=location
    )
