"""Writes of the dashboard's roll-ups (models.py): kept current as notes are signed and patients
report adverse events, and rebuilt from the clinical records on demand (`taut rollups`).

Every refresh recomputes a whole unit from the source rows (a bucket's day, its month, a
patient's courses and spans) and replaces it, so a refresh is idempotent and the roll-ups cannot
drift from the records. Callers run inside their own transaction (the signing's, the diary
entry's); a per-clinic lock keeps two signings of one bucket from replacing each other's rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from taut.charting.models import (
    LateAdverseEvent,
    Measure,
    NeedlingEntry,
    SessionAdverseEvent,
    SessionStatus,
    Timing,
    TreatmentSession,
)
from taut.clinical.course import (
    PLATEAU_WINDOWS,
    MCIDChoice,
    Observation,
    split_into_episodes,
    summarise_course,
)
from taut.clinical.knowledge import UnknownIdError, load_knowledge
from taut.clinical.mcid import mcid_for
from taut.clinical.measures import McidUnit
from taut.diary.models import ReportedEvent
from taut.outcomes.models import (
    ANY_EVENT,
    TALLIES,
    CourseSummary,
    EventTally,
    Grain,
    OutcomeGrouping,
    OutcomeTally,
    PatientSpan,
    SessionTally,
    SpanEdgeTally,
    SpanScope,
    Tally,
    UseKind,
    UseTally,
    plateau_column,
)
from taut.outcomes.periods import month_end, month_start

BATCH = 5_000
PATIENTS_PER_CHUNK = 2_000
LOCK_NAMESPACE = 7_311_001  # pg_advisory_xact_lock(namespace, clinic): roll-ups of one clinic
SESSION_TALLIES = (SessionTally, UseTally, EventTally)  # counted from sessions; outcomes: courses


@dataclass(frozen=True)
class Bucket:
    clinic_id: int
    day: dt.date
    location_id: int | None
    clinician_id: int

    def rows(self, model: type[Tally], grain: Grain = Grain.DAY) -> QuerySet[Any]:
        """The bucket's row of its day, or of its month."""
        day = self.day if grain is Grain.DAY else month_start(self.day)
        return self._of(model).filter(grain=grain, day=day)

    def days_of_month(self, model: type[Tally]) -> QuerySet[Any]:
        """The bucket's day rows of every day in its month."""
        month = (month_start(self.day), month_end(self.day))
        return self._of(model).filter(grain=Grain.DAY, day__range=month)

    def _of(self, model: type[Tally]) -> QuerySet[Any]:
        match: dict[str, Any] = {"location_id": self.location_id}
        return model.objects.for_clinic(self.clinic_id).filter(
            clinician_id=self.clinician_id, **match
        )

    def courses(self) -> QuerySet[CourseSummary]:
        match: dict[str, Any] = {"last_day": self.day, "location_id": self.location_id}
        return CourseSummary.objects.for_clinic(self.clinic_id).filter(
            clinician_id=self.clinician_id, **match
        )

    def sessions(self) -> QuerySet[TreatmentSession]:
        match: dict[str, Any] = {"date_of_service": self.day, "location_id": self.location_id}
        return signed_sessions(self.clinic_id).filter(clinician_id=self.clinician_id, **match)


def bucket_of(session: TreatmentSession) -> Bucket:
    return Bucket(
        session.clinic_id, session.date_of_service, session.location_id, session.clinician_id
    )


# --- the hooks the writing services call -----------------------------------------------------


def session_signed(session: TreatmentSession) -> None:
    """A note was signed: its day's tallies, its patient's courses and spans change."""
    _lock(session.clinic_id)
    refresh_bucket(bucket_of(session), SESSION_TALLIES)
    refresh_patient(session.clinic_id, session.patient_id)


def events_reported(session: TreatmentSession) -> None:
    """A patient reported adverse events after this session: its day's event tally changes."""
    _lock(session.clinic_id)
    refresh_bucket(bucket_of(session), (EventTally,))


