"""No room or device is ever booked twice for the same time, whatever the application does.

The same guard as the practitioner's (migration 0002), once per resource column: on PostgreSQL
an exclusion constraint over the resource and the half-open range the booking holds (visit and
buffer) for the statuses that hold time; on SQLite a trigger refusing the same overlap (Taut's
SQLite transactions begin IMMEDIATE, so two bookings are checked and written one after the other).
"""

from django.db import migrations

HOLDING = "('booked', 'arrived', 'completed')"
COLUMNS = {"room_id": "appointment_room_taken", "device_id": "appointment_device_taken"}


def _postgres(column: str, name: str) -> str:
    return f"""ALTER TABLE scheduling_appointment ADD CONSTRAINT {name}
        EXCLUDE USING gist (
            {column} WITH =,
            tstzrange(starts_at, blocked_until, '[)') WITH &&
        ) WHERE (status IN {HOLDING} AND {column} IS NOT NULL)"""


# Django stores SQLite datetimes as UTC text in one format, so text order is time order.
def _sqlite_overlap(column: str, name: str) -> str:
    return f"""
    WHEN NEW.{column} IS NOT NULL AND NEW.status IN {HOLDING} AND EXISTS (
        SELECT 1 FROM scheduling_appointment AS other
        WHERE other.{column} = NEW.{column}
          AND other.id IS NOT NEW.id
          AND other.status IN {HOLDING}
          AND other.starts_at < NEW.blocked_until
          AND NEW.starts_at < other.blocked_until
    )
    BEGIN SELECT RAISE(ABORT, '{name}'); END"""


def _sqlite(column: str, name: str) -> list[str]:
    overlap = _sqlite_overlap(column, name)
    return [
        f"CREATE TRIGGER {name}_insert BEFORE INSERT ON scheduling_appointment {overlap}",
        f"CREATE TRIGGER {name}_update BEFORE UPDATE "
        f"OF {column}, starts_at, blocked_until, status ON scheduling_appointment {overlap}",
    ]


POSTGRES = ["CREATE EXTENSION IF NOT EXISTS btree_gist"] + [
    _postgres(column, name) for column, name in COLUMNS.items()
]
POSTGRES_REVERSE = [
    f"ALTER TABLE scheduling_appointment DROP CONSTRAINT {name}" for name in COLUMNS.values()
]
SQLITE = [statement for column, name in COLUMNS.items() for statement in _sqlite(column, name)]
SQLITE_REVERSE = [
    f"DROP TRIGGER {name}_{when}" for name in COLUMNS.values() for when in ("insert", "update")
]


def _run(statements_by_vendor):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0005_rooms_and_devices")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
