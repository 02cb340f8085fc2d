"""A large synthetic history for the demo clinic: `taut demo --sessions 1000000`.

It exists to measure Taut at scale (bench/bench_outcomes.py), so it trades the services' per-row
checks for speed, and says so:

- rows are written as plain INSERTs (SQLite) or COPY (PostgreSQL), one transaction per chunk
  of 2,000 patients, not
  through the charting services; the clinical rules that the services apply (gate, safety,
  scoring) are not re-run per row;
- there is no audit entry per row: ONE audit entry records the whole synthetic import (its size
  and seed), so the clinic's hash chain stays intact and the import is visible in the log;
- each synthetic patient has one intake, one screening and one consent row so that every
  session points at its own patient's records, but the consent carries no signature drawing
  and no frozen PDF (nobody signed it), and questionnaire scores are stored without item answers;
- sessions are inserted open, their needling, measures and adverse events added, and then the
  chunk is signed with one UPDATE (the database refuses rows added to a signed note);
- the dashboard's roll-ups are rebuilt once at the end, not refreshed per signing.

The history is deterministic for a seed: ~5 sessions per patient over three years, weekly,
across the demo's clinicians and locations, with NPRS before every session, the condition's
questionnaire at sessions 1, 3, 5 and the last, and adverse events at rates near Brady 2014.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from taut import clock
from taut.audit.models import Action
from taut.audit.services import audit_record
from taut.charting.models import NeedleLot, SessionStatus, TreatmentSession
from taut.clinical.knowledge import load_knowledge
from taut.clinical.measures import Instrument
from taut.clinical.records import Direction
from taut.clinics.models import Clinic, Location, Membership
from taut.clinics.roles import Role
from taut.consent.models import ConsentDocument, ConsentKind
from taut.demo import people
from taut.outcomes import rollups
from taut.patients.models import Patient, Sex
from taut.patients.services import _refresh_search_keys

HISTORY_DAYS = 3 * 365
PATIENTS_PER_CHUNK = 2_000
BATCH = 5_000
EMPTY_PDF_SHA256 = hashlib.sha256(b"").hexdigest()

# (condition, its questionnaire, muscles needled) — instruments and muscles from the knowledge.
CONDITIONS = (
    ("neck_shoulder_pain", "ndi", 0.30),
    ("low_back_pain", "odi", 0.25),
    ("headache", "hit6", 0.12),
    ("lateral_elbow_pain", "quickdash", 0.08),
    ("patellofemoral_pain", "kujala", 0.07),
    ("hip_gluteal_pain", "lefs", 0.08),
    ("plantar_heel_pain", "lefs", 0.05),
    ("sciatica_like_pain", "odi", 0.05),
)
TECHNIQUES = (("deep", 0.6), ("superficial", 0.2), ("pistoning", 0.1), ("electrical", 0.1))
# Per-treatment probabilities, near Brady 2014 (mild) and Boyce 2020 (significant).
EVENTS = (
    ("bleeding", "mild", 0.047),
    ("bruising", "mild", 0.075),
    ("pain_during", "mild", 0.030),
    ("pain_after", "mild", 0.022),
    ("aggravation", "mild", 0.009),
    ("drowsiness", "mild", 0.003),
    ("headache", "mild", 0.0015),
    ("nausea", "mild", 0.0013),
    ("fainting", "significant", 0.0004),
)
# Course shapes: (share, total NPRS fall as a fraction of baseline, plateau after session 2)
SHAPES = (("responder", 0.55), ("partial", 0.2), ("plateau", 0.2), ("worse", 0.05))


@dataclass
class BulkResult:
    patients: int = 0
    sessions: int = 0
    entries: int = 0
    measures: int = 0
    events: int = 0


@dataclass(frozen=True)
class _Setting:
    clinic: Clinic
    clinicians: list[Any]
    desk: Any
    locations: list[Location]
    lot: NeedleLot
    document: ConsentDocument
    today: date


def seed_bulk_history(
    *,
    clinic: Clinic,
    sessions: int,
    today: date,
    seed: int = 2026,
    progress: Callable[[str], None] = lambda _: None,
) -> BulkResult:
    """Add about `sessions` signed sessions (exactly that many) of synthetic patients."""
    if sessions < 1:
        raise ValueError("sessions must be at least 1")
    setting = _setting(clinic, today)
    rng = random.Random(seed * 7919 + sessions)  # noqa: S311 - synthetic data, deterministic
    result = BulkResult()
    started = clock.now()
    writer = _Writer()
    while result.sessions < sessions:
        with transaction.atomic():
            _chunk(setting, rng, sessions - result.sessions, result, writer)
        progress(
            f"{result.sessions:,} of {sessions:,} sessions "
            f"({result.patients:,} patients, {result.entries:,} needling entries, "
            f"{result.measures:,} measures, {result.events:,} adverse events)"
        )
    writer.reset_sequences()
    progress("rebuilding the dashboard's roll-ups from the new history…")
    rollups.rebuild(clinic.pk, progress=progress)
    audit_record(
        request=None,
        actor=None,
        clinic=clinic,
        action=Action.CREATE,
        object_type="synthetic_history",
        object_id="",
        detail={
            "note": "bulk demo history: rows written without per-row audit entries",
            "seed": seed,
            "patients": result.patients,
            "sessions": result.sessions,
            "entries": result.entries,
            "measures": result.measures,
            "adverse_events": result.events,
            "seconds": round((clock.now() - started).total_seconds(), 1),
        },
    )
    return result


def _setting(clinic: Clinic, today: date) -> _Setting:
    members = Membership.objects.for_clinic(clinic).select_related("user")
    clinicians = [m.user for m in members if m.role == Role.CLINICIAN]
    desk = next((m.user for m in members if m.role == Role.FRONT_DESK), None)
    locations = list(Location.objects.for_clinic(clinic).order_by("pk"))
    lot = NeedleLot.objects.for_clinic(clinic).order_by("pk").first()
    document = ConsentDocument.objects.for_clinic(clinic).filter(kind=ConsentKind.GENERAL).first()
    if not clinicians or desk is None or not locations or lot is None or document is None:
        raise ValueError(
            "the clinic needs clinicians, a front desk, locations, a needle lot and a "
            "general consent document: seed the demo clinic first"
        )
    return _Setting(clinic, clinicians, desk, locations, lot, document, today)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _at(day: date, minutes: int) -> datetime:
    return datetime.combine(day, time(15, 0), tzinfo=UTC) + timedelta(minutes=minutes)


class _Writer:
    """Plain INSERTs (SQLite: executemany) or COPY (PostgreSQL) of ready-made tuples, with ids
    assigned here so that child rows can point at their parents without a round trip."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.next_ids: dict[str, int] = {}

    def ids(self, table: str, count: int) -> range:
        if table not in self.next_ids:
            with connection.cursor() as cursor:
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608
                self.next_ids[table] = int(cursor.fetchone()[0]) + 1
        start = self.next_ids[table]
        self.next_ids[table] = start + count
        return range(start, start + count)

    def uuid(self, value: uuid.UUID) -> Any:
        return value if self.postgres else value.hex

    def when(self, value: datetime) -> Any:
        return value if self.postgres else value.strftime("%Y-%m-%d %H:%M:%S.%f")

    def day(self, value: date) -> Any:
        return value if self.postgres else value.isoformat()

    def insert(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        names = ", ".join(f'"{c}"' for c in columns)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            marks = ", ".join("%s" for _ in columns)
            for start in range(0, len(rows), BATCH):
                cursor.executemany(
                    f'INSERT INTO "{table}" ({names}) VALUES ({marks})',  # noqa: S608
                    rows[start : start + BATCH],
                )

    def reset_sequences(self) -> None:
        """PostgreSQL identity columns continue after the ids assigned here."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for table in (
                "charting_needlingentry",
                "charting_measure",
                "charting_sessionadverseevent",
                *self.next_ids,
            ):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                    f'(SELECT MAX(id) FROM "{table}"))'
                )


def _chunk(
    setting: _Setting, rng: random.Random, wanted: int, result: BulkResult, w: _Writer
) -> None:
    clinic, today, knowledge = setting.clinic, setting.today, load_knowledge()
    plans: list[tuple[Patient, int, date, str, str, str]] = []
    planned = 0
    while planned < wanted and len(plans) < PATIENTS_PER_CHUNK:
        count = min(wanted - planned, rng.choice((2, 3, 4, 4, 5, 5, 6, 6, 7, 8)))
        first_day = today - timedelta(days=rng.randrange(7 * count, HISTORY_DAYS))
        condition = _weighted(rng, [(c, weight) for c, _, weight in CONDITIONS])
        questionnaire = next(q for c, q, _ in CONDITIONS if c == condition)
        shape = _weighted(rng, list(SHAPES))
        patient = _patient(rng, clinic, result.patients + len(plans))
        plans.append((patient, count, first_day, condition, questionnaire, shape))
        planned += count
    n = len(plans)
    patient_ids = w.ids("patients_patient", n)
    intake_ids = w.ids("screening_intake", n)
    screening_ids = w.ids("screening_screeningrecord", n)
    consent_ids = w.ids("consent_consent", n)
    now = w.when(clock.now())
    w.insert(
        "patients_patient",
        (
            "id",
            "public_id",
            "given_name",
            "family_name",
            "date_of_birth",
            "sex",
            "phone",
            "email",
            "address",
            "given_key",
            "family_key",
            "phone_digits",
            "phone_reversed",
            "email_key",
            "created_at",
            "updated_at",
            "clinic_id",
            "created_by_id",
        ),
        [
            (
                pid,
                w.uuid(p.public_id),
                p.given_name,
                p.family_name,
                w.day(p.date_of_birth),
                p.sex,
                p.phone,
                p.email,
                p.address,
                p.given_key,
                p.family_key,
                p.phone_digits,
                p.phone_reversed,
                p.email_key,
                now,
                now,
                clinic.pk,
                setting.desk.pk,
            )
            for pid, (p, *_) in zip(patient_ids, plans, strict=True)
        ],
    )
    w.insert(
        "screening_intake",
        (
            "id",
            "public_id",
            "version",
            "facts",
            "medications",
            "conditions",
            "previous_needling",
            "previous_needling_notes",
            "channel",
            "submitted_at",
            "clinic_id",
            "patient_id",
            "submitted_by_id",
        ),
        [
            (
                iid,
                w.uuid(_uuid(rng)),
                1,
                "{}",
                "",
                "",
                "never",
                "",
                "desk",
                w.when(_at(plan[2], -30)),
                clinic.pk,
                pid,
                setting.desk.pk,
            )
            for iid, pid, plan in zip(intake_ids, patient_ids, plans, strict=True)
        ],
    )
    w.insert(
        "screening_screeningrecord",
        (
            "id",
            "public_id",
            "as_of",
            "findings",
            "blocked",
            "performed_at",
            "clinic_id",
            "intake_id",
            "patient_id",
            "performed_by_id",
        ),
        [
            (
                sid,
                w.uuid(_uuid(rng)),
                w.day(plan[2]),
                "[]",
                False,
                w.when(_at(plan[2], -20)),
                clinic.pk,
                iid,
                pid,
                setting.clinicians[0].pk,
            )
            for sid, iid, pid, plan in zip(
                screening_ids, intake_ids, patient_ids, plans, strict=True
            )
        ],
    )
    w.insert(
        "consent_consent",
        (
            "id",
            "public_id",
            "signed_name",
            "signature_svg",
            "signed_at",
            "channel",
            "pdf",
            "pdf_sha256",
            "withdrawal_reason",
            "clinic_id",
            "patient_id",
            "taken_by_id",
            "document_id",
        ),
        [
            (
                cid,
                w.uuid(_uuid(rng)),
                plan[0].full_name,
                "",
                w.when(_at(plan[2], -10)),
                "tablet",
                b"",
                EMPTY_PDF_SHA256,
                "",
                clinic.pk,
                pid,
                setting.desk.pk,
                setting.document.pk,
            )
            for cid, pid, plan in zip(consent_ids, patient_ids, plans, strict=True)
        ],
    )
    result.patients += n
    session_rows: list[tuple[Any, ...]] = []
    courses: list[tuple[int, int, int, int, str, str, str, int, datetime]] = []
    session_ids = iter(w.ids("charting_treatmentsession", planned))
    for (_, count, first_day, condition, questionnaire, shape), pid, sid, cid in zip(
        plans, patient_ids, screening_ids, consent_ids, strict=True
    ):
        clinician = rng.choice(setting.clinicians).pk
        location = rng.choice(setting.locations).pk
        day = first_day
        for number in range(1, count + 1):
            started = _at(day, rng.randrange(0, 480))
            session_id = next(session_ids)
            session_rows.append(
                (
                    session_id,
                    w.uuid(_uuid(rng)),
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
                    clinic.pk,
                    clinician,
                    cid,
                    pid,
                    sid,
                    clinician,
                    condition,
                    location,
                )
            )
            courses.append(
                (
                    session_id,
                    pid,
                    number,
                    count,
                    condition,
                    questionnaire,
                    shape,
                    clinician,
                    started,
                )
            )
            day = min(today, day + timedelta(days=rng.choice((6, 7, 7, 7, 8, 14))))
    w.insert(
        "charting_treatmentsession",
        (
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
        ),
        session_rows,
    )
    result.sessions += len(session_rows)
    entries: list[tuple[Any, ...]] = []
    measures: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    muscles = {c.id: list(c.muscles) or ["upper_trapezius"] for c in knowledge.conditions}
    nprs_base: dict[int, int] = {}
    questionnaire_base: dict[int, float] = {}
    for (
        session_id,
        pid,
        number,
        count,
        condition,
        questionnaire,
        shape,
        clinician,
        started,
    ) in courses:
        if number == 1:
            nprs_base[pid] = rng.randint(4, 9)
            questionnaire_base[pid] = rng.uniform(0.3, 0.65)
        at = w.when(started)
        share = _progress(shape, number, count)
        pool = muscles[condition]
        for muscle in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
            needles = rng.randint(1, 3)
            entries.append(
                (
                    muscle,
                    rng.choice("lr"),
                    _weighted(rng, list(TECHNIQUES)),
                    needles,
                    needles,
                    rng.randint(1, 6),
                    rng.choice(("none", "some", "many")),
                    "[]",
                    at,
                    clinic.pk,
                    setting.lot.pk,
                    session_id,
                )
            )
        base = nprs_base[pid]
        nprs = max(0, min(10, round(base - base * 0.7 * share + rng.uniform(-0.6, 0.6))))
        measures.append(
            ("nprs", "before", Decimal(nprs), "points", "[]", "", at, clinic.pk, session_id)
        )
        if rng.random() < 0.5:
            after = max(0, min(10, nprs + rng.choice((-1, 0, 1, 1))))
            measures.append(
                (
                    "nprs",
                    "after",
                    Decimal(after),
                    "points",
                    "[]",
                    "",
                    w.when(started + timedelta(minutes=35)),
                    clinic.pk,
                    session_id,
                )
            )
        if number in (1, 3, 5) or number == count:
            instrument = knowledge.instrument(questionnaire)
            score = _score(instrument, questionnaire_base[pid] * (1 - 0.75 * share))
            measures.append(
                (
                    instrument.id,
                    "before",
                    Decimal(str(score)),
                    instrument.unit,
                    "[]",
                    "",
                    w.when(started + timedelta(minutes=1)),
                    clinic.pk,
                    session_id,
                )
            )
        for event, severity, probability in EVENTS:
            if rng.random() < probability:
                events.append(
                    (
                        event,
                        severity,
                        "Managed in the session (synthetic history).",
                        w.when(started + timedelta(minutes=30)),
                        clinic.pk,
                        clinician,
                        session_id,
                    )
                )
    w.insert(
        "charting_needlingentry",
        (
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
        ),
        entries,
    )
    w.insert(
        "charting_measure",
        (
            "instrument",
            "timing",
            "score",
            "unit",
            "answers",
            "site",
            "recorded_at",
            "clinic_id",
            "session_id",
        ),
        measures,
    )
    w.insert(
        "charting_sessionadverseevent",
        (
            "event",
            "severity",
            "action_taken",
            "recorded_at",
            "clinic_id",
            "recorded_by_id",
            "session_id",
        ),
        events,
    )
    result.entries += len(entries)
    result.measures += len(measures)
    result.events += len(events)
    first, last = session_rows[0][0], session_rows[-1][0]
    TreatmentSession.objects.filter(clinic=clinic, pk__gte=first, pk__lte=last).update(
        status=SessionStatus.SIGNED
    )


def _score(instrument: Instrument, severity: float) -> float:
    """A score `severity` (0 = best, 1 = worst) of the way along the instrument's scale."""
    worse = instrument.direction is Direction.HIGHER_IS_WORSE
    best, worst = (instrument.min, instrument.max) if worse else (instrument.max, instrument.min)
    value = best + (worst - best) * max(0.0, min(1.0, severity))
    return round(value) if instrument.scoring.method.value == "sum" else round(value, 1)


def _progress(shape: str, number: int, count: int) -> float:
    """How far along its improvement a course is at session `number` (negative = worse)."""
    share = (number - 1) / max(1, count - 1)
    if shape == "responder":
        return share
    if shape == "partial":
        return 0.35 * share
    if shape == "plateau":
        return min(share, 1 / max(1, count - 1)) * 0.4
    return -0.4 * share


def _weighted(rng: random.Random, choices: list[tuple[str, float]]) -> str:
    pick, total = rng.random() * sum(w for _, w in choices), 0.0
    for value, weight in choices:
        total += weight
        if pick <= total:
            return value
    return choices[-1][0]


def _patient(rng: random.Random, clinic: Clinic, index: int) -> Patient:
    female = rng.random() < 0.55
    given = rng.choice(people.GIVEN_FEMALE if female else people.GIVEN_MALE)
    family = rng.choice(people.FAMILY)
    town, postcode = rng.choice(people.TOWNS)
    patient = Patient(
        clinic=clinic,
        public_id=_uuid(rng),
        given_name=given,
        family_name=family,
        date_of_birth=date(1945, 1, 1) + timedelta(days=rng.randrange(0, 365 * 62)),
        sex=Sex.FEMALE if female else Sex.MALE,
        phone=f"(720) {500 + index // 10000 % 500:03d}-{index % 10000:04d}",
        email=f"synthetic{index}@example.com",
        address=f"{rng.randrange(10, 2999)} {rng.choice(people.STREETS)}, {town}, CO {postcode}",
    )
    _refresh_search_keys(patient)
    return patient
