"""A signed note is final in full, on both databases: the note itself, its needling entries,
measures and adverse events, and its addenda.

0002 left gaps: no DELETE triggers on SQLite (its test flush empties tables with DELETE; the
`flush` command in taut.clinic now lifts triggers for the length of a flush, as PostgreSQL's
TRUNCATE does), addenda could be changed or removed on both engines, a signed session row could be
deleted, and an UPDATE could move a row out of a signed note because only the new session was
checked. This replaces 0002's triggers with a complete set.
"""

from importlib import import_module

from django.db import migrations

MESSAGE = "a signed note cannot change; add an addendum"
CHILD_TABLES = ("charting_needlingentry", "charting_measure", "charting_sessionadverseevent")
SIGNED = "(SELECT status FROM charting_treatmentsession WHERE id = {row}.session_id) = 'signed'"


def _sqlite_trigger(name: str, timing: str, table: str, when: str) -> str:
    return (
        f"CREATE TRIGGER {name} {timing} ON {table} WHEN {when} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
    )


def _sqlite_child_triggers(table: str) -> list[str]:
    new, old = SIGNED.format(row="NEW"), SIGNED.format(row="OLD")
    return [
        _sqlite_trigger(f"{table}_insert_signed", "BEFORE INSERT", table, new),
        _sqlite_trigger(f"{table}_update_signed", "BEFORE UPDATE", table, f"{old} OR {new}"),
        _sqlite_trigger(f"{table}_delete_signed", "BEFORE DELETE", table, old),
    ]


SQLITE_TRIGGERS = {
    "session_signed_is_final": _sqlite_trigger(
        "session_signed_is_final",
        "BEFORE UPDATE",
        "charting_treatmentsession",
        "OLD.status = 'signed'",
    ),
    "session_signed_is_kept": _sqlite_trigger(
        "session_signed_is_kept",
        "BEFORE DELETE",
        "charting_treatmentsession",
        "OLD.status = 'signed'",
    ),
    "charting_addendum_update_final": _sqlite_trigger(
        "charting_addendum_update_final", "BEFORE UPDATE", "charting_addendum", "1"
    ),
    "charting_addendum_delete_final": _sqlite_trigger(
        "charting_addendum_delete_final", "BEFORE DELETE", "charting_addendum", "1"
    ),
}
for _table in CHILD_TABLES:
    for _statement in _sqlite_child_triggers(_table):
        SQLITE_TRIGGERS[_statement.split()[2]] = _statement

POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION charting_session_signed_is_final() RETURNS trigger AS $$
    BEGIN
      IF OLD.status = 'signed' THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END; $$ LANGUAGE plpgsql;""",
    f"""CREATE OR REPLACE FUNCTION charting_signed_child_is_final() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND
         (SELECT status FROM charting_treatmentsession WHERE id = OLD.session_id) = 'signed' THEN
        RAISE EXCEPTION '{MESSAGE}';
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND
         (SELECT status FROM charting_treatmentsession WHERE id = NEW.session_id) = 'signed' THEN
        RAISE EXCEPTION '{MESSAGE}';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END; $$ LANGUAGE plpgsql;""",
    """CREATE OR REPLACE FUNCTION charting_addendum_is_final() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'an addendum cannot change; add another addendum';
    END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER session_signed_is_final BEFORE UPDATE OR DELETE
    ON charting_treatmentsession
    FOR EACH ROW EXECUTE FUNCTION charting_session_signed_is_final();""",
    *[
        f"""CREATE TRIGGER {table}_signed BEFORE INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION charting_signed_child_is_final();"""
        for table in CHILD_TABLES
    ],
    """CREATE TRIGGER charting_addendum_final BEFORE UPDATE OR DELETE ON charting_addendum
    FOR EACH ROW EXECUTE FUNCTION charting_addendum_is_final();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS charting_addendum_final ON charting_addendum",
    "DROP FUNCTION IF EXISTS charting_addendum_is_final()",
    "DROP TRIGGER IF EXISTS session_signed_is_final ON charting_treatmentsession",
    *[f"DROP TRIGGER IF EXISTS {table}_signed ON {table}" for table in CHILD_TABLES],
    "DROP FUNCTION IF EXISTS charting_session_signed_is_final()",
    "DROP FUNCTION IF EXISTS charting_signed_child_is_final()",
]

_earlier = import_module("taut.charting.migrations.0002_signed_notes_are_final")


def install(apps, schema_editor):
    _earlier.remove(apps, schema_editor)
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_TRIGGERS.values():
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for statement in POSTGRES_UP:
            schema_editor.execute(statement)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif vendor == "postgresql":
        for statement in POSTGRES_DOWN:
            schema_editor.execute(statement)
    _earlier.install(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("charting", "0003_dashboard_location_condition_indexes")]
    operations = [migrations.RunPython(install, remove)]