def _lock(clinic_id: int) -> None:
    """Serialise roll-up writes per clinic until the transaction ends. SQLite already allows one
    writer at a time; PostgreSQL's READ COMMITTED would let two refreshes of one bucket each
    delete the old rows and both insert new ones."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, clinic_id])


def signed_sessions(clinic_id: int) -> QuerySet[TreatmentSession]:
    return TreatmentSession.objects.for_clinic(clinic_id).filter(status=SessionStatus.SIGNED)


# --- tallies ---------------------------------------------------------------------------------


def refresh_bucket(bucket: Bucket, models: Sequence[type[Tally]]) -> None:
    """Recount one bucket's day from its source rows, then its month from its days."""
    for model in models:
        bucket.rows(model).delete()
        if model is OutcomeTally:
            _insert(model, _outcome_rows(bucket.courses()))
        else:
            _insert(model, SOURCE_COUNTS[model](bucket.sessions()))
        bucket.rows(model, Grain.MONTH).delete()
        _insert(model, _month_rows(model, bucket.days_of_month(model)))


def _month_rows(model: type[Tally], days: QuerySet[Any]) -> Iterator[Tally]:
    """Month rows that add up the given day rows, by bucket and the tally's keys."""
    rows = (
        days.filter(grain=Grain.DAY)
        .order_by()
        .annotate(month=TruncMonth("day"))
        .values("clinic_id", "month", "location_id", "clinician_id", *model.keys)
        .annotate(**{f"total_{name}": Sum(name) for name in model.counts})
    )
    for row in rows.iterator(chunk_size=BATCH):
        yield model(
            clinic_id=row["clinic_id"],
            grain=Grain.MONTH,
            day=_date(row["month"]),
            location_id=row["location_id"],
            clinician_id=row["clinician_id"],
            **{key: row[key] for key in model.keys},
            **{name: row[f"total_{name}"] for name in model.counts},
        )


BY_BUCKET = ("clinic_id", "date_of_service", "location_id", "clinician_id")


