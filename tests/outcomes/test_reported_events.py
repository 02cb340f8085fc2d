"""Patient-reported events from the symptom diary count in the dashboard's adverse-event log."""

from __future__ import annotations

from datetime import date, timedelta

from taut.charting.services import adverse_event_add
from taut.diary.models import ReportedEvent
from taut.outcomes import selectors
from taut.outcomes.selectors import DashboardFilter
from tests.charting.conftest import ready_session
from tests.conftest import World
from tests.diary.conftest import answered_with_red_flag


def _around(day: date) -> DashboardFilter:
    return DashboardFilter(start=day - timedelta(days=1), end=day + timedelta(days=1))


def test_diary_reports_are_counted_with_the_clinicians_records(world: World) -> None:
    answered = answered_with_red_flag(world)
    filters = _around(answered.session.date_of_service)
    reported = list(ReportedEvent.objects.filter(session=answered.session))
    assert reported, "the red-flag answers should have produced reported events"
    counts = {
        (c.event, c.severity): c for c in selectors.adverse_event_counts(world.clinic_a, filters)
    }
    for event in reported:
        assert counts[(event.event, event.severity)].treatments == 1


def test_one_treatment_is_counted_once_when_clinician_and_patient_report_the_same_event(
    world: World,
) -> None:
    session, entry = ready_session(world)
    adverse_event_add(
        request=None,
        actor=world.clinician_a,
        session=session,
        event="bruising",
        severity="mild",
        action_taken="Pressure applied.",
    )
    answered = answered_with_red_flag(world, (session, entry))  # the diary reports bruising too
    assert ReportedEvent.objects.filter(session=session, event="bruising", severity="mild").exists()
    filters = _around(answered.session.date_of_service)
    counts = {
        (c.event, c.severity): c for c in selectors.adverse_event_counts(world.clinic_a, filters)
    }
    assert counts[("bruising", "mild")].treatments == 1
    assert counts[("bruising", "mild")].reports == 2
    assert selectors.adverse_events_by_severity(world.clinic_a, filters)["mild"] == 1
