"""Writes of the outcomes app: what a session treated and where (for the dashboard's groups)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.charting.finality import ensure_open
from taut.charting.models import SessionStatus, TreatmentSession
from taut.clinical.knowledge import UnknownIdError, load_knowledge
from taut.clinics.models import Location
from taut.common.refusals import Refused
from taut.scheduling.selectors import care_plan_active


class ClassifyRefused(Refused):
    """The session cannot take this condition or location."""


@transaction.atomic
def session_classify(
    *,
    request: HttpRequest | None,
    actor: Any,
    session: TreatmentSession,
    condition: str | None,
    location: Location | None,
) -> TreatmentSession:
    """Record the condition treated (an id of conditions.toml) and the location of an open session.

    The dashboard groups outcomes by condition and filters by location; a signed note is final.
    """
    # Read the status under the row lock, so a note signed a moment ago is not changed after.
    ensure_open(TreatmentSession.objects.select_for_update().only("status").get(pk=session.pk))
    if condition:
        load_knowledge().condition(condition)  # an unknown id raises, naming close ids
    if location is not None and location.clinic_id != session.clinic_id:
        raise ClassifyRefused("The location belongs to another clinic.")
    session.condition = condition or None
    session.location = location
    session.save(update_fields=["condition", "location"])
    audit_record(
        request=request,
        actor=actor,
        clinic=session.clinic,
        action=Action.UPDATE,
        object_type="treatment_session",
        object_id=str(session.public_id),
        detail={
            "patient": str(session.patient.public_id),
            "condition": condition or "",
            "location": str(location.public_id) if location else "",
        },
    )
    return session


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