def _day(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    return {
        "clinic_id": row[f"{prefix}clinic_id"],
        "grain": Grain.DAY,
        "day": _date(row[f"{prefix}date_of_service"]),
        "location_id": row[f"{prefix}location_id"],
        "clinician_id": row[f"{prefix}clinician_id"],
    }


def _session_rows(sessions: QuerySet[TreatmentSession]) -> Iterator[SessionTally]:
    rows = (
        sessions.order_by()
        .values(*BY_BUCKET)
        .annotate(n=Count("id"), first=Count("id", filter=Q(first_session=True)))
    )
    for row in rows.iterator(chunk_size=BATCH):
        yield SessionTally(**_day(row), sessions=row["n"], first_sessions=row["first"])


def _use_rows(sessions: QuerySet[TreatmentSession]) -> Iterator[UseTally]:
    for kind in UseKind:
        field = "muscle" if kind is UseKind.MUSCLE else "technique"
        rows = (
            NeedlingEntry.objects.filter(session__in=sessions)
            .order_by()
            .values(*(f"session__{name}" for name in BY_BUCKET), field)
            .annotate(
                entries=Count("id"),
                sessions=Count("session_id", distinct=True),
                needles=Sum("needles_in"),
            )
        )
        for row in rows.iterator(chunk_size=BATCH):
            yield UseTally(
                **_day(row, "session__"),
                kind=kind,
                key=row[field],
                entries=row["entries"],
                sessions=row["sessions"],
                needles=row["needles"] or 0,
            )


def _event_rows(sessions: QuerySet[TreatmentSession]) -> Iterator[EventTally]:
    """Events recorded in the session, recorded after signing, and reported by the patient (not
    yet reviewed) together: a treatment with the same event in several (or reported at 24 and 48
    hours) counts once as a treatment, each record as a report; and once more per severity under
    ANY_EVENT."""
    recorded = SessionAdverseEvent.objects.filter(session__in=sessions).values_list(
        "session_id", "event", "severity"
    )
    later = LateAdverseEvent.objects.filter(session__in=sessions).values_list(
        "session_id", "event", "severity"
    )
    # A patient's report a clinician has reviewed is settled: confirmed as a LateAdverseEvent
    # (counted above) or judged not an adverse event.
    reported = ReportedEvent.objects.filter(
        session__in=sessions, reviewed_at__isnull=True
    ).values_list("session_id", "event", "severity")
    recorded_sql, recorded_params = recorded.query.sql_with_params()
    later_sql, later_params = later.query.sql_with_params()
    reported_sql, reported_params = reported.query.sql_with_params()
    table = TreatmentSession._meta.db_table
    keys = "s.clinic_id, s.date_of_service, s.location_id, s.clinician_id"
    # The parts are the ORM's own parametrised SQL; nothing from a request is pasted in.
    events = (
        f"SELECT recorded.* FROM ({recorded_sql}) AS recorded "  # noqa: S608
        f"UNION ALL SELECT later.* FROM ({later_sql}) AS later "
        f"UNION ALL SELECT reported.* FROM ({reported_sql}) AS reported"
    )
    sql = f"""WITH e AS ({events})
      SELECT {keys}, e.event, e.severity, COUNT(DISTINCT e.session_id), COUNT(*)
        FROM e JOIN {table} s ON s.id = e.session_id
       GROUP BY {keys}, e.event, e.severity
      UNION ALL
      SELECT {keys}, '', e.severity, COUNT(DISTINCT e.session_id), COUNT(*)
        FROM e JOIN {table} s ON s.id = e.session_id
       GROUP BY {keys}, e.severity"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*recorded_params, *later_params, *reported_params])
        for clinic, day, location, clinician, event, severity, treatments, reports in cursor:
            yield EventTally(
                clinic_id=clinic,
                grain=Grain.DAY,
                day=_date(day),
                location_id=location,
                clinician_id=clinician,
                event=event or ANY_EVENT,
                severity=severity,
                treatments=treatments,
                reports=reports,
            )


SOURCE_COUNTS: dict[type[Tally], Callable[[QuerySet[TreatmentSession]], Iterable[Tally]]] = {
    SessionTally: _session_rows,
    UseTally: _use_rows,
    EventTally: _event_rows,
}


def _outcome_rows(courses: QuerySet[CourseSummary]) -> Iterator[OutcomeTally]:
    """Day tallies of courses by condition and by each technique of their episode. The courses
    are already one row each, summarised by the core's rules; this adds them up per day."""
    tallies: dict[tuple[Any, ...], dict[str, Any]] = {}
    rows = courses.order_by().values(
        "clinic_id",
        "last_day",
        "location_id",
        "clinician_id",
        "instrument",
        "condition",
        "techniques",
        "baseline",
        "latest",
        "change",
        "responded",
        "worsened",
        "plateau_mask",
    )
    for course in rows.iterator(chunk_size=BATCH):
        bucket = (
            course["clinic_id"],
            course["last_day"],
            course["location_id"],
            course["clinician_id"],
            course["instrument"],
        )
        groups = [(OutcomeGrouping.CONDITION, course["condition"])]
        groups += [(OutcomeGrouping.TECHNIQUE, t) for t in course["techniques"]]
        for grouping, key in groups:
            _add_course(tallies.setdefault((*bucket, grouping, key), _empty_outcome()), course)
    for (clinic, day, location, clinician, instrument, grouping, key), counts in tallies.items():
        yield OutcomeTally(
            clinic_id=clinic,
            grain=Grain.DAY,
            day=_date(day),
            location_id=location,
            clinician_id=clinician,
            grouping=grouping,
            key=key,
            instrument=instrument,
            **counts,
        )


def _empty_outcome() -> dict[str, Any]:
    return {name: Decimal(0) if name.endswith("_sum") else 0 for name in OutcomeTally.counts}


def _add_course(counts: dict[str, Any], course: Any) -> None:
    counts["courses"] += 1
    counts["baseline_sum"] += course["baseline"]
    counts["latest_sum"] += course["latest"]
    counts["change_sum"] += course["change"]
    counts["responders"] += int(course["responded"])
    counts["worsening"] += int(course["worsened"])
    for window in PLATEAU_WINDOWS:
        counts[plateau_column(window)] += int(bool(course["plateau_mask"] & (1 << window)))


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _insert(model: Any, rows: Iterable[Any]) -> int:
    written, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            written += len(model.objects.bulk_create(batch))
            batch = []
    if batch:
        written += len(model.objects.bulk_create(batch))
    return written


# --- one patient's courses and spans ---------------------------------------------------------


def refresh_patient(clinic_id: int, patient_id: int) -> None:
    """Replace the patient's courses and spans, and recount the outcome tallies of every bucket
    a course left or entered."""
    old = CourseSummary.objects.for_clinic(clinic_id).filter(patient_id=patient_id)
    touched = {_course_bucket(c) for c in old.values("last_day", "location_id", "clinician_id")}
    old.delete()
    spans = PatientSpan.objects.for_clinic(clinic_id).filter(patient_id=patient_id)
    edges = _span_edges(spans, -1)
    spans.delete()
    write_patients(clinic_id, [patient_id])
    edges.update(_span_edges(spans, +1))
    _add_span_edges(clinic_id, edges)
    new = CourseSummary.objects.for_clinic(clinic_id).filter(patient_id=patient_id)
    touched |= {_course_bucket(c) for c in new.values("last_day", "location_id", "clinician_id")}
    for day, location, clinician in sorted(touched, key=str):
        refresh_bucket(Bucket(clinic_id, day, location, clinician), (OutcomeTally,))


EdgeKey = tuple[
    str, str, dt.date, int | None, int | None, str
]  # scope, grain, day, loc, clin, edge


def _span_edges(spans: QuerySet[PatientSpan], sign: int) -> Counter[EdgeKey]:
    """What these spans add to (sign +1) or take from (-1) the edge tallies, day and month."""
    edges: Counter[EdgeKey] = Counter()
    for scope, location, clinician, first, last in spans.values_list(
        "scope", "location_id", "clinician_id", "first_day", "last_day"
    ):
        for edge, day in (("began", first), ("ended", last)):
            edges[(scope, Grain.DAY, day, location, clinician, edge)] += sign
            edges[(scope, Grain.MONTH, month_start(day), location, clinician, edge)] += sign
    return edges


def _add_span_edges(clinic_id: int, edges: Counter[EdgeKey]) -> None:
    """Apply the changes to the rows they touch (a handful: one patient's spans moved), in
    three statements at most."""
    changes: dict[tuple[Any, ...], Counter[str]] = defaultdict(Counter)
    for (scope, grain, day, location, clinician, edge), step in edges.items():
        if step:
            changes[(scope, grain, day, location, clinician)][edge] += step
    if not changes:
        return
    touched = Q(pk__in=[])
    for scope, grain, day, location, clinician in changes:
        touched |= Q(
            scope=scope, grain=grain, day=day, location_id=location, clinician_id=clinician
        )
    rows = {
        (r.scope, r.grain, r.day, r.location_id, r.clinician_id): r
        for r in SpanEdgeTally.objects.for_clinic(clinic_id).filter(touched)
    }
    fresh: list[SpanEdgeTally] = []
    changed: list[SpanEdgeTally] = []
    emptied: list[SpanEdgeTally] = []
    for key, delta in changes.items():
        row = rows.get(key)
        if row is None:
            scope, grain, day, location, clinician = key
            row = SpanEdgeTally(
                clinic_id=clinic_id,
                scope=scope,
                grain=grain,
                day=day,
                location_id=location,
                clinician_id=clinician,
            )
            fresh.append(row)
        row.began += delta["began"]
        row.ended += delta["ended"]
        if row.pk is not None:
            (changed if row.began or row.ended else emptied).append(row)
    SpanEdgeTally.objects.bulk_create([r for r in fresh if r.began or r.ended])
    SpanEdgeTally.objects.bulk_update(changed, ["began", "ended"])
    SpanEdgeTally.objects.filter(pk__in=[r.pk for r in emptied]).delete()


def _edge_rows(clinic_id: int) -> Iterator[SpanEdgeTally]:
    """Every day and month row of the clinic's span edges, counted from its spans."""
    counts: Counter[tuple[Any, ...]] = Counter()
    for edge, column in (("began", "first_day"), ("ended", "last_day")):
        rows = (
            PatientSpan.objects.for_clinic(clinic_id)
            .order_by()
            .values("scope", "location_id", "clinician_id", column)
            .annotate(n=Count("id"))
        )
        for row in rows.iterator(chunk_size=BATCH):
            day = _date(row[column])
            for grain, period in ((Grain.DAY, day), (Grain.MONTH, month_start(day))):
                bucket = (row["scope"], grain, period, row["location_id"], row["clinician_id"])
                counts[(*bucket, edge)] += row["n"]
    merged: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: {"began": 0, "ended": 0})
    for (*bucket_key, edge_name), total in counts.items():
        merged[tuple(bucket_key)][edge_name] += total
    for (scope, grain, day, location, clinician), n in merged.items():
        yield SpanEdgeTally(
            clinic_id=clinic_id,
            scope=scope,
            grain=grain,
            day=day,
            location_id=location,
            clinician_id=clinician,
            began=n["began"],
            ended=n["ended"],
        )


