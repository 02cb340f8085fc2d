"""The synthetic history's treatment sessions and what each holds: needling, measures, events.

Sessions are inserted open, their rows added, and the chunk is then signed with one UPDATE (the
database refuses rows added to a signed note).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from taut.charting.models import SessionStatus, TreatmentSession
from taut.clinical.knowledge import load_knowledge
from taut.demo.bulk.plan import (
    EVENTS,
    TECHNIQUES,
    Chunk,
    Setting,
    at,
    new_uuid,
    progress,
    score,
    weighted,
)
from taut.demo.bulk.writer import Writer

SESSION_COLUMNS = (
    "id",
    "public_id",
    "started_at",
    "date_of_service",
    "first_session",
    "status",
    "pain_regions",
    "subjective",
    "skin_check",
    "patient_response",
    "drowsy_or_fainted",
    "assessment",
    "plan",
    "diagnosis_codes",
    "signed_at",
    "billing",
    "aftercare",
    "clinic_id",
    "clinician_id",
    "consent_id",
    "patient_id",
    "screening_id",
    "signed_by_id",
    "condition",
    "location_id",
)
ENTRY_COLUMNS = (
    "muscle",
    "side",
    "technique",
    "needles_in",
    "needles_out",
    "insertions",
    "twitch",
    "warnings",
    "created_at",
    "clinic_id",
    "lot_id",
    "session_id",
)
MEASURE_COLUMNS = (
    "instrument",
    "timing",
    "score",
    "unit",
    "answers",
    "site",
    "recorded_at",
    "clinic_id",
    "session_id",
)
EVENT_COLUMNS = (
    "event",
    "severity",
    "action_taken",
    "recorded_at",
    "clinic_id",
    "recorded_by_id",
    "session_id",
)


class Visit(NamedTuple):
    """One synthetic session and what its rows need to know of its course."""

    session_id: int
    patient_id: int
    number: int  # in the course, from 1
    course_length: int  # sessions in the course
    condition: str
    questionnaire: str
    shape: str
    clinician: int
    started: datetime


class Treatments(NamedTuple):
    entries: int
    measures: int
    events: int


def seed_sessions(setting: Setting, w: Writer, rng: random.Random, chunk: Chunk) -> list[Visit]:
    """Every planned session of the chunk, open; returns them in the order written."""
    rows: list[tuple[Any, ...]] = []
    visits: list[Visit] = []
    session_ids = iter(w.ids("charting_treatmentsession", chunk.sessions))
    for plan, pid, sid, cid in zip(
        chunk.plans, chunk.patient_ids, chunk.screening_ids, chunk.consent_ids, strict=True
    ):
        clinician = rng.choice(setting.clinicians).pk
        location = rng.choice(setting.locations).pk
        day = plan.first_day
        for number in range(1, plan.sessions + 1):
            started = at(day, rng.randrange(0, 480))
            session_id = next(session_ids)
            rows.append(
                (
                    session_id,
                    w.uuid(new_uuid(rng)),
                    w.when(started),
                    w.day(day),
                    number == 1,
                    SessionStatus.OPEN.value,
                    "[]",
                    "Synthetic history (bulk demo).",
                    "",
                    "",
                    False,
                    "",
                    "",
                    "M79.1 Myalgia",
                    w.when(started + timedelta(minutes=40)),
                    "{}",
                    "{}",
                    setting.clinic.pk,
                    clinician,
                    cid,
                    pid,
                    sid,
                    clinician,
                    plan.condition,
                    location,
                )
            )
            visits.append(
                Visit(
                    session_id,
                    pid,
                    number,
                    plan.sessions,
                    plan.condition,
                    plan.questionnaire,
                    plan.shape,
                    clinician,
                    started,
                )
            )
            day = min(setting.today, day + timedelta(days=rng.choice((6, 7, 7, 7, 8, 14))))
    w.insert("charting_treatmentsession", SESSION_COLUMNS, rows)
    return visits


class _Course:
    """A patient's baselines, drawn at their first session."""

    def __init__(self) -> None:
        self.nprs: dict[int, int] = {}
        self.questionnaire: dict[int, float] = {}


