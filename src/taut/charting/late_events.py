"""Adverse events reported after a note was signed: recorded as their own rows, linked to the
signed session, never as a change of the note (whose own events the database keeps final).

The diary records one through here when a red-flag alert is closed; the outcomes app hears of
it through `events.AdverseEventsReported` and updates the dashboard's tallies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.charting.models import LateAdverseEvent, ReportedVia, TreatmentSession
from taut.clinical.knowledge import load_knowledge
from taut.common import events
from taut.common.refusals import Refused

TEXT_MIN_LENGTH = 3


class LateEventRefused(Refused):
    """The event may not be recorded; `reasons` names each field and why."""


@dataclass(frozen=True)
class LateEventReport:
    """What the clinician records about an event reported after signing."""

    event: str  # an adverse_events.toml id (not an aggregate)
    severity: str  # mild, significant or serious
    reported_via: str  # a ReportedVia value
    reported_on: date  # the clinic's date the patient reported it
    description: str
    action_taken: str


def _refusals(session: TreatmentSession, report: LateEventReport, today: date) -> list[str]:
    knowledge = load_knowledge()
    reasons = []
    if not session.is_signed:
        reasons.append("The note is still open: record the adverse event on the note itself.")
    if report.event not in {e.id for e in knowledge.adverse_events if not e.aggregate}:
        reasons.append(f"Event: “{report.event}” is not a known adverse-event type.")
    if report.severity not in {s.id for s in knowledge.severities}:
        reasons.append("Severity: choose mild, significant or serious.")
    if report.reported_via not in ReportedVia.values:
        reasons.append("Reported via: choose how the patient reported it.")
    if not session.date_of_service <= report.reported_on <= today:
        reasons.append(
            f"Reported on: a day from the session ({session.date_of_service:%d %b %Y}) "
            f"to today ({today:%d %b %Y})."
        )
    if len(report.description.strip()) < TEXT_MIN_LENGTH:
        reasons.append("What was reported: describe what the patient reported.")
    if len(report.action_taken.strip()) < TEXT_MIN_LENGTH:
        reasons.append("Action taken: say what was done about it.")
    return reasons


@transaction.atomic
def late_adverse_event_record(
    *,
    request: HttpRequest | None,
    actor: Any,
    session: TreatmentSession,
    report: LateEventReport,
    today: date,
) -> LateAdverseEvent:
    """Record an event reported after signing, and count it in the dashboard's roll-ups."""
    session = TreatmentSession.objects.select_related("patient", "clinic").get(pk=session.pk)
    reasons = _refusals(session, report, today)
    if reasons:
        raise LateEventRefused(reasons)
    recorded = LateAdverseEvent.objects.create(
        clinic_id=session.clinic_id,
        session=session,
        patient=session.patient,
        event=report.event,
        severity=report.severity,
        reported_via=report.reported_via,
        reported_on=report.reported_on,
        description=report.description.strip(),
        action_taken=report.action_taken.strip(),
        recorded_by=actor,
        recorded_at=clock.now(),
    )
    events.publish(events.AdverseEventsReported(session))
    audit_record(
        request=request,
        actor=actor,
        clinic=session.clinic,
        action=Action.CREATE,
        object_type="late_adverse_event",
        object_id=str(recorded.public_id),
        detail={
            "patient": str(session.patient.public_id),
            "session": str(session.public_id),
            "event": report.event,
            "severity": report.severity,
            "reported_via": report.reported_via,
        },
    )
    return recorded
