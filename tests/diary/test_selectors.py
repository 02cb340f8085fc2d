"""Diary reads for the outcomes pages: reported-event counts and the soreness curve."""

from __future__ import annotations

from datetime import timedelta

from taut.clinical.diary import DiaryAnswers
from taut.diary import services
from taut.diary.selectors import (
    due_prompts,
    open_alerts_for,
    reported_event_counts,
    soreness_by_session,
)
from tests.charting.conftest import TODAY
from tests.conftest import World
from tests.diary.conftest import Answered, prompts_of, signed_session


def answer(world: World, prompt, soreness: int, **extra) -> None:
    services.diary_entry_submit(
        request=None,
        actor=world.portal_user_a,
        patient=world.patient_a,
        session=prompt.session,
        prompt=prompt,
        answers=DiaryAnswers(soreness=soreness, **extra),
        now=prompt.due_at + timedelta(minutes=30),
    )


def test_reported_events_are_counted_per_event_and_severity(
    world: World, answered: Answered, django_assert_num_queries
) -> None:
    prompt = prompts_of(answered.session)[1]
    answer(world, prompt, 2, grades={"bruising": "severe"})
    with django_assert_num_queries(1):
        counts = reported_event_counts(clinic=world.clinic_a)
    assert [(c["event"], c["severity"], c["count"], c["treatments"]) for c in counts] == [
        ("bruising", "mild", 1, 1),
        ("bruising", "significant", 1, 1),
        ("fatigue", "mild", 1, 1),
        ("infection", "significant", 1, 1),
        ("pain_after", "mild", 2, 1),  # reported at 24 and 48 h: two reports, one treatment
        ("pneumothorax", "significant", 1, 1),
    ]
    assert reported_event_counts(clinic=world.clinic_b) == []


def test_counts_filter_by_the_sessions_date_location_and_clinician(
    world: World, answered: Answered
) -> None:
    day = answered.session.date_of_service
    assert day == TODAY
    assert reported_event_counts(clinic=world.clinic_a, date_from=day, date_to=day)
    assert reported_event_counts(clinic=world.clinic_a, date_from=day + timedelta(days=1)) == []
    assert reported_event_counts(clinic=world.clinic_a, date_to=day - timedelta(days=1)) == []
    assert reported_event_counts(clinic=world.clinic_a, clinician=world.clinician_a)
    assert reported_event_counts(clinic=world.clinic_a, clinician=world.owner_a) == []
    location = world.clinic_a.locations.get()
    assert reported_event_counts(clinic=world.clinic_a, location=location) == []  # none recorded


def test_the_soreness_curve_has_one_point_per_answer_in_hours_after_the_session(
    world: World,
) -> None:
    session = signed_session(world)
    first, second, third = prompts_of(session)
    answer(world, first, 6)
    answer(world, third, 1)
    answer(world, second, 3)
    [curve] = soreness_by_session(patient=world.patient_a)
    assert curve.session_id == session.public_id and curve.date_of_service == TODAY
    assert [s for _, s in curve.points] == [6, 3, 1]
    assert [round(h) for h, _ in curve.points] == [24, 48, 72]
    assert soreness_by_session(patient=world.patient_b) == []


def test_due_prompts_are_the_unanswered_ones_whose_time_has_come(world: World) -> None:
    session = signed_session(world)
    first, second, _ = prompts_of(session)
    assert due_prompts(patient=world.patient_a, now=second.due_at) == [first, second]
    answer(world, first, 2)
    assert due_prompts(patient=world.patient_a, now=second.due_at) == [second]
    assert due_prompts(patient=world.patient_a, now=session.started_at + timedelta(days=20)) == []


def test_open_alerts_are_the_clinics_own(world: World, answered: Answered) -> None:
    assert open_alerts_for(clinic=world.clinic_a) == [answered.alert]
    assert open_alerts_for(clinic=world.clinic_b) == []