def seed_treatments(
    setting: Setting, w: Writer, rng: random.Random, visits: list[Visit]
) -> Treatments:
    """Each session's needling entries, NPRS (and at some sessions the condition's
    questionnaire) and adverse events at the published rates."""
    entries: list[tuple[Any, ...]] = []
    measures: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    muscles = {c.id: list(c.muscles) or ["upper_trapezius"] for c in load_knowledge().conditions}
    course = _Course()
    for visit in visits:
        if visit.number == 1:
            course.nprs[visit.patient_id] = rng.randint(4, 9)
            course.questionnaire[visit.patient_id] = rng.uniform(0.3, 0.65)
        entries += _entries(setting, w, rng, visit, muscles[visit.condition])
        measures += _measures(setting, w, rng, visit, course)
        events += _events(setting, w, rng, visit)
    w.insert("charting_needlingentry", ENTRY_COLUMNS, entries)
    w.insert("charting_measure", MEASURE_COLUMNS, measures)
    w.insert("charting_sessionadverseevent", EVENT_COLUMNS, events)
    return Treatments(len(entries), len(measures), len(events))


def _entries(
    setting: Setting, w: Writer, rng: random.Random, visit: Visit, pool: list[str]
) -> list[tuple[Any, ...]]:
    rows = []
    for muscle in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
        needles = rng.randint(1, 3)
        rows.append(
            (
                muscle,
                rng.choice("lr"),
                weighted(rng, list(TECHNIQUES)),
                needles,
                needles,
                rng.randint(1, 6),
                rng.choice(("none", "some", "many")),
                "[]",
                w.when(visit.started),
                setting.clinic.pk,
                setting.lot.pk,
                visit.session_id,
            )
        )
    return rows


def _measures(
    setting: Setting, w: Writer, rng: random.Random, visit: Visit, course: _Course
) -> list[tuple[Any, ...]]:
    clinic, session_id, started = setting.clinic.pk, visit.session_id, visit.started
    share = progress(visit.shape, visit.number, visit.course_length)
    base = course.nprs[visit.patient_id]
    nprs = max(0, min(10, round(base - base * 0.7 * share + rng.uniform(-0.6, 0.6))))
    at_start = w.when(started)
    rows = [("nprs", "before", Decimal(nprs), "points", "[]", "", at_start, clinic, session_id)]
    if rng.random() < 0.5:
        after = max(0, min(10, nprs + rng.choice((-1, 0, 1, 1))))
        later = w.when(started + timedelta(minutes=35))
        rows.append(
            ("nprs", "after", Decimal(after), "points", "[]", "", later, clinic, session_id)
        )
    if visit.number in (1, 3, 5) or visit.number == visit.course_length:
        instrument = load_knowledge().instrument(visit.questionnaire)
        value = score(instrument, course.questionnaire[visit.patient_id] * (1 - 0.75 * share))
        rows.append(
            (
                instrument.id,
                "before",
                Decimal(str(value)),
                instrument.unit,
                "[]",
                "",
                w.when(started + timedelta(minutes=1)),
                clinic,
                session_id,
            )
        )
    return rows


def _events(setting: Setting, w: Writer, rng: random.Random, visit: Visit) -> list[tuple[Any, ...]]:
    return [
        (
            event,
            severity,
            "Managed in the session (synthetic history).",
            w.when(visit.started + timedelta(minutes=30)),
            setting.clinic.pk,
            visit.clinician,
            visit.session_id,
        )
        for event, severity, probability in EVENTS
        if rng.random() < probability
    ]


def sign(setting: Setting, visits: list[Visit]) -> None:
    """Sign the chunk's sessions, now that their rows are in, with one UPDATE."""
    first, last = visits[0].session_id, visits[-1].session_id
    TreatmentSession.objects.filter(clinic=setting.clinic, pk__gte=first, pk__lte=last).update(
        status=SessionStatus.SIGNED
    )
