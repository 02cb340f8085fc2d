"""Adverse events reported after a note was signed: their own record, linked to the signed
session, counted in the dashboard; the note itself never changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from taut.audit.models import AuditEntry
from taut.charting.late_events import (
    LateEventRefused,
    LateEventReport,
    late_adverse_event_record,
)
from taut.charting.models import LateAdverseEvent, SessionAdverseEvent, TreatmentSession
from taut.outcomes.selectors import clinic_dashboard
from taut.outcomes.selectors.clinic_dashboard import DashboardFilter
from tests.charting.conftest import ready_session
from tests.conftest import World
from tests.diary.conftest import signed_session

PHONED = LateEventReport(
    event="bruising",
    severity="mild",
    reported_via="phone",
    reported_on=None,  # type: ignore[arg-type]  # set per test from the session's date
    description="Phoned two days later: a bruise the size of a coin over the shoulder blade.",
    action_taken="Advised a cold pack; it should fade within a week.",
)


def _report(session: TreatmentSession, **changes: object) -> LateEventReport:
    fields: dict[str, object] = {"reported_on": session.date_of_service + timedelta(days=2)}
    return replace(PHONED, **{**fields, **changes})  # type: ignore[arg-type]


def _record(world: World, session: TreatmentSession, **changes: object) -> LateAdverseEvent:
    return late_adverse_event_record(
        request=None,
        actor=world.clinician_a,
        session=session,
        report=_report(session, **changes),
        today=session.date_of_service + timedelta(days=3),
    )


def test_an_event_reported_after_signing_is_its_own_record_and_the_note_stays_final(
    world: World,
) -> None:
    session = signed_session(world)
    before = TreatmentSession.objects.values().get(pk=session.pk)
    event = _record(world, session)
    assert (event.session, event.patient, event.recorded_by) == (
        session,
        world.patient_a,
        world.clinician_a,
    )
    assert event.reported_via == "phone" and event.recorded_at is not None
    assert event.reported_on == session.date_of_service + timedelta(days=2)
    assert TreatmentSession.objects.values().get(pk=session.pk) == before
    assert not SessionAdverseEvent.objects.filter(session=session).exists()
    audit = AuditEntry.objects.get(object_type="late_adverse_event")
    assert audit.object_id == str(event.public_id) and audit.detail["event"] == "bruising"


def test_it_counts_in_the_dashboard_rates_and_severities(world: World) -> None:
    session = signed_session(world)
    day = session.date_of_service
    filters = DashboardFilter(start=day - timedelta(days=1), end=day + timedelta(days=1))
    assert clinic_dashboard.adverse_event_counts(world.clinic_a, filters) == []
    _record(world, session, event="infection", severity="significant")
    (count,) = clinic_dashboard.adverse_event_counts(world.clinic_a, filters)
    assert (count.event, count.severity, count.treatments, count.reports) == (
        "infection",
        "significant",
        1,
        1,
    )
    assert clinic_dashboard.adverse_events_by_severity(world.clinic_a, filters) == {
        "significant": 1
    }
    rates = clinic_dashboard.adverse_event_rates(world.clinic_a, filters, treatments=1)
    infection = next(r for r in rates["by_type"] if r.key == "infection")
    assert infection.estimate.rate_per_1000 == pytest.approx(1000)


def test_it_refuses_an_open_note_and_names_each_bad_field(world: World) -> None:
    session, _entry = ready_session(world)  # not signed
    with pytest.raises(LateEventRefused) as refused:
        _record(
            world,
            session,
            event="hiccups",
            severity="awful",
            reported_via="pigeon",
            description=" ",
            action_taken="",
        )
    reasons = " ".join(refused.value.reasons)
    for expected in (
        "record the adverse event on the note itself",
        "Event: “hiccups” is not a known adverse-event type.",
        "Severity: choose mild, significant or serious.",
        "Reported via:",
        "What was reported:",
        "Action taken:",
    ):
        assert expected in reasons
    assert not LateAdverseEvent.objects.exists()


def test_the_day_it_was_reported_lies_between_the_session_and_today(world: World) -> None:
    session = signed_session(world)
    for day in (
        session.date_of_service - timedelta(days=1),
        session.date_of_service + timedelta(days=4),
    ):
        with pytest.raises(LateEventRefused, match="Reported on: a day from the session"):
            _record(world, session, reported_on=day)
    assert _record(world, session, reported_on=session.date_of_service).pk
