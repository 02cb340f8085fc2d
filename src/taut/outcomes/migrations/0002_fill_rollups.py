"""Fill the dashboard's roll-ups from the clinical records a database already holds.

This calls the app's own rebuild (not historical models) because the roll-ups are derived data
with exactly the shape 0001 created; if a later migration changes them, it rebuilds them again.
"""

from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    from taut.outcomes.rollups import rebuild

    Clinic = apps.get_model("clinics", "Clinic")
    TreatmentSession = apps.get_model("charting", "TreatmentSession")
    for clinic in Clinic.objects.order_by("pk"):
        if not TreatmentSession.objects.filter(clinic_id=clinic.pk).exists():
            continue
        print(f"\n  filling the dashboard roll-ups of {clinic.slug}…", flush=True)  # noqa: T201
        rebuild(clinic.pk, progress=lambda step: print(f"    {step}", flush=True))  # noqa: T201


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0001_dashboard_rollups"),
        ("charting", "0003_dashboard_location_condition_indexes"),
        ("diary", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
