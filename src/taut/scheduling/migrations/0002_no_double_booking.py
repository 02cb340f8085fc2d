"""No practitioner is ever booked twice for the same time, whatever the application does.

PostgreSQL: an exclusion constraint over the practitioner and the half-open time range the
booking holds (visit and buffer), for the statuses that hold time. SQLite has no exclusion
constraints; a trigger refuses the same overlap, and Taut's SQLite connections begin every
transaction IMMEDIATE, so two bookings are checked and written one after the other.
"""

from django.db import migrations

HOLDING = "('booked', 'arrived', 'completed')"

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""ALTER TABLE scheduling_appointment ADD CONSTRAINT appointment_no_double_booking
        EXCLUDE USING gist (
            practitioner_id WITH =,
            tstzrange(starts_at, blocked_until, '[)') WITH &&
        ) WHERE (status IN {HOLDING})""",
]
POSTGRES_REVERSE = [
    "ALTER TABLE scheduling_appointment DROP CONSTRAINT appointment_no_double_booking",
]

# Django stores SQLite datetimes as UTC text in one format, so text order is time order.
_OVERLAP = f"""
    WHEN NEW.status IN {HOLDING} AND EXISTS (
        SELECT 1 FROM scheduling_appointment AS other
        WHERE other.practitioner_id = NEW.practitioner_id
          AND other.id IS NOT NEW.id
          AND other.status IN {HOLDING}
          AND other.starts_at < NEW.blocked_until
          AND NEW.starts_at < other.blocked_until
    )
    BEGIN SELECT RAISE(ABORT, 'appointment_no_double_booking'); END"""
SQLITE = [
    f"CREATE TRIGGER appointment_no_double_booking_insert BEFORE INSERT "
    f"ON scheduling_appointment {_OVERLAP}",
    f"CREATE TRIGGER appointment_no_double_booking_update BEFORE UPDATE "
    f"OF practitioner_id, starts_at, blocked_until, status ON scheduling_appointment {_OVERLAP}",
]
SQLITE_REVERSE = [
    "DROP TRIGGER appointment_no_double_booking_insert",
    "DROP TRIGGER appointment_no_double_booking_update",
]


def _run(statements_by_vendor):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
