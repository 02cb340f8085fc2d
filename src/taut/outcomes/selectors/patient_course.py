"""Reads for one patient's course of each measure (the patient's outcomes page and PDF).

A patient's course uses the signed sessions only, numbered 1, 2, 3 ... in the order they were
given, and the scores taken *before* needling (course.TIMING_NOTE: straight after needling,
soreness hides the effect). Each measure is followed per instrument and site (a PPT at the upper
trapezius is not compared with one at the infraspinatus). The drawings: `outcomes/course_charts.py`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from taut.charting.models import (
    Measure,
    SessionStatus,
    Timing,
    TreatmentSession,
)
from taut.clinical.course import (
    EPISODE_GAP_DAYS,
    RULE_NOTE,
    CourseFlag,
    CoursePolicy,
    FlagCode,
    MCIDChoice,
    Observation,
    ResponderStatus,
    course_flags,
    responder,
    split_into_episodes,
)
from taut.clinical.knowledge import UnknownIdError, load_knowledge
from taut.clinical.mcid import mcid_for
from taut.clinical.measures import Instrument
from taut.clinical.records import Direction
from taut.diary.models import DiaryEntry
from taut.outcomes.course_charts import course_chart, soreness_figure
from taut.outcomes.measure_course import Course
from taut.outcomes.plots import Point
from taut.patients.models import Patient


@dataclass(frozen=True)
class PlanNumbers:
    """The care plan's numbers the course rules need. Without a plan: 6 sessions (the seeds give
    2-6), reassessed at session 3 and at the last planned one."""

    planned_sessions: int = 6
    reassess_at: tuple[int, ...] = (3, 6)


DEFAULT_PLAN = PlanNumbers()
FLAG_LABELS = {
    FlagCode.REASSESS: "Reassess",
    FlagCode.PLATEAU: "Plateau",
    FlagCode.WORSENING: "Worsening",
    FlagCode.END_OF_PLAN: "End of the planned sessions",
}
DEFAULT_POLICY = CoursePolicy()


@dataclass(frozen=True)
class SessionRow:
    number: int
    session: TreatmentSession


@dataclass
class PatientOutcomes:
    patient: Patient
    sessions: list[SessionRow]
    courses: list[Course]
    plan: PlanNumbers
    policy: CoursePolicy
    rule_note: str = RULE_NOTE
    earlier: list[Episode] = field(default_factory=list)
    episode_gap_days: int = EPISODE_GAP_DAYS
    soreness: list[dict[str, Any]] = field(default_factory=list)  # diary entries, as a table
    soreness_chart: str = ""

    @property
    def flagged(self) -> list[dict[str, Any]]:
        return [
            {"label": FLAG_LABELS[flag.code], "flag": flag, "course": course}
            for course in self.courses
            for flag in course.flags
        ]


@dataclass(frozen=True)
class Episode:
    """An earlier episode of care, listed on the page but not part of its courses."""

    first: dt.date
    last: dt.date
    sessions: int


def signed_sessions(*, patient: Patient) -> tuple[list[SessionRow], list[Episode]]:
    """The signed sessions of the patient's current episode of care in the order given, numbered
    from 1, and the earlier episodes (a pause of more than EPISODE_GAP_DAYS starts a new one, as
    on the clinic dashboard)."""
    sessions = list(
        TreatmentSession.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient, status=SessionStatus.SIGNED)
        .select_related("clinician", "location")
        .order_by("date_of_service", "started_at", "pk")
    )
    episodes = split_into_episodes([s.date_of_service for s in sessions])
    if not episodes:
        return [], []
    earlier = [
        Episode(sessions[e[0]].date_of_service, sessions[e[-1]].date_of_service, len(e))
        for e in episodes[:-1]
    ]
    current = [sessions[position] for position in episodes[-1]]
    return [SessionRow(number, s) for number, s in enumerate(current, start=1)], earlier


def patient_outcomes(
    *,
    patient: Patient,
    plan: PlanNumbers | None = None,
    policy: CoursePolicy | None = None,
) -> PatientOutcomes:
    """Every measure of the patient's signed sessions as courses with charts, status and flags.

    Reads are bounded by this patient's own rows (index session_patient, then measure_session),
    so the page costs the same in a clinic of a thousand sessions as of a million.
    """
    plan, policy = plan or DEFAULT_PLAN, policy or DEFAULT_POLICY
    sessions, earlier = signed_sessions(patient=patient)
    number_of = {row.session.pk: row for row in sessions}
    measures = (
        Measure.objects.for_clinic(patient.clinic_id)
        .filter(session_id__in=list(number_of))
        .order_by("recorded_at", "pk")
        .values("session_id", "instrument", "site", "timing", "score")
    )
    before: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)
    after: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)
    for m in measures:
        key = (m["instrument"], m["site"])
        target = before if m["timing"] == Timing.BEFORE else after
        target[key][number_of[m["session_id"]].number] = float(m["score"])  # the last one wins
    courses = []
    for instrument_id, site in sorted(set(before) | set(after)):
        try:
            instrument = load_knowledge().instrument(instrument_id)
        except UnknownIdError:
            continue  # a measure of an instrument since removed from the data
        observations = [
            Observation(n, number_of_date(sessions, n), v)
            for n, v in sorted(before[(instrument_id, site)].items())
        ]
        courses.append(
            _course(
                instrument,
                site,
                observations,
                after[(instrument_id, site)],
                plan,
                policy,
                condition=_condition_of(sessions, observations, after[(instrument_id, site)]),
            )
        )
    outcomes = PatientOutcomes(patient, sessions, courses, plan, policy, earlier=earlier)
    _add_soreness(outcomes, number_of)
    return outcomes


def _add_soreness(outcomes: PatientOutcomes, number_of: dict[int, SessionRow]) -> None:
    """The symptom diary's soreness (0-10) by hours after each signed session."""
    entries = (
        DiaryEntry.objects.for_clinic(outcomes.patient.clinic_id)
        .filter(patient=outcomes.patient, session_id__in=list(number_of))
        .order_by("reported_at", "pk")
        .values("session_id", "hours_after", "soreness", "reported_at")
    )
    by_session: dict[int, list[Point]] = defaultdict(list)
    for entry in entries:
        number = number_of[entry["session_id"]].number
        hours = float(entry["hours_after"])
        outcomes.soreness.append({"number": number, "hours": hours, **entry})
        by_session[number].append(Point(hours, entry["soreness"], f"{hours:g} h"))
    if not by_session:
        return
    outcomes.soreness_chart = soreness_figure(by_session)


