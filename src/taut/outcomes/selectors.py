"""Reads for outcomes: one patient's course of each measure, and the clinic dashboard's tables.

A patient's course uses the signed sessions only, numbered 1, 2, 3 ... in the order they were
given, and the scores taken *before* needling (course.TIMING_NOTE: straight after needling,
soreness hides the effect). Each measure is followed per instrument and site (a PPT at the upper
trapezius is not compared with one at the infraspinatus).

The dashboard's tables are aggregate SQL over the indexed columns (GROUP BY in the database),
one query per table; the per-course outcome tables use window functions to find each course's
baseline, latest score and plateau window in the database as well.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum

from taut.charting.models import (
    Measure,
    NeedlingEntry,
    SessionAdverseEvent,
    SessionStatus,
    Timing,
    TreatmentSession,
)
from taut.clinical.course import (
    RULE_NOTE,
    CourseFlag,
    CoursePolicy,
    FlagCode,
    MCIDChoice,
    NoMcidError,
    Observation,
    ResponderStatus,
    course_flags,
    default_mcid,
    responder,
)
from taut.clinical.knowledge import UnknownIdError, load_knowledge
from taut.clinical.measures import Instrument, Severity
from taut.clinical.rates import Comparison, RateEstimate, compare_with_published, per_thousand
from taut.clinical.records import Direction
from taut.clinics.models import Clinic
from taut.diary.models import DiaryEntry, ReportedEvent
from taut.outcomes.plots import Point, Series, line_chart, mcid_band, soreness_chart
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


# --- one patient -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionRow:
    number: int
    session: TreatmentSession


@dataclass
class Course:
    """One instrument (and site) followed over a patient's signed sessions."""

    instrument: Instrument
    site: str
    observations: list[Observation]  # before needling, one per session
    after: dict[int, float]  # session number -> score straight after needling
    mcid: MCIDChoice | None
    status: ResponderStatus | None
    flags: tuple[CourseFlag, ...]
    chart: str
    rows: list[dict[str, Any]] = field(default_factory=list)  # the chart's data as a table

    @property
    def key(self) -> str:
        return f"{self.instrument.id}-{self.site}".rstrip("-").replace(" ", "-")

    @property
    def title(self) -> str:
        site = f" — {self.site}" if self.site else ""
        return f"{self.instrument.abbreviation} ({self.instrument.name}){site}"

    @property
    def baseline(self) -> Observation | None:
        return self.observations[0] if self.observations else None

    @property
    def latest(self) -> Observation | None:
        return self.observations[-1] if self.observations else None


@dataclass
class PatientOutcomes:
    patient: Patient
    sessions: list[SessionRow]
    courses: list[Course]
    plan: PlanNumbers
    policy: CoursePolicy
    rule_note: str = RULE_NOTE
    soreness: list[dict[str, Any]] = field(default_factory=list)  # diary entries, as a table
    soreness_chart: str = ""

    @property
    def flagged(self) -> list[dict[str, Any]]:
        return [
            {"label": FLAG_LABELS[flag.code], "flag": flag, "course": course}
            for course in self.courses
            for flag in course.flags
        ]


def signed_sessions(*, patient: Patient) -> list[SessionRow]:
    """The patient's signed sessions in the order given, numbered from 1."""
    sessions = (
        TreatmentSession.objects.for_clinic(patient.clinic_id)
        .filter(patient=patient, status=SessionStatus.SIGNED)
        .select_related("clinician", "location")
        .order_by("started_at", "pk")
    )
    return [SessionRow(number, s) for number, s in enumerate(sessions, start=1)]


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
    sessions = signed_sessions(patient=patient)
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
            _course(instrument, site, observations, after[(instrument_id, site)], plan, policy)
        )
    outcomes = PatientOutcomes(patient, sessions, courses, plan, policy)
    _add_soreness(outcomes, number_of)
    return outcomes


