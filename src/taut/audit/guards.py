"""What the database itself enforces on the audit log, whatever code runs against it.

- Entries and seals are append-only: an UPDATE or DELETE of either is refused by a trigger.
- Every inserted entry is queued for the sealer by a trigger, in the INSERT's own statement, so
  no code path (a service, a bulk import, raw SQL) can write an entry the sealer never sees.

The statements are idempotent: installing twice leaves one copy.
"""

from __future__ import annotations

from typing import Any

GUARDED_TABLES = ("audit_auditentry", "audit_auditseal")

_SQLITE_GUARD = """
CREATE TRIGGER IF NOT EXISTS {table}_no_{op} BEFORE {OP} ON {table}
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
_POSTGRES_GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only: % of % refused', TG_OP, TG_TABLE_NAME; END;
$$ LANGUAGE plpgsql;
"""
_POSTGRES_GUARD = """
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION audit_append_only();
"""
_SQLITE_QUEUE = """
CREATE TRIGGER IF NOT EXISTS audit_entry_queue AFTER INSERT ON audit_auditentry
BEGIN INSERT INTO audit_unsealedentry (entry_id) VALUES (NEW.id); END;
"""
_POSTGRES_QUEUE = """
CREATE OR REPLACE FUNCTION audit_entry_queue() RETURNS trigger AS $$
BEGIN INSERT INTO audit_unsealedentry (entry_id) VALUES (NEW.id); RETURN NULL; END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_entry_queue ON audit_auditentry;
CREATE TRIGGER audit_entry_queue AFTER INSERT ON audit_auditentry
FOR EACH ROW EXECUTE FUNCTION audit_entry_queue();
"""


def install_guards(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_POSTGRES_GUARD_FUNCTION)
            for table in GUARDED_TABLES:
                cursor.execute(_POSTGRES_GUARD.format(table=table))
        elif connection.vendor == "sqlite":
            for table in GUARDED_TABLES:
                for op in ("update", "delete"):
                    cursor.execute(_SQLITE_GUARD.format(table=table, op=op, OP=op.upper()))


def remove_guards(connection: Any) -> None:
    with connection.cursor() as cursor:
        for table in GUARDED_TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            elif connection.vendor == "sqlite":
                for op in ("update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")


def install_queue(connection: Any) -> None:
    sql = {"postgresql": _POSTGRES_QUEUE, "sqlite": _SQLITE_QUEUE}.get(connection.vendor)
    if sql:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def remove_queue(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_queue ON audit_auditentry")
            cursor.execute("DROP FUNCTION IF EXISTS audit_entry_queue()")
        elif connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_queue")
