"""Reads for the clinic dashboard and its CSV tables.

The tables are aggregate SQL (GROUP BY in the database), one query per table, over the roll-ups
that rollups.py keeps as notes are signed (models.py): daily counts per clinic, day, location
and clinician, and one row per course of care summarised by the core's course rules. So a
dashboard over a million sessions adds up thousands of rows, not millions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet, Sum

from taut.charting.models import (
    SessionStatus,
    TreatmentSession,
)
from taut.clinical.course import (
    PLATEAU_WINDOWS,
    default_mcid,
)
from taut.clinical.knowledge import load_knowledge
from taut.clinical.measures import Severity
from taut.clinical.rates import Comparison, RateEstimate, compare_with_published, per_thousand
from taut.clinics.models import Clinic
from taut.outcomes.models import (
    ANY_EVENT,
    EventTally,
    Grain,
    OutcomeGrouping,
    OutcomeTally,
    PatientSpan,
    SessionTally,
    SpanEdgeTally,
    SpanScope,
    UseKind,
    UseTally,
    plateau_column,
)
from taut.outcomes.periods import split_range


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


def _tallies(model: Any, clinic: Clinic | int, filters: DashboardFilter) -> QuerySet[Any]:
    """A tally's rows covering the filter's range once (whole months as month rows, the edges
    as day rows), at its location, of its practitioner."""
    periods = split_range(filters.start, filters.end)
    covering = Q(pk__in=[])
    if periods.months:
        covering |= Q(grain=Grain.MONTH, day__range=periods.months)
    for days in periods.days:
        covering |= Q(grain=Grain.DAY, day__range=days)
    rows = model.objects.for_clinic(clinic).filter(covering)
    if filters.location_id is not None:
        rows = rows.filter(location_id=filters.location_id)
    if filters.clinician_id is not None:
        rows = rows.filter(clinician_id=filters.clinician_id)
    return rows


EPOCH = dt.date(1900, 1, 1)  # before any clinic's first session: prefix sums start here


def _span_scope(filters: DashboardFilter, by_clinician: bool) -> SpanScope:
    per_clinician = by_clinician or filters.clinician_id is not None
    return {
        (False, False): SpanScope.PATIENT,
        (True, False): SpanScope.LOCATION,
        (False, True): SpanScope.CLINICIAN,
        (True, True): SpanScope.BOTH,
    }[(filters.location_id is not None, per_clinician)]


def _edge_sum(
    clinic_id: int,
    filters: DashboardFilter,
    scope: SpanScope,
    edge: str,
    upto: dt.date,
    group: str,
) -> dict[Any, int]:
    """Spans of the scope whose `edge` ("began" or "ended") falls on or before `upto`."""
    if upto < EPOCH:
        return {}
    prefix = dataclasses.replace(filters, start=EPOCH, end=upto)
    rows = _tallies(SpanEdgeTally, clinic_id, prefix).filter(scope=scope)
    totals = rows.order_by().values(group).annotate(n=Sum(edge))
    return {row[group]: row["n"] for row in totals}


def _unseen_sql(
    clinic_id: int, filters: DashboardFilter, scope: SpanScope, by_clinician: bool
) -> tuple[str, list[Any]]:
    """Spans that run across the whole range without a signed session inside it: begun before
    it and ended after it, so counted by the edge sums, yet the patient was not treated in it.
    Found from the spans that end after the range (none, for a range that ends today)."""
    spans, sessions = PatientSpan._meta.db_table, TreatmentSession._meta.db_table
    where, params = ["p.clinic_id = %s", "p.scope = %s"], [clinic_id, scope]
    inner = ""
    if filters.location_id is not None:
        where.append("p.location_id = %s")
        params.append(filters.location_id)
        inner += " AND s.location_id = p.location_id"
    if filters.clinician_id is not None:
        where.append("p.clinician_id = %s")
        params.append(filters.clinician_id)
    if scope in (SpanScope.CLINICIAN, SpanScope.BOTH):
        inner += " AND s.clinician_id = p.clinician_id"
    column, group = ("p.clinician_id", "GROUP BY p.clinician_id") if by_clinician else ("''", "")
    sql = f"""SELECT {column}, COUNT(*) FROM {spans} p
      WHERE {" AND ".join(where)} AND p.last_day > %s AND p.first_day < %s AND NOT EXISTS (
        SELECT 1 FROM {sessions} s
         WHERE s.clinic_id = p.clinic_id AND s.patient_id = p.patient_id{inner}
           AND s.status = %s AND s.date_of_service BETWEEN %s AND %s)
      {group}"""  # noqa: S608 - fixed fragments; every value is a parameter
    params += [filters.end, filters.start, SessionStatus.SIGNED, filters.start, filters.end]
    return sql, params


def _patients(clinic: Clinic, filters: DashboardFilter, *, by_clinician: bool) -> dict[Any, int]:
    """Distinct patients treated in the range (per clinician when grouped): spans begun by its
    end, less spans ended before its start, less spans that cross it without a visit inside.
    The first two are sums over day and month rows, so the count costs the same for a clinic of
    a hundred patients as for one of a hundred thousand."""
    scope = _span_scope(filters, by_clinician)
    group = "clinician_id" if by_clinician else "scope"
    began = _edge_sum(clinic.pk, filters, scope, "began", filters.end, group)
    before = filters.start - dt.timedelta(days=1)
    ended = _edge_sum(clinic.pk, filters, scope, "ended", before, group)
    sql, params = _unseen_sql(clinic.pk, filters, scope, by_clinician)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        unseen = {(k if by_clinician else scope): n for k, n in cursor.fetchall()}
    counts = {k: n - ended.get(k, 0) - unseen.get(k, 0) for k, n in began.items()}
    return {(k if by_clinician else ""): n for k, n in counts.items() if n > 0}


def summary(clinic: Clinic, filters: DashboardFilter) -> dict[str, int]:
    totals = _tallies(SessionTally, clinic, filters).aggregate(
        sessions=Sum("sessions"), first_sessions=Sum("first_sessions")
    )
    return {
        "sessions": totals["sessions"] or 0,
        "patients": sum(_patients(clinic, filters, by_clinician=False).values()),
        "first_sessions": totals["first_sessions"] or 0,
    }


def sessions_by_clinician(clinic: Clinic, filters: DashboardFilter) -> list[dict[str, Any]]:
    rows = (
        _tallies(SessionTally, clinic, filters)
        .values("clinician_id", "clinician__first_name", "clinician__last_name")
        .annotate(sessions=Sum("sessions"))
        .order_by("-sessions", "clinician_id")
    )
    patients = _patients(clinic, filters, by_clinician=True)
    return [
        {
            "clinician": f"{r['clinician__first_name']} {r['clinician__last_name']}".strip(),
            "sessions": r["sessions"],
            "patients": patients.get(r["clinician_id"], 0),
        }
        for r in rows
    ]


def _used(clinic: Clinic, filters: DashboardFilter, kind: UseKind) -> QuerySet[Any]:
    field = "muscle" if kind is UseKind.MUSCLE else "technique"
    return (
        _tallies(UseTally, clinic, filters)
        .filter(kind=kind)
        .values(**{field: F("key")})
        .annotate(entries=Sum("entries"), sessions=Sum("sessions"), needles=Sum("needles"))
        .order_by("-entries", field)
    )


def muscles_used(clinic: Clinic, filters: DashboardFilter) -> list[dict[str, Any]]:
    names = {m.id: m.name for m in load_knowledge().muscles}
    return [
        {**r, "label": names.get(r["muscle"], r["muscle"])}
        for r in _used(clinic, filters, UseKind.MUSCLE)
    ]


def techniques_used(clinic: Clinic, filters: DashboardFilter) -> list[dict[str, Any]]:
    names = {t.id: t.name for t in load_knowledge().techniques}
    return [
        {**r, "label": names.get(r["technique"], r["technique"])}
        for r in _used(clinic, filters, UseKind.TECHNIQUE)
    ]


# --- adverse events --------------------------------------------------------------------------


@dataclass(frozen=True)
class EventCount:
    event: str
    severity: str
    treatments: int  # treatments (sessions) with at least one such event
    reports: int  # event rows; a session may record the same event twice


def adverse_event_counts(clinic: Clinic, filters: DashboardFilter) -> list[EventCount]:
    """Adverse events by type and severity over the filtered treatments: THE one place they are
    counted. Events recorded in the session, recorded after signing, and reported by the patient
    (until a clinician reviews the report) are counted together (rollups.py); a treatment with the
    same event in several (or reported at 24 and 48 hours) counts once as a treatment, and each
    record as a report."""
    rows = (
        _tallies(EventTally, clinic, filters)
        .exclude(event=ANY_EVENT)
        .values("event", "severity")
        .annotate(treatments=Sum("treatments"), reports=Sum("reports"))
        .order_by("event", "severity")
    )
    return [EventCount(r["event"], r["severity"], r["treatments"], r["reports"]) for r in rows]


def adverse_events_by_severity(clinic: Clinic, filters: DashboardFilter) -> dict[str, int]:
    """Treatments with at least one event of each severity (a treatment counts once per class)."""
    rows = (
        _tallies(EventTally, clinic, filters)
        .filter(event=ANY_EVENT)
        .values("severity")
        .annotate(n=Sum("treatments"))
        .values_list("severity", "n")
    )
    return dict(rows)


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


# --- outcomes per course, from the course roll-up ------------------------------------------


def _outcome_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    knowledge = load_knowledge()
    out = []
    for r in rows:
        instrument = knowledge.instrument(r["instrument"])
        courses = int(r["courses"])
        responders = int(r["responders"])
        out.append(
            {
                "instrument": r["instrument"],
                "courses": courses,
                "abbreviation": instrument.abbreviation,
                "unit": instrument.unit,
                "mean_baseline": _mean(r["baseline_sum"], courses),
                "mean_latest": _mean(r["latest_sum"], courses),
                "mean_change": _mean(r["change_sum"], courses),
                "responders": responders,
                "plateaus": int(r["plateaus"]),
                "worsening": int(r["worsening"]),
                "responder_share": round(responders / courses * 100, 1) if courses else None,
            }
        )
    return out


def _mean(total: Any, count: int) -> float | None:
    return round(float(total) / count, 2) if count and total is not None else None


def _outcome_sums(rows: QuerySet[Any], filters: DashboardFilter, *keys: str) -> QuerySet[Any]:
    if filters.plateau_sessions not in PLATEAU_WINDOWS:
        raise ValueError(f"the plateau window must be one of {list(PLATEAU_WINDOWS)}")
    return (
        rows.order_by(*keys)
        .values(*keys)
        .annotate(
            courses=Sum("courses"),
            baseline_sum=Sum("baseline_sum"),
            latest_sum=Sum("latest_sum"),
            change_sum=Sum("change_sum"),
            responders=Sum("responders"),
            worsening=Sum("worsening"),
            plateaus=Sum(plateau_column(filters.plateau_sessions)),
        )
    )


def outcome_tables(clinic: Clinic, filters: DashboardFilter) -> dict[str, list[dict[str, Any]]]:
    """Outcomes by instrument, by condition and by technique, from the outcome tally: courses
    whose latest score falls in the range, at the location, of the practitioner, each counted
    with its whole episode of care (baseline to latest); under every technique of the episode."""
    rows = _tallies(OutcomeTally, clinic, filters)
    by_condition = rows.filter(grouping=OutcomeGrouping.CONDITION)
    by_technique = rows.filter(grouping=OutcomeGrouping.TECHNIQUE)
    knowledge = load_knowledge()
    conditions = {c.id: c.name for c in knowledge.conditions}
    techniques = {t.id: t.name for t in knowledge.techniques}
    tables: dict[str, list[dict[str, Any]]] = {"instrument": [], "condition": [], "technique": []}
    for row in _outcome_rows(_outcome_sums(by_condition, filters, "instrument")):
        choice = default_mcid(row["instrument"])
        tables["instrument"].append(
            {
                **row,
                "mcid": choice.value,
                "mcid_population": choice.population,
                "mcid_source": ", ".join(choice.source),
            }
        )
    for grouping, names, table in (
        (by_condition, conditions, "condition"),
        (by_technique, techniques, "technique"),
    ):
        sums = list(_outcome_sums(grouping, filters, "key", "instrument"))
        for key, row in zip([r["key"] for r in sums], _outcome_rows(sums), strict=True):
            label = names.get(key, key or "Not recorded")
            tables[table].append({**row, table: key, "label": label})
    return tables


def outcomes_by_condition(clinic: Clinic, filters: DashboardFilter) -> list[dict[str, Any]]:
    return outcome_tables(clinic, filters)["condition"]


def outcomes_by_technique(clinic: Clinic, filters: DashboardFilter) -> list[dict[str, Any]]:
    """Each course counted under every technique used on the patient in the filtered sessions."""
    return outcome_tables(clinic, filters)["technique"]


def responders_by_instrument(clinic: Clinic, filters: DashboardFilter) -> list[dict[str, Any]]:
    return outcome_tables(clinic, filters)["instrument"]