SORENESS_SESSIONS = 4  # the chart's last sessions (one marker shape each); the table lists all


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
    shown = sorted(by_session)[-SORENESS_SESSIONS:]
    series = [Series(f"Session {n}", by_session[n]) for n in shown]
    described = "; ".join(
        f"session {n}: " + ", ".join(f"{p.y:g} at {p.x:g} h" for p in by_session[n]) for n in shown
    )
    outcomes.soreness_chart = soreness_chart(
        series,
        title="Soreness after each session",
        description=f"Soreness 0-10 reported in the symptom diary by hours after the session: "
        f"{described}.",
    )


def number_of_date(sessions: list[SessionRow], number: int) -> dt.date:
    return sessions[number - 1].session.date_of_service


def _course(
    instrument: Instrument,
    site: str,
    observations: list[Observation],
    after: dict[int, float],
    plan: PlanNumbers,
    policy: CoursePolicy,
) -> Course:
    try:
        mcid: MCIDChoice | None = default_mcid(instrument.id)
    except NoMcidError:
        mcid = None
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
    course.chart = _chart(course)
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


def _chart(course: Course) -> str:
    instrument = course.instrument
    worse = instrument.direction is Direction.HIGHER_IS_WORSE
    series = [
        Series(
            "Before needling",
            [
                Point(
                    o.session_number, o.value, f"session {o.session_number}, {o.taken_on:%d %b %Y}"
                )
                for o in course.observations
            ],
        )
    ]
    if course.after:
        series.append(
            Series(
                "Straight after needling",
                [Point(n, v, f"session {n}") for n, v in sorted(course.after.items())],
            )
        )
    band = None
    if course.mcid is not None and course.baseline is not None and course.mcid.unit == "points":
        band = mcid_band(
            course.baseline.value,
            course.mcid.value,
            higher_is_worse=worse,
            label=f"within the MCID ({course.mcid.value:g}) of baseline",
        )
    points = ", ".join(f"session {o.session_number}: {o.value:g}" for o in course.observations)
    description = (
        f"{instrument.abbreviation} before needling by session: {points or 'none'}. "
        + ("Lower is better. " if worse else "Higher is better. ")
        + (
            f"Hatched band: within the MCID ({band.high - band.low:g}) of the baseline score."
            if band
            else "No MCID band: the instrument has no published within-person MCID."
        )
    )
    numbers = sorted({o.session_number for o in course.observations} | set(course.after))
    return line_chart(
        series,
        title=f"{instrument.abbreviation}{' at ' + course.site if course.site else ''} "
        "over the course",
        description=description,
        y_range=(instrument.min, instrument.max),
        x_label="Session",
        y_label=f"{instrument.abbreviation} ({instrument.unit})",
        band=band,
        x_ticks=[(float(n), str(n)) for n in numbers] or None,
        higher_is_worse=worse,
        chart_id=f"chart-{course.key}",
    )


# --- the dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardFilter:
    start: dt.date
    end: dt.date
    location_id: int | None = None
    clinician_id: int | None = None
    plateau_sessions: int = 3

    def describe(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "location": self.location_id,
            "clinician": self.clinician_id,
        }


def filtered_sessions(clinic: Clinic | int, filters: DashboardFilter) -> QuerySet[Any]:
    """Signed sessions of the clinic in the filter's date range, location and practitioner."""
    sessions = TreatmentSession.objects.for_clinic(clinic).filter(
        status=SessionStatus.SIGNED, date_of_service__range=(filters.start, filters.end)
    )
    if filters.location_id is not None:
        sessions = sessions.filter(location_id=filters.location_id)
    if filters.clinician_id is not None:
        sessions = sessions.filter(clinician_id=filters.clinician_id)
    return sessions


def _session_filter(filters: DashboardFilter, prefix: str = "session__") -> Q:
    condition = Q(
        **{
            f"{prefix}status": SessionStatus.SIGNED,
            f"{prefix}date_of_service__range": (filters.start, filters.end),
        }
    )
    if filters.location_id is not None:
        condition &= Q(**{f"{prefix}location_id": filters.location_id})
    if filters.clinician_id is not None:
        condition &= Q(**{f"{prefix}clinician_id": filters.clinician_id})
    return condition


