"""Patient search through indexes: prefix (pattern) indexes on the phone and email keys, and the
phone's digits reversed so that a search by the end of a number is a prefix search too."""

from django.conf import settings
from django.db import migrations, models


def fill_reversed_phones(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE patients_patient SET phone_reversed = reverse(phone_digits) "
            "WHERE phone_digits <> ''"
        )
        return
    batch = []
    for patient in Patient.objects.exclude(phone_digits="").only("pk", "phone_digits").iterator():
        patient.phone_reversed = patient.phone_digits[::-1]
        batch.append(patient)
        if len(batch) == 2000:
            Patient.objects.bulk_update(batch, ["phone_reversed"])
            batch.clear()
    Patient.objects.bulk_update(batch, ["phone_reversed"])


class Migration(migrations.Migration):

    dependencies = [
        ('clinics', '0002_clinic_screening_max_age_days_and_more'),
        ('patients', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='patient',
            name='patient_phone',
        ),
        migrations.RemoveIndex(
            model_name='patient',
            name='patient_email',
        ),
        migrations.AddField(
            model_name='patient',
            name='phone_reversed',
            field=models.CharField(blank=True, default='', editable=False, max_length=40),
        ),
        migrations.RunPython(fill_reversed_phones, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='patient',
            index=models.Index(fields=['clinic', 'phone_digits'], name='patient_phone_prefix', opclasses=['int8_ops', 'varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='patient',
            index=models.Index(fields=['clinic', 'phone_reversed'], name='patient_phone_suffix', opclasses=['int8_ops', 'varchar_pattern_ops']),
        ),
        migrations.AddIndex(
            model_name='patient',
            index=models.Index(fields=['clinic', 'email_key'], name='patient_email_prefix', opclasses=['int8_ops', 'varchar_pattern_ops']),
        ),
    ]