def rebuild_span_edges(clinic_id: int) -> int:
    SpanEdgeTally.objects.for_clinic(clinic_id).delete()
    return _insert(SpanEdgeTally, _edge_rows(clinic_id))


def _course_bucket(row: dict[str, Any]) -> tuple[dt.date, int | None, int]:
    return row["last_day"], row["location_id"], row["clinician_id"]


@dataclass(frozen=True)
class _Session:
    id: int
    patient_id: int
    day: dt.date
    location_id: int | None
    clinician_id: int
    condition: str


def write_patients(clinic_id: int, patient_ids: Sequence[int]) -> int:
    """Insert the course and span rows of these patients (whose old rows the caller removed).
    Returns the number of courses."""
    _insert(PatientSpan, _spans(clinic_id, patient_ids))
    sessions: dict[int, list[_Session]] = defaultdict(list)
    rows = (
        signed_sessions(clinic_id)
        .filter(patient_id__in=patient_ids)
        .order_by("patient_id", "date_of_service", "started_at", "pk")
        .values_list(
            "id", "patient_id", "date_of_service", "location_id", "clinician_id", "condition"
        )
    )
    for id_, patient, day, location, clinician, condition in rows:
        sessions[patient].append(_Session(id_, patient, day, location, clinician, condition or ""))
    ids = [s.id for patient_sessions in sessions.values() for s in patient_sessions]
    scores = _scores_before(clinic_id, ids)
    techniques = _techniques(clinic_id, ids)
    return _insert(
        CourseSummary,
        (
            course
            for patient_sessions in sessions.values()
            for course in _courses_of(clinic_id, patient_sessions, scores, techniques)
        ),
    )