def summary(clinic: Clinic, filters: DashboardFilter) -> dict[str, int]:
    totals = filtered_sessions(clinic, filters).aggregate(
        sessions=Count("id"), patients=Count("patient_id", distinct=True)
    )
    new = (
        filtered_sessions(clinic, filters).filter(first_session=True).aggregate(n=Count("id"))["n"]
    )
    return {"sessions": totals["sessions"], "patients": totals["patients"], "first_sessions": new}


def sessions_by_clinician(clinic: Clinic, filters: DashboardFilter) -> list[dict[str, Any]]:
    rows = (
        filtered_sessions(clinic, filters)
        .values("clinician_id", "clinician__first_name", "clinician__last_name")
        .annotate(sessions=Count("id"), patients=Count("patient_id", distinct=True))
        .order_by("-sessions", "clinician_id")
    )
    return [
        {
            "clinician": f"{r['clinician__first_name']} {r['clinician__last_name']}".strip(),
            "sessions": r["sessions"],
            "patients": r["patients"],
        }
        for r in rows
    ]


def muscles_used(clinic: Clinic, filters: DashboardFilter) -> list[dict[str, Any]]:
    rows = (
        NeedlingEntry.objects.for_clinic(clinic)
        .filter(_session_filter(filters))
        .values("muscle")
        .annotate(
            entries=Count("id"),
            sessions=Count("session_id", distinct=True),
            needles=Sum("needles_in"),
        )
        .order_by("-entries", "muscle")
    )
    knowledge = load_knowledge()
    names = {m.id: m.name for m in knowledge.muscles}
    return [{**r, "label": names.get(r["muscle"], r["muscle"])} for r in rows]


def techniques_used(clinic: Clinic, filters: DashboardFilter) -> list[dict[str, Any]]:
    rows = (
        NeedlingEntry.objects.for_clinic(clinic)
        .filter(_session_filter(filters))
        .values("technique")
        .annotate(
            entries=Count("id"),
            sessions=Count("session_id", distinct=True),
            needles=Sum("needles_in"),
        )
        .order_by("-entries", "technique")
    )
    names = {t.id: t.name for t in load_knowledge().techniques}
    return [{**r, "label": names.get(r["technique"], r["technique"])} for r in rows]


# --- adverse events --------------------------------------------------------------------------


@dataclass(frozen=True)
class EventCount:
    event: str
    severity: str
    treatments: int  # treatments (sessions) with at least one such event
    reports: int  # event rows; a session may record the same event twice


def _event_rows(clinic: Clinic, filters: DashboardFilter) -> tuple[str, list[Any]]:
    """Both sources of adverse events as one UNION ALL of (session, event, severity, source):
    the clinician's record in the note, and what the patient reported in the symptom diary."""
    recorded = (
        SessionAdverseEvent.objects.for_clinic(clinic)
        .filter(_session_filter(filters))
        .values_list("session_id", "event", "severity")
    )
    reported = (
        ReportedEvent.objects.for_clinic(clinic)
        .filter(_session_filter(filters))
        .values_list("session_id", "event", "severity")
    )
    recorded_sql, recorded_params = recorded.query.sql_with_params()
    reported_sql, reported_params = reported.query.sql_with_params()
    # Both halves are the ORM's own parametrised SQL; nothing from the request is pasted in.
    sql = (
        f"SELECT recorded.* FROM ({recorded_sql}) AS recorded "  # noqa: S608
        f"UNION ALL SELECT reported.* FROM ({reported_sql}) AS reported"
    )
    return sql, [*recorded_params, *reported_params]


def adverse_event_counts(clinic: Clinic, filters: DashboardFilter) -> list[EventCount]:
    """Adverse events by type and severity over the filtered treatments: THE one place they are
    counted. Clinician-recorded and patient-reported events are counted together; a treatment
    with the same event in both (or reported at 24 and 48 hours) counts once as a treatment, and
    each record as a report."""
    rows_sql, params = _event_rows(clinic, filters)
    sql = (
        f"SELECT e.event, e.severity, COUNT(DISTINCT e.session_id), COUNT(*) "  # noqa: S608
        f"FROM ({rows_sql}) AS e "
        "GROUP BY e.event, e.severity ORDER BY e.event, e.severity"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            EventCount(event, severity, treatments, reports)
            for event, severity, treatments, reports in cursor.fetchall()
        ]