def number_of_date(sessions: list[SessionRow], number: int) -> dt.date:
    return sessions[number - 1].session.date_of_service


def _condition_of(
    sessions: list[SessionRow], observations: list[Observation], after: dict[int, float]
) -> str | None:
    """The condition of the last session that measured this course (as the dashboard's roll-up
    judges it), if the knowledge data still knows it."""
    last = max([o.session_number for o in observations] + list(after))
    condition = sessions[last - 1].session.condition
    try:
        return load_knowledge().condition(condition).id if condition else None
    except UnknownIdError:
        return None


def _course(
    instrument: Instrument,
    site: str,
    observations: list[Observation],
    after: dict[int, float],
    plan: PlanNumbers,
    policy: CoursePolicy,
    *,
    condition: str | None,
) -> Course:
    pick = mcid_for(instrument.id, condition)
    mcid: MCIDChoice | None = pick.choice
    status: ResponderStatus | None = None
    flags: tuple[CourseFlag, ...] = ()
    if mcid is not None and observations:
        if len(observations) > 1:
            status = responder(instrument.id, observations[0], observations[-1], mcid=mcid)
        flags = course_flags(
            instrument.id,
            observations,
            planned_sessions=plan.planned_sessions,
            reassess_at=plan.reassess_at,
            policy=policy,
            mcid=mcid,
        )
    course = Course(instrument, site, observations, after, mcid, status, flags, chart="")
    course.mcid_note = pick.statement
    course.chart = course_chart(course)
    numbers = sorted({o.session_number for o in observations} | set(after))
    values = {o.session_number: o for o in observations}
    for number in numbers:
        seen = values.get(number)
        course.rows.append(
            {
                "number": number,
                "date": seen.taken_on if seen else None,
                "before": seen.value if seen else None,
                "after": after.get(number),
                "change": _change(instrument, observations[0].value, seen.value)
                if seen and observations
                else None,
            }
        )
    return course


def _change(instrument: Instrument, baseline: float, value: float) -> float:
    better = instrument.direction is Direction.HIGHER_IS_BETTER
    return round(value - baseline if better else baseline - value, 2)
