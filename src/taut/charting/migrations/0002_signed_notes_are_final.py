"""The database itself refuses to change a signed note or its needling, measures and events.

Services already refuse; this is the backstop for any other code path (or a hand-written query).
Addenda stay possible: they are rows of their own.
"""

from django.db import migrations

CHILD_TABLES = ("charting_needlingentry", "charting_measure", "charting_sessionadverseevent")

SQLITE_UP = [
    """CREATE TRIGGER session_signed_is_final BEFORE UPDATE ON charting_treatmentsession
    WHEN OLD.status = 'signed'
    BEGIN SELECT RAISE(ABORT, 'a signed note cannot change; add an addendum'); END;""",
    *[
        f"""CREATE TRIGGER {table}_{event.lower()}_signed BEFORE {event} ON {table}
        WHEN (SELECT status FROM charting_treatmentsession WHERE id = {row}.session_id) = 'signed'
        BEGIN SELECT RAISE(ABORT, 'a signed note cannot change; add an addendum'); END;"""
        for table in CHILD_TABLES
        # No DELETE trigger on SQLite: its test-database flush empties tables with DELETE.
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"))
    ],
]

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION charting_signed_is_final() RETURNS trigger AS $$
    DECLARE session_id bigint;
    BEGIN
      IF TG_TABLE_NAME = 'charting_treatmentsession' THEN
        IF OLD.status = 'signed' THEN
          RAISE EXCEPTION 'a signed note cannot change; add an addendum';
        END IF;
        RETURN NEW;
      END IF;
      IF TG_OP = 'DELETE' THEN session_id := OLD.session_id; ELSE session_id := NEW.session_id;
      END IF;
      IF (SELECT status FROM charting_treatmentsession WHERE id = session_id) = 'signed' THEN
        RAISE EXCEPTION 'a signed note cannot change; add an addendum';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER session_signed_is_final BEFORE UPDATE ON charting_treatmentsession
    FOR EACH ROW EXECUTE FUNCTION charting_signed_is_final();""",
    *[
        f"""CREATE TRIGGER {table}_signed BEFORE INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION charting_signed_is_final();"""
        for table in CHILD_TABLES
    ],
]


def install(apps, schema_editor):
    statements = {"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}.get(
        schema_editor.connection.vendor, []
    )
    for statement in statements:
        schema_editor.execute(statement)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS session_signed_is_final")
        for table in CHILD_TABLES:
            for event in ("insert", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{event}_signed")
    elif vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS session_signed_is_final ON charting_treatmentsession"
        )
        for table in CHILD_TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_signed ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS charting_signed_is_final()")


class Migration(migrations.Migration):
    dependencies = [("charting", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
