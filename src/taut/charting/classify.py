"""Set what a session treated and where (its condition and location), while its note is open.

The fields are the session's own; the dashboard groups outcomes by condition and filters by
location. The outcomes app fills defaults from the course (`outcomes.services`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.charting.finality import ensure_open
from taut.charting.models import TreatmentSession
from taut.clinical.knowledge import load_knowledge
from taut.clinics.models import Location
from taut.common.refusals import Refused


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
