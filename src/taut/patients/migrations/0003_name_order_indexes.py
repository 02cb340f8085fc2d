"""PostgreSQL: the two indexes a name search reads in order (family then given name, and given
then family name), on the search keys in the "C" collation, which compares character by character:
a search seeks the name prefix in them and reads one page, however many patients match. SQLite
compares text so already and uses the indexes of 0001."""

from django.db import migrations

INDEXES = {
    "patient_family_order": "family_key, given_key",
    "patient_given_order": "given_key, family_key",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, keys in INDEXES.items():
        collated = ", ".join(f'({key} COLLATE "C")' for key in keys.split(", "))
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON patients_patient (clinic_id, {collated}, id)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("patients", "0002_search_keys_for_prefix_indexes")]

    operations = [migrations.RunPython(create, drop)]
