"""Grow a seeded PostgreSQL clinic N-fold inside the database (INSERT ... SELECT over
generate_series), for the page-cost bench at a million sessions.

`taut demo --sessions 1000000` writes a realistic history but takes most of an hour on a small
shared machine (Python makes every row, then rebuilds the roll-ups). This copies a clinic seeded
with a small history N-1 times instead: every per-patient row (patients, intakes, screenings,
consents, sessions, needling, measures, adverse events, appointments, patient spans and course
summaries) gets a copy per k with its id and its references to copied rows shifted by k times the
table's largest id, and a fresh public id. Copies of a patient keep the name (names repeat in a
big clinic) but get their own phone number. Copied appointments are cancelled ones, since the
originals' times would break the no-double-booking constraint.

What it does not reproduce: the roll-up tallies are day/month x dimension aggregates, so their
counts are multiplied by N but their row count stays that of the small history (a real
1M-session history has more distinct tally rows: more days and muscles carry data). Triggers
and foreign-key checks are off for the copying session (session_replication_role = replica), as
for any bulk load by the database's owner.
"""

from __future__ import annotations

import time
from typing import Any

# Parents before children; the columns that point at another copied table.
COPIED: dict[str, dict[str, str]] = {
    "patients_patient": {},
    "screening_intake": {"patient_id": "patients_patient"},
    "screening_screeningrecord": {
        "patient_id": "patients_patient",
        "intake_id": "screening_intake",
    },
    "screening_precautionacknowledgement": {"screening_id": "screening_screeningrecord"},
    "consent_consent": {"patient_id": "patients_patient"},
    "charting_treatmentsession": {
        "patient_id": "patients_patient",
        "consent_id": "consent_consent",
        "screening_id": "screening_screeningrecord",
    },
    "charting_needlingentry": {"session_id": "charting_treatmentsession"},
    "charting_measure": {"session_id": "charting_treatmentsession"},
    "charting_sessionadverseevent": {"session_id": "charting_treatmentsession"},
    "scheduling_appointment": {
        "patient_id": "patients_patient",
        "session_id": "charting_treatmentsession",
        "rescheduled_from_id": "scheduling_appointment",
    },
    "outcomes_patientspan": {"patient_id": "patients_patient"},
    "outcomes_coursesummary": {"patient_id": "patients_patient"},
}
# Columns given a new value in each copy (k is the copy number, o the original row).
OVERRIDES: dict[str, dict[str, str]] = {
    "patients_patient": {
        "portal_user_id": "NULL",
        "phone": "left(o.phone, length(o.phone) - 4) || {tail}",
        "phone_digits": "left(o.phone_digits, length(o.phone_digits) - 4) || {tail}",
        "phone_reversed": "reverse(left(o.phone_digits, length(o.phone_digits) - 4) || {tail})",
    },
    "scheduling_appointment": {"status": "'cancelled'"},
}
PHONE_TAIL = "lpad(mod(o.id * 7919 + k * 104729, 10000)::text, 4, '0')"
# Roll-up tallies: counts multiplied, rows kept.
TALLIES: dict[str, tuple[str, ...]] = {
    "outcomes_usetally": ("entries", "sessions", "needles"),
    "outcomes_outcometally": (
        "courses",
        "baseline_sum",
        "latest_sum",
        "change_sum",
        "responders",
        "worsening",
        *(f"plateaus_{n}" for n in range(2, 11)),
    ),
    "outcomes_spanedgetally": ("began", "ended"),
    "outcomes_sessiontally": ("sessions", "first_sessions"),
    "outcomes_eventtally": ("treatments", "reports"),
}


def amplify(url: str, factor: int, say: Any = print) -> None:
    """Make `factor` copies in all of every copied table's rows (the originals count as one)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute("SET session_replication_role = replica")
        largest = "SELECT coalesce(max(id), 0) FROM {}"
        offsets = {t: db.execute(largest.format(t)).fetchone()[0] for t in COPIED}
        for table, references in COPIED.items():
            began = time.monotonic()
            db.execute(_copy_sql(db, table, references, offsets), {"copies": factor - 1})
            db.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
            say(f"    {table}: x{factor} in {time.monotonic() - began:.0f} s")
        for table, counts in TALLIES.items():
            sets = ", ".join(f"{c} = {c} * %(factor)s" for c in counts)
            db.execute(f"UPDATE {table} SET {sets}", {"factor": factor})  # noqa: S608
        say("    roll-up tally counts multiplied")


def _copy_sql(db: Any, table: str, references: dict[str, str], offsets: dict[str, int]) -> str:
    rows = db.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = %s ORDER BY ordinal_position",
        [table],
    ).fetchall()
    overrides = OVERRIDES.get(table, {})
    names, values = [], []
    for column, kind in rows:
        names.append(f'"{column}"')
        if column == "id":
            values.append(f"o.id + k * {offsets[table]}")
        elif column in references:
            values.append(f"o.{column} + k * {offsets[references[column]]}")
        elif column in overrides:
            values.append(overrides[column].format(tail=PHONE_TAIL))
        elif kind == "uuid":
            values.append(f"CASE WHEN o.{column} IS NULL THEN NULL ELSE gen_random_uuid() END")
        else:
            values.append(f'o."{column}"')
    return (
        f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM {table} o "
        f"CROSS JOIN generate_series(1, %(copies)s) AS k WHERE o.id <= {offsets[table]}"
    )
