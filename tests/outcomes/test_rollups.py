"""The dashboard's roll-ups agree with the clinical records, however they were written: signed one
note at a time, rebuilt at once, and read over any range, location or practitioner."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from taut.charting.late_events import LateEventReport, late_adverse_event_record
from taut.charting.models import (
    LateAdverseEvent,
    NeedlingEntry,
    SessionAdverseEvent,
    SessionStatus,
    TreatmentSession,
)
from taut.clinics.models import Location, Membership
from taut.clinics.roles import Role
from taut.outcomes import rollups
from taut.outcomes.models import CourseSummary, SessionTally
from taut.outcomes.selectors import clinic_dashboard
from taut.outcomes.selectors.clinic_dashboard import DashboardFilter
from tests.conftest import World, make_patient, make_user
from tests.diary.conftest import signed_session
from tests.outcomes.conftest import History, rollup_snapshot

FIRST_DAY = date(2025, 10, 6)


@pytest.fixture
def varied(world: World, django_user_model: Any) -> dict[str, Any]:
    """Eight patients over six months at two locations with two clinicians, weekly or fortnightly
    courses of 2-6 sessions, some returning after a long pause, random scores and events."""
    rng = random.Random(20261123)
    clinic = world.clinic_a
    main = Location.objects.get(clinic=clinic)
    second = Location.objects.create(clinic=clinic, name="A second site")
    other = make_user(django_user_model, "clinician_v", first_name="Vi", last_name="V")
    Membership.objects.create(clinic=clinic, user=other, role=Role.CLINICIAN)
    history = History(clinic, world.owner_a)
    for index in range(8):
        patient = make_patient(clinic, f"Pat{index}", "Varied")
        day = FIRST_DAY + timedelta(days=rng.randrange(0, 60))
        for _course in range(rng.choice((1, 1, 2))):
            for _ in range(rng.randrange(2, 7)):
                history.session(
                    patient,
                    day,
                    clinician=rng.choice((world.clinician_a, other)),
                    location=rng.choice((main, second, None)),
                    condition=rng.choice(("neck_shoulder_pain", "low_back_pain", None)),
                    nprs=rng.randrange(1, 10),
                    measures=(("ndi", "before", rng.randrange(10, 60)),)
                    if rng.random() < 0.5
                    else (),
                    needled=tuple(
                        (rng.choice(("upper_trapezius", "infraspinatus")), technique)
                        for technique in rng.sample(("deep", "superficial", "pistoning"), 2)
                    ),
                    events=(("bruising", "mild"),) if rng.random() < 0.3 else (),
                    signed=rng.random() < 0.9,
                )
                day += timedelta(days=rng.choice((7, 7, 14)))
            day += timedelta(days=120)  # a long pause: a new episode of care
    _report_some_later(rng, clinic, world.clinician_a)
    return {"clinic": clinic, "locations": (main, second), "clinicians": (world.clinician_a, other)}


LATER = ("headache", "mild"), ("infection", "significant"), ("bruising", "mild")


def _report_some_later(rng: random.Random, clinic: Any, clinician: Any) -> None:
    """Events phoned in after signing, recorded through the service as a clinician would (its
    roll-up hook included); some on sessions that already had an event in the note."""
    for session in rollups.signed_sessions(clinic.pk).order_by("pk"):
        if rng.random() < 0.35:
            event, severity = rng.choice(LATER)
            late_adverse_event_record(
                request=None,
                actor=clinician,
                session=session,
                report=LateEventReport(
                    event=event,
                    severity=severity,
                    reported_via="phone",
                    reported_on=session.date_of_service + timedelta(days=1),
                    description="Phoned the next day.",
                    action_taken="Advice given.",
                ),
                today=session.date_of_service + timedelta(days=2),
            )


def _ranges() -> list[tuple[date, date]]:
    rng = random.Random(5)
    ranges = [
        (date(2025, 1, 1), date(2027, 1, 1)),  # everything
        (date(2025, 11, 1), date(2025, 12, 31)),  # two whole months
        (date(2025, 11, 14), date(2026, 2, 3)),  # months and edge days
        (date(2025, 10, 20), date(2025, 10, 20)),  # one day
    ]
    for _ in range(12):
        start = FIRST_DAY + timedelta(days=rng.randrange(0, 200))
        ranges.append((start, start + timedelta(days=rng.randrange(0, 150))))
    return ranges


def _direct(clinic_id: int, filters: DashboardFilter) -> dict[str, Any]:
    """The same figures counted straight from the clinical records."""
    sessions = TreatmentSession.objects.for_clinic(clinic_id).filter(
        status=SessionStatus.SIGNED, date_of_service__range=(filters.start, filters.end)
    )
    if filters.location_id is not None:
        sessions = sessions.filter(location_id=filters.location_id)
    if filters.clinician_id is not None:
        sessions = sessions.filter(clinician_id=filters.clinician_id)
    muscles = (
        NeedlingEntry.objects.filter(session__in=sessions)
        .values("muscle")
        .annotate(n=Count("id"))
        .order_by("muscle")
    )
    with_events: dict[tuple[str, str], set[int]] = defaultdict(set)
    for model in (SessionAdverseEvent, LateAdverseEvent):
        for session_id, event, severity in model.objects.filter(session__in=sessions).values_list(
            "session_id", "event", "severity"
        ):
            with_events[(event, severity)].add(session_id)
    return {
        "summary": {
            "sessions": sessions.count(),
            "patients": sessions.values("patient_id").distinct().count(),
            "first_sessions": sessions.filter(first_session=True).count(),
        },
        "muscles": {r["muscle"]: r["n"] for r in muscles},
        "events": {key: len(ids) for key, ids in with_events.items()},
    }


def test_every_range_location_and_practitioner_adds_up_to_the_records(varied):
    clinic = varied["clinic"]
    checked = 0
    for start, end in _ranges():
        for location in (None, *varied["locations"]):
            for clinician in (None, *varied["clinicians"]):
                filters = DashboardFilter(
                    start,
                    end,
                    location_id=location.pk if location else None,
                    clinician_id=clinician.pk if clinician else None,
                )
                direct = _direct(clinic.pk, filters)
                assert clinic_dashboard.summary(clinic, filters) == direct["summary"], filters
                muscles = {
                    r["muscle"]: r["entries"]
                    for r in clinic_dashboard.muscles_used(clinic, filters)
                }
                assert muscles == direct["muscles"], filters
                events = {
                    (c.event, c.severity): c.treatments
                    for c in clinic_dashboard.adverse_event_counts(clinic, filters)
                }
                assert events == direct["events"], filters
                checked += direct["summary"]["sessions"]
    assert checked > 100  # the ranges did hold sessions


def test_signing_note_by_note_leaves_the_same_rollups_as_a_rebuild(varied):
    clinic_id = varied["clinic"].pk
    incremental = rollup_snapshot(clinic_id)
    assert incremental["CourseSummary"] and incremental["OutcomeTally"]
    counted = {value for row in incremental["EventTally"] for value in row}
    assert {"headache", "infection"} <= counted  # only the events reported later give these
    rollups.rebuild(clinic_id)
    assert rollup_snapshot(clinic_id) == incremental


def test_a_patient_seen_before_and_after_a_range_is_not_counted_in_it(world):
    history = History(world.clinic_a, world.owner_a)
    patient = world.patient_a
    for day in (date(2026, 1, 5), date(2026, 3, 9)):
        history.session(patient, day, clinician=world.clinician_a, nprs=5)
    february = DashboardFilter(date(2026, 2, 1), date(2026, 2, 28))
    assert clinic_dashboard.summary(world.clinic_a, february)["patients"] == 0
    spring = DashboardFilter(date(2026, 2, 1), date(2026, 3, 31))
    assert clinic_dashboard.summary(world.clinic_a, spring)["patients"] == 1


def test_a_long_pause_starts_a_new_course(world):
    history = History(world.clinic_a, world.owner_a)
    patient = world.patient_a
    for day, score in ((date(2025, 6, 2), 9), (date(2026, 1, 5), 6), (date(2026, 1, 12), 5)):
        history.session(patient, day, clinician=world.clinician_a, nprs=score)
    courses = CourseSummary.objects.for_clinic(world.clinic_a).filter(patient=patient)
    # The June visit alone is a course of one score (not counted); January's starts afresh at 6.
    assert list(courses.values_list("baseline", "latest", "observations")) == [(6, 5, 2)]


def test_a_note_signed_through_the_service_counts_at_once(world):
    session = signed_session(world)
    day = DashboardFilter(session.date_of_service, session.date_of_service)
    assert clinic_dashboard.summary(world.clinic_a, day)["sessions"] == 1
    techniques = {r["technique"] for r in clinic_dashboard.techniques_used(world.clinic_a, day)}
    assert techniques == set(session.entries.values_list("technique", flat=True))


def test_the_rollups_command_rebuilds_what_was_lost(varied, capsys):
    clinic = varied["clinic"]
    before = rollup_snapshot(clinic.pk)
    SessionTally.objects.for_clinic(clinic).delete()
    CourseSummary.objects.for_clinic(clinic).delete()
    call_command("rollups", clinic=clinic.slug)
    assert rollup_snapshot(clinic.pk) == before
    assert "courses of 8 of 8 patients" in capsys.readouterr().out


def test_the_rollups_command_names_an_unknown_clinic(db):
    with pytest.raises(CommandError, match="No clinic has the slug 'nowhere'"):
        call_command("rollups", clinic="nowhere")