def _spans(clinic_id: int, patient_ids: Sequence[int]) -> Iterator[PatientSpan]:
    """Each patient's first and last signed day in every scope, from one GROUP BY per patient,
    location and clinician."""
    rows = (
        signed_sessions(clinic_id)
        .filter(patient_id__in=patient_ids)
        .order_by()
        .values("patient_id", "location_id", "clinician_id")
        .annotate(first=Min("date_of_service"), last=Max("date_of_service"))
    )
    spans: dict[tuple[Any, ...], tuple[dt.date, dt.date]] = {}
    for row in rows:
        days = (_date(row["first"]), _date(row["last"]))
        patient, location, clinician = row["patient_id"], row["location_id"], row["clinician_id"]
        for key in (
            (patient, SpanScope.PATIENT, None, None),
            (patient, SpanScope.LOCATION, location, None),
            (patient, SpanScope.CLINICIAN, None, clinician),
            (patient, SpanScope.BOTH, location, clinician),
        ):
            seen = spans.get(key)
            spans[key] = (min(seen[0], days[0]), max(seen[1], days[1])) if seen else days
    for (patient, scope, location, clinician), (first, last) in spans.items():
        yield PatientSpan(
            clinic_id=clinic_id,
            patient_id=patient,
            scope=scope,
            location_id=location,
            clinician_id=clinician,
            first_day=first,
            last_day=last,
        )


def _scores_before(
    clinic_id: int, session_ids: list[int]
) -> dict[int, dict[tuple[str, str], float]]:
    """Each session's scores before needling by (instrument, site); the last recorded wins, as on
    the patient's page."""
    scores: dict[int, dict[tuple[str, str], float]] = defaultdict(dict)
    for chunk in _chunks(session_ids):
        rows = (
            Measure.objects.for_clinic(clinic_id)
            .filter(session_id__in=chunk, timing=Timing.BEFORE)
            .order_by("recorded_at", "pk")
            .values_list("session_id", "instrument", "site", "score")
        )
        for session_id, instrument, site, score in rows:
            scores[session_id][(instrument, site)] = float(score)
    return scores


def _techniques(clinic_id: int, session_ids: list[int]) -> dict[int, set[str]]:
    used: dict[int, set[str]] = defaultdict(set)
    for chunk in _chunks(session_ids):
        rows = (
            NeedlingEntry.objects.for_clinic(clinic_id)
            .filter(session_id__in=chunk)
            .values_list("session_id", "technique")
            .distinct()
        )
        for session_id, technique in rows:
            used[session_id].add(technique)
    return used