def adverse_events_by_severity(clinic: Clinic, filters: DashboardFilter) -> dict[str, int]:
    """Treatments with at least one event of each severity (a treatment counts once per class)."""
    rows_sql, params = _event_rows(clinic, filters)
    sql = (
        f"SELECT e.severity, COUNT(DISTINCT e.session_id) "  # noqa: S608
        f"FROM ({rows_sql}) AS e GROUP BY e.severity"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


@dataclass(frozen=True)
class RateRow:
    key: str
    label: str
    severity: str
    estimate: RateEstimate
    comparisons: tuple[Comparison, ...]

    @property
    def above_published(self) -> bool:
        return any(c.above_published for c in self.comparisons)


# The published "any mild" and "any significant" buckets our severity classes compare with.
SEVERITY_BUCKETS = {
    Severity.MILD.value: "any_mild",
    Severity.SIGNIFICANT.value: "any_significant",
    Severity.SERIOUS.value: "any_significant",
}


def adverse_event_rates(
    clinic: Clinic, filters: DashboardFilter, *, treatments: int
) -> dict[str, list[RateRow]]:
    """Rates per 1,000 treatments with Wilson 95 % intervals, beside Brady 2014 and Boyce 2020.

    By type: each event recorded, plus every event type with a published per-treatment rate
    (a clinic with none of them shows 0 with its upper bound). By severity: treatments with any
    event of the class; mild compares with "any mild", significant and serious with "any
    significant or major" (Boyce 2020 counts major events together).
    """
    if treatments == 0:
        return {"by_type": [], "by_severity": []}
    knowledge = load_knowledge()
    counts: dict[str, int] = defaultdict(int)
    severities: dict[str, set[str]] = defaultdict(set)
    for row in adverse_event_counts(clinic, filters):
        counts[row.event] += row.treatments
        severities[row.event].add(row.severity)
    published = {r.event for r in knowledge.reference_rates if r.per.value == "treatments"}
    by_type = []
    for event in knowledge.adverse_events:
        if event.aggregate or (event.id not in counts and event.id not in published):
            continue
        events = min(counts.get(event.id, 0), treatments)
        by_type.append(
            RateRow(
                event.id,
                event.label,
                ", ".join(sorted(severities[event.id])) or event.typical_severity.value,
                per_thousand(events, treatments),
                compare_with_published(events, treatments, event_id=event.id),
            )
        )
    by_type.sort(key=lambda r: (-r.estimate.events, r.label))
    by_severity = []
    per_class = adverse_events_by_severity(clinic, filters)
    for severity in Severity:
        events = min(per_class.get(severity.value, 0), treatments)
        by_severity.append(
            RateRow(
                severity.value,
                severity.value.capitalize(),
                severity.value,
                per_thousand(events, treatments),
                compare_with_published(
                    events, treatments, event_id=SEVERITY_BUCKETS[severity.value]
                ),
            )
        )
    return {"by_type": by_type, "by_severity": by_severity}


# --- outcomes per course, in SQL -------------------------------------------------------------


def _instrument_rows() -> tuple[str, list[Any]]:
    """A small inline table of each instrument with a points MCID: id, direction, MCID."""
    selects, params = [], []
    for instrument in load_knowledge().instruments:
        try:
            choice = default_mcid(instrument.id)
        except NoMcidError:
            continue
        selects.append(
            "SELECT CAST(%s AS VARCHAR(30)) AS instrument, CAST(%s AS INTEGER) AS worse, "
            "CAST(%s AS DECIMAL(9, 3)) AS mcid"
        )
        params += [
            instrument.id,
            1 if instrument.direction is Direction.HIGHER_IS_WORSE else 0,
            Decimal(str(choice.value)),
        ]
    return " UNION ALL ".join(selects), params


def _courses_sql(clinic: Clinic, filters: DashboardFilter) -> tuple[str, list[Any]]:
    """One row per course (patient, instrument, site) with two or more scores before needling:
    baseline, latest, the plateau window's first score and its best later one, the MCID."""
    where = [
        "s.clinic_id = %s",
        "s.status = %s",
        "s.date_of_service BETWEEN %s AND %s",
        "m.timing = %s",
    ]
    params: list[Any] = [clinic.pk, SessionStatus.SIGNED, filters.start, filters.end, "before"]
    if filters.location_id is not None:
        where.append("s.location_id = %s")
        params.append(filters.location_id)
    if filters.clinician_id is not None:
        where.append("s.clinician_id = %s")
        params.append(filters.clinician_id)
    instruments, instrument_params = _instrument_rows()
    window = filters.plateau_sessions
    # Fixed SQL fragments only; every value is a query parameter.
    sql = f"""
    WITH inst AS ({instruments}),
    scored AS (
      SELECT s.patient_id, m.instrument, m.site, m.score, s.condition,
        ROW_NUMBER() OVER (PARTITION BY s.patient_id, m.instrument, m.site
                           ORDER BY s.started_at, s.id) AS up,
        ROW_NUMBER() OVER (PARTITION BY s.patient_id, m.instrument, m.site
                           ORDER BY s.started_at DESC, s.id DESC) AS down
      FROM charting_measure m
      JOIN charting_treatmentsession s ON s.id = m.session_id
      WHERE {" AND ".join(where)}
    ),
    course AS (
      SELECT patient_id, instrument, site,
        COUNT(*) AS n,
        MAX(CASE WHEN up = 1 THEN score END) AS baseline,
        MAX(CASE WHEN down = 1 THEN score END) AS latest,
        MAX(CASE WHEN down = 1 THEN condition END) AS condition,
        MAX(CASE WHEN down = %s THEN score END) AS window_first,
        MIN(CASE WHEN down < %s THEN score END) AS later_low,
        MAX(CASE WHEN down < %s THEN score END) AS later_high
      FROM scored GROUP BY patient_id, instrument, site HAVING COUNT(*) >= 2
    )
    SELECT c.patient_id, c.instrument, c.site, c.condition, c.n, c.baseline, c.latest,
      CASE WHEN i.worse = 1 THEN c.baseline - c.latest ELSE c.latest - c.baseline END AS change,
      i.mcid,
      CASE WHEN i.worse = 1 THEN c.window_first - c.later_low
           ELSE c.later_high - c.window_first END AS window_best
    FROM course c JOIN inst i ON i.instrument = c.instrument
    """  # noqa: S608
    return sql, [*instrument_params, *params, window, window, window]


def _outcome_columns(alias: str = "") -> str:
    """Aggregates over courses; `n >= %s` takes the plateau window."""
    p = f"{alias}." if alias else ""
    return f"""
  COUNT(*) AS courses,
  AVG({p}baseline) AS mean_baseline,
  AVG({p}latest) AS mean_latest,
  AVG({p}change) AS mean_change,
  SUM(CASE WHEN {p}change >= {p}mcid THEN 1 ELSE 0 END) AS responders,
  SUM(CASE WHEN {p}n >= %s AND {p}window_best < {p}mcid THEN 1 ELSE 0 END) AS plateaus,
  SUM(CASE WHEN {p}change <= -{p}mcid THEN 1 ELSE 0 END) AS worsening
"""


def _run(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _outcome_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    knowledge = load_knowledge()
    out = []
    for r in rows:
        instrument = knowledge.instrument(r["instrument"])
        courses = int(r["courses"])
        out.append(
            {
                **r,
                "courses": courses,
                "abbreviation": instrument.abbreviation,
                "unit": instrument.unit,
                "mean_baseline": _rounded(r["mean_baseline"]),
                "mean_latest": _rounded(r["mean_latest"]),
                "mean_change": _rounded(r["mean_change"]),
                "responders": int(r["responders"]),
                "plateaus": int(r["plateaus"]),
                "worsening": int(r["worsening"]),
                "responder_share": round(int(r["responders"]) / courses * 100, 1)
                if courses
                else None,
            }
        )
    return out


def _used_sql(clinic: Clinic, filters: DashboardFilter) -> tuple[str, list[Any]]:
    """The distinct (patient, technique) pairs needled in the filtered sessions."""
    where = ["s.clinic_id = %s", "s.status = %s", "s.date_of_service BETWEEN %s AND %s"]
    params: list[Any] = [clinic.pk, SessionStatus.SIGNED, filters.start, filters.end]
    if filters.location_id is not None:
        where.append("s.location_id = %s")
        params.append(filters.location_id)
    if filters.clinician_id is not None:
        where.append("s.clinician_id = %s")
        params.append(filters.clinician_id)
    sql = f"""SELECT DISTINCT s.patient_id, e.technique
      FROM charting_needlingentry e JOIN charting_treatmentsession s ON s.id = e.session_id
      WHERE {" AND ".join(where)}"""  # noqa: S608
    return sql, params


def outcome_tables(clinic: Clinic, filters: DashboardFilter) -> dict[str, list[dict[str, Any]]]:
    """Outcomes by instrument, by condition and by technique in ONE query: the per-course window
    work is done once (PostgreSQL and SQLite materialise a CTE used three times)."""
    courses, params = _courses_sql(clinic, filters)
    used, used_params = _used_sql(clinic, filters)
    n = filters.plateau_sessions
    sql = f"""WITH courses AS ({courses}), used AS ({used})
    SELECT 'instrument' AS grouping, '' AS grouped, instrument, {_outcome_columns()}
      FROM courses GROUP BY instrument
    UNION ALL
    SELECT 'condition', COALESCE(condition, ''), instrument, {_outcome_columns()}
      FROM courses GROUP BY COALESCE(condition, ''), instrument
    UNION ALL
    SELECT 'technique', u.technique, c.instrument, {_outcome_columns("c")}
      FROM courses c JOIN used u ON u.patient_id = c.patient_id
      GROUP BY u.technique, c.instrument"""  # noqa: S608
    rows = _outcome_rows(_run(sql, [*params, *used_params, n, n, n]))
    knowledge = load_knowledge()
    conditions = {c.id: c.name for c in knowledge.conditions}
    techniques = {t.id: t.name for t in knowledge.techniques}
    tables: dict[str, list[dict[str, Any]]] = {"instrument": [], "condition": [], "technique": []}
    for row in rows:
        grouping, grouped = row.pop("grouping"), row.pop("grouped")
        if grouping == "instrument":
            choice = default_mcid(row["instrument"])
            row.update(
                mcid=choice.value,
                mcid_population=choice.population,
                mcid_source=", ".join(choice.source),
            )
        elif grouping == "condition":
            row.update(condition=grouped, label=conditions.get(grouped, grouped or "Not recorded"))
        else:
            row.update(technique=grouped, label=techniques.get(grouped, grouped))
        tables[grouping].append(row)
    for key, sort in (
        ("instrument", lambda r: r["instrument"]),
        ("condition", lambda r: (r["condition"], r["instrument"])),
        ("technique", lambda r: (r["technique"], r["instrument"])),
    ):
        tables[key].sort(key=sort)
    return tables


def outcomes_by_condition(clinic: Clinic, filters: DashboardFilter) -> list[dict[str, Any]]:
    return outcome_tables(clinic, filters)["condition"]


def outcomes_by_technique(clinic: Clinic, filters: DashboardFilter) -> list[dict[str, Any]]:
    """Each course counted under every technique used on the patient in the filtered sessions."""
    return outcome_tables(clinic, filters)["technique"]


def responders_by_instrument(clinic: Clinic, filters: DashboardFilter) -> list[dict[str, Any]]:
    return outcome_tables(clinic, filters)["instrument"]


def _rounded(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)
