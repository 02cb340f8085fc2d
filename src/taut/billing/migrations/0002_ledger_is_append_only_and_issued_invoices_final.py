"""The database keeps the money honest, whatever code runs against it:

- ledger entries are append-only: UPDATE and DELETE are refused;
- an issued invoice keeps its number, patient, currency, tax and date, can only become void, and
  is never deleted; a void invoice never changes;
- an invoice's lines change only while it is a draft.

Test flushes on SQLite lift every trigger for their length (taut.clinic's `flush` command).
"""

from django.db import migrations

LEDGER = "the ledger is append-only; correct an entry with a reversing entry"
INVOICE = "an issued invoice is never edited; void it and invoice again"
FROZEN = ("number", "patient_id", "currency", "tax_basis_points", "date_of_service", "clinic_id")
ISSUED_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN)
PG_ISSUED_CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN)
LINE_NOT_DRAFT = "(SELECT status FROM billing_invoice WHERE id = {row}.invoice_id) <> 'draft'"


def _sqlite(name: str, timing: str, table: str, when: str, message: str) -> str:
    return (
        f"CREATE TRIGGER {name} {timing} ON {table} WHEN {when} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
    )


SQLITE_TRIGGERS = {
    "billing_ledger_no_update": _sqlite(
        "billing_ledger_no_update", "BEFORE UPDATE", "billing_ledgerentry", "1", LEDGER
    ),
    "billing_ledger_no_delete": _sqlite(
        "billing_ledger_no_delete", "BEFORE DELETE", "billing_ledgerentry", "1", LEDGER
    ),
    "billing_invoice_issued_final": _sqlite(
        "billing_invoice_issued_final",
        "BEFORE UPDATE",
        "billing_invoice",
        f"OLD.status = 'void' OR (OLD.status = 'issued' AND "
        f"(NEW.status NOT IN ('issued', 'void') OR {ISSUED_CHANGED}))",
        INVOICE,
    ),
    "billing_invoice_issued_kept": _sqlite(
        "billing_invoice_issued_kept",
        "BEFORE DELETE",
        "billing_invoice",
        "OLD.status <> 'draft'",
        INVOICE,
    ),
    "billing_line_insert_final": _sqlite(
        "billing_line_insert_final",
        "BEFORE INSERT",
        "billing_invoiceline",
        LINE_NOT_DRAFT.format(row="NEW"),
        INVOICE,
    ),
    "billing_line_update_final": _sqlite(
        "billing_line_update_final",
        "BEFORE UPDATE",
        "billing_invoiceline",
        f"{LINE_NOT_DRAFT.format(row='OLD')} OR {LINE_NOT_DRAFT.format(row='NEW')}",
        INVOICE,
    ),
    "billing_line_delete_final": _sqlite(
        "billing_line_delete_final",
        "BEFORE DELETE",
        "billing_invoiceline",
        LINE_NOT_DRAFT.format(row="OLD"),
        INVOICE,
    ),
}

POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION billing_ledger_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{LEDGER}'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER billing_ledger_append_only BEFORE UPDATE OR DELETE ON billing_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION billing_ledger_append_only();""",
    f"""CREATE OR REPLACE FUNCTION billing_invoice_final() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN RAISE EXCEPTION '{INVOICE}'; END IF;
        RETURN OLD;
      END IF;
      IF OLD.status = 'void' OR (OLD.status = 'issued' AND
         (NEW.status NOT IN ('issued', 'void') OR {PG_ISSUED_CHANGED})) THEN
        RAISE EXCEPTION '{INVOICE}';
      END IF;
      RETURN NEW;
    END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER billing_invoice_final BEFORE UPDATE OR DELETE ON billing_invoice
    FOR EACH ROW EXECUTE FUNCTION billing_invoice_final();""",
    f"""CREATE OR REPLACE FUNCTION billing_line_final() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') AND {LINE_NOT_DRAFT.format(row="OLD")} THEN
        RAISE EXCEPTION '{INVOICE}';
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') AND {LINE_NOT_DRAFT.format(row="NEW")} THEN
        RAISE EXCEPTION '{INVOICE}';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER billing_line_final BEFORE INSERT OR UPDATE OR DELETE ON billing_invoiceline
    FOR EACH ROW EXECUTE FUNCTION billing_line_final();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS billing_ledger_append_only ON billing_ledgerentry;",
    "DROP FUNCTION IF EXISTS billing_ledger_append_only();",
    "DROP TRIGGER IF EXISTS billing_invoice_final ON billing_invoice;",
    "DROP FUNCTION IF EXISTS billing_invoice_final();",
    "DROP TRIGGER IF EXISTS billing_line_final ON billing_invoiceline;",
    "DROP FUNCTION IF EXISTS billing_line_final();",
]


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_TRIGGERS.values():
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        for statement in POSTGRES_UP:
            schema_editor.execute(statement)


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")
    elif vendor == "postgresql":
        for statement in POSTGRES_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_money_records")]
    operations = [migrations.RunPython(install, remove)]
