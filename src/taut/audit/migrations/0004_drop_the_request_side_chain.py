"""The entries' old chain columns go; the database guards entries and seals and queues every new
entry for the sealer (taut.audit.guards). A separate migration from 0003 because PostgreSQL does
not alter a table in the transaction that filled it under deferred foreign keys."""

from django.db import migrations, models

from taut.audit.guards import install_guards, install_queue, remove_guards, remove_queue


def install(apps, schema_editor):
    install_guards(schema_editor.connection)
    install_queue(schema_editor.connection)


def remove(apps, schema_editor):
    remove_queue(schema_editor.connection)
    remove_guards(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_seal_entries_off_the_request_path")]

    operations = [
        migrations.RemoveConstraint(model_name="auditentry", name="audit_chain_sequence"),
        migrations.RemoveIndex(model_name="auditentry", name="audit_clinic_at"),
        migrations.RemoveField(model_name="auditentry", name="chain"),
        migrations.RemoveField(model_name="auditentry", name="hash"),
        migrations.RemoveField(model_name="auditentry", name="prev_hash"),
        migrations.RemoveField(model_name="auditentry", name="sequence"),
        migrations.AlterField(
            model_name="auditentry",
            name="content_hash",
            field=models.CharField(max_length=64),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["clinic", "at", "id"], name="audit_clinic_at_id"),
        ),
        migrations.RunPython(install, remove),
    ]