def _chunks(ids: list[int], size: int = 900) -> Iterator[list[int]]:
    """Keeps IN lists under SQLite's bound-parameter limit on any build."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _courses_of(
    clinic_id: int,
    sessions: list[_Session],
    scores: dict[int, dict[tuple[str, str], float]],
    techniques: dict[int, set[str]],
) -> Iterator[CourseSummary]:
    for episode in split_into_episodes([s.day for s in sessions]):
        in_episode = [sessions[position] for position in episode]
        used = sorted({t for s in in_episode for t in techniques.get(s.id, ())})
        series: dict[tuple[str, str], list[tuple[Observation, _Session]]] = defaultdict(list)
        for number, session in enumerate(in_episode, start=1):
            for key, value in scores.get(session.id, {}).items():
                series[key].append((Observation(number, session.day, value), session))
        for (instrument, site), points in sorted(series.items()):
            choice = _mcid(instrument, points[-1][1].condition)
            if choice is None or len(points) < 2:
                continue
            summary = summarise_course(instrument, [o for o, _ in points], mcid=choice)
            first, last = points[0][1], points[-1][1]
            yield CourseSummary(
                clinic_id=clinic_id,
                patient_id=last.patient_id,
                instrument=instrument,
                site=site,
                condition=last.condition,
                first_day=first.day,
                last_day=last.day,
                location_id=last.location_id,
                clinician_id=last.clinician_id,
                observations=summary.observations,
                baseline=_decimal(summary.baseline),
                latest=_decimal(summary.latest),
                change=_decimal(summary.change),
                mcid=_decimal(summary.mcid),
                responded=summary.responded,
                worsened=summary.worsened,
                plateau_mask=summary.plateau_mask,
                techniques=used,
            )


@cache
def _mcid(instrument: str, condition: str | None) -> MCIDChoice | None:
    """The dashboard counts instruments with a within-person MCID in points, judged by the MCID
    of the course's condition where one is on record (as the patient's page does)."""
    if condition and condition not in {c.id for c in load_knowledge().conditions}:
        condition = None  # a retired condition id judges by the general MCID
    try:
        choice = mcid_for(instrument, condition).choice
    except UnknownIdError:
        return None
    return choice if choice is not None and choice.unit is McidUnit.POINTS else None


def _decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 3)))


# --- rebuilding ------------------------------------------------------------------------------


def rebuild(clinic_id: int, *, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Recompute every roll-up of the clinic from its clinical records, in one transaction."""
    say = progress or (lambda _message: None)
    with transaction.atomic():
        _lock(clinic_id)
        for tally in TALLIES:
            tally.objects.for_clinic(clinic_id).delete()
        CourseSummary.objects.for_clinic(clinic_id).delete()
        PatientSpan.objects.for_clinic(clinic_id).delete()
        patients = list(
            signed_sessions(clinic_id)
            .order_by("patient_id")
            .values_list("patient_id", flat=True)
            .distinct()
        )
        courses = 0
        for start in range(0, len(patients), PATIENTS_PER_CHUNK):
            courses += write_patients(clinic_id, patients[start : start + PATIENTS_PER_CHUNK])
            done = min(start + PATIENTS_PER_CHUNK, len(patients))
            say(f"courses of {done:,} of {len(patients):,} patients ({courses:,} courses)")
        tallies = 0
        sessions = signed_sessions(clinic_id)
        for model in TALLIES:
            rows: Iterable[Tally] = (
                _outcome_rows(CourseSummary.objects.for_clinic(clinic_id))
                if model is OutcomeTally
                else SOURCE_COUNTS[model](sessions)
            )
            days = _insert(model, rows)
            months = _insert(model, _month_rows(model, model.objects.for_clinic(clinic_id)))
            say(f"{model.__name__}: {days:,} day rows, {months:,} month rows")
            tallies += days + months
        # Migration outcomes.0002 rebuilds too, before 0003 has created the edge tallies (0003
        # then fills them itself).
        if SpanEdgeTally._meta.db_table in connection.introspection.table_names():
            edges = rebuild_span_edges(clinic_id)
            say(f"SpanEdgeTally: {edges:,} day and month rows")
            tallies += edges
    return {"tallies": tallies, "courses": courses, "patients": len(patients)}
