"""Patient-reported events from the symptom diary count in the dashboard's adverse-event log,
until a clinician's review of the red-flag alert settles them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from taut.charting.models import LateAdverseEvent
from taut.charting.services import adverse_event_add
from taut.diary.models import ReportedEvent
from taut.diary.services import AlertEvent, alert_close
from taut.outcomes.selectors import clinic_dashboard
from taut.outcomes.selectors.clinic_dashboard import DashboardFilter
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
        (c.event, c.severity): c
        for c in clinic_dashboard.adverse_event_counts(world.clinic_a, filters)
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
        (c.event, c.severity): c
        for c in clinic_dashboard.adverse_event_counts(world.clinic_a, filters)
    }
    assert counts[("bruising", "mild")].treatments == 1
    assert counts[("bruising", "mild")].reports == 2
    assert clinic_dashboard.adverse_events_by_severity(world.clinic_a, filters)["mild"] == 1


def _counts(world: World, day: date) -> dict[tuple[str, str], Any]:
    found = clinic_dashboard.adverse_event_counts(world.clinic_a, _around(day))
    return {(c.event, c.severity): c for c in found}


def test_closing_the_alert_with_an_event_counts_the_clinicians_record_instead(
    world: World,
) -> None:
    answered = answered_with_red_flag(world)  # chest pain (pneumothorax), fever (infection)
    day = answered.session.date_of_service
    before = _counts(world, day)
    assert {("pneumothorax", "significant"), ("infection", "significant")} <= set(before)
    alert_close(
        request=None,
        actor=world.clinician_a,
        alert=answered.alert,
        action_taken="Phoned; chest X-ray at the ED showed a small pneumothorax, admitted.",
        adverse_event=AlertEvent("pneumothorax", "serious", "Chest pain 24 h after needling."),
        now=answered.alert.opened_at + timedelta(hours=1),
    )
    after = _counts(world, day)
    assert ("pneumothorax", "significant") not in after  # the patient's grade was settled
    assert after[("pneumothorax", "serious")].treatments == 1
    assert ("infection", "significant") not in after  # judged not an event at the review
    assert after[("bruising", "mild")].treatments == 1  # not a red flag: still counted
    assert clinic_dashboard.adverse_events_by_severity(world.clinic_a, _around(day)) == {
        "mild": 1,
        "serious": 1,
    }
    confirmed = ReportedEvent.objects.get(entry=answered.entry, event="pneumothorax")
    assert confirmed.confirmed_as == LateAdverseEvent.objects.get()
    assert confirmed.reviewed_by == world.clinician_a


def test_closing_the_alert_without_an_event_settles_the_warning_signs(world: World) -> None:
    answered = answered_with_red_flag(world)
    alert_close(
        request=None,
        actor=world.clinician_a,
        alert=answered.alert,
        action_taken="Phoned: muscle soreness under the needled area, no fever on checking.",
        adverse_event=None,
        now=answered.alert.opened_at + timedelta(hours=1),
    )
    after = _counts(world, answered.session.date_of_service)
    graded = {("bruising", "mild"), ("fatigue", "mild"), ("pain_after", "mild")}
    assert set(after) == graded  # the graded symptoms stay; the warning signs' events do not
    assert not LateAdverseEvent.objects.exists()
    assert ReportedEvent.objects.filter(reviewed_at__isnull=False).count() == 2
