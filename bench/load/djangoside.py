"""The benchmarks' database-side steps, run in a child process pointed at the bench database.

    djangoside.py prepare SESSIONS OUT.json      migrate, seed the demo, collect static files,
                                                 start SESSIONS open treatment sessions
    djangoside.py verify ACKS.json OUT.json      is every acknowledged write in the database?
                                                 and is the database consistent?
    djangoside.py upgrade OUT.json               migrate a copied database to this code and
                                                 collect its static files

The environment (DATABASE_URL, TAUT_VAR_DIR, SECRET_KEY...) chooses the database.
"""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, os.environ.get("BENCH_SRC", str(ROOT / "src")))


def setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taut.clinic.settings")
    django.setup()


def prepare(sessions_wanted: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.utils import timezone

    from taut.charting.models import NeedlingEntry, TreatmentSession
    from taut.charting.selectors import usable_lots
    from taut.charting.services import SessionRefused, session_start
    from taut.clinics.models import Clinic, Membership
    from taut.demo.seed import DEMO_SLUG
    from taut.patients.models import Patient
    from taut.scheduling.models import AppointmentType

    quiet = StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("demo", verbosity=0, stdout=quiet)
    history = int(os.environ.get("LOAD_HISTORY", "0"))
    if history:
        call_command("demo", sessions=history, verbosity=0, stdout=quiet)
    call_command("collectstatic", interactive=False, verbosity=0)

    clinic = Clinic.objects.get(slug=DEMO_SLUG)
    membership = Membership.objects.select_related("user").get(
        clinic=clinic, user__username="clinician"
    )
    today = timezone.localdate(timezone=clinic.zone)
    patients = list(
        Patient.objects.for_clinic(clinic).filter(archived_at__isnull=True).order_by("pk")[:200]
    )
    opened: list[dict[str, str]] = []
    ready: list[Patient] = []
    for patient in patients:
        try:
            session = session_start(
                request=None, membership=membership, patient=patient, today=today
            )
        except SessionRefused:
            continue
        ready.append(patient)
        opened.append({"patient": str(patient.public_id), "session": str(session.public_id)})
    if not ready:
        raise SystemExit("no demo patient passes the gate; cannot chart")
    while len(opened) < sessions_wanted:
        patient = ready[len(opened) % len(ready)]
        session = session_start(request=None, membership=membership, patient=patient, today=today)
        opened.append({"patient": str(patient.public_id), "session": str(session.public_id)})
    lots = [lot.pk for lot in usable_lots(clinic=clinic, day=today)]
    types = list(
        AppointmentType.objects.for_clinic(clinic)
        .filter(is_active=True)
        .values_list("pk", flat=True)
    )
    return {
        "sessions": opened,
        "patients": [str(p.public_id) for p in patients],
        "search": sorted({p.family_name[:3] for p in patients}),
        "lots": lots,
        "appointment_types": types,
        "muscles": ["upper_trapezius", "levator_scapulae", "gluteus_medius", "gastrocnemius"],
        "today": today.isoformat(),
        "baseline": {
            "sessions": TreatmentSession.objects.count(),
            "entries": NeedlingEntry.objects.count(),
        },
    }


def upgrade() -> dict[str, Any]:
    import time

    from django.core.management import call_command

    began = time.monotonic()
    call_command("migrate", verbosity=0, stdout=StringIO())
    migrated = time.monotonic() - began
    call_command("collectstatic", interactive=False, verbosity=0)
    return {"migrate_seconds": round(migrated, 1)}


def verify(acks_path: Path) -> dict[str, Any]:
    """Every acknowledged write present; every row of the benchmark's sessions fully written."""
    from django.db import connection

    from taut.audit.models import AuditEntry
    from taut.charting.models import NeedlingEntry, TreatmentSession
    from taut.scheduling.models import Appointment

    acks = json.loads(acks_path.read_text())
    missing_entries = []
    for ack in acks.get("entries", []):
        found = NeedlingEntry.objects.filter(
            session__public_id=ack["session"],
            insertions=ack["insertions"],
            depth_mm=Decimal(ack["depth"]),
        ).exists()
        if not found:
            missing_entries.append(ack)
    booked = set(acks.get("appointments", []))
    present = {
        str(u)
        for u in Appointment.objects.filter(public_id__in=booked).values_list(
            "public_id", flat=True
        )
    }
    missing_appointments = sorted(booked - present)
    started = set(acks.get("sessions", []))
    sessions_present = {
        str(u)
        for u in TreatmentSession.objects.filter(public_id__in=started).values_list(
            "public_id", flat=True
        )
    }

    # Atomicity: each session has its CREATE audit entry; each entry its "added" audit entry.
    sessions = list(TreatmentSession.objects.values_list("public_id", flat=True))
    created_audits = set(
        AuditEntry.objects.filter(object_type="treatment_session", action="create").values_list(
            "object_id", flat=True
        )
    )
    sessions_without_audit = [str(s) for s in sessions if str(s) not in created_audits]
    entry_rows = NeedlingEntry.objects.count()
    entry_audits = sum(
        1
        for detail in AuditEntry.objects.filter(
            object_type="treatment_session", action="update"
        ).values_list("detail", flat=True)
        if isinstance(detail, dict) and "added" in detail
    )
    orphans = NeedlingEntry.objects.exclude(session__in=TreatmentSession.objects.all()).count()

    integrity = "n/a"
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            integrity = ", ".join(str(row[0]) for row in cursor.fetchall())
            cursor.execute("PRAGMA foreign_key_check")
            if cursor.fetchall():
                integrity += "; foreign key violations"

    from taut.audit.verification import audit_chain_verify

    chains = audit_chain_verify()
    broken = chains.first_break
    audit_report = f"{chains.entries_checked} entries intact"
    awaiting = getattr(chains, "awaiting_seal", None)  # the sealed log (not the old chain)
    if awaiting is not None:
        audit_report += f", {awaiting} awaiting the sealer, {len(chains.never_sealed)} never sealed"
    if broken is not None:
        audit_report = f"chain {broken.chain_key} broken at {broken.sequence}: {broken.reason}"

    baseline = acks.get("baseline", {"sessions": 0, "entries": 0})
    return {
        "unacknowledged_sessions": len(sessions) - baseline["sessions"] - len(started),
        "unacknowledged_entries": entry_rows - baseline["entries"] - len(acks.get("entries", [])),
        "acknowledged_entries": len(acks.get("entries", [])),
        "missing_entries": missing_entries,
        "acknowledged_appointments": len(booked),
        "missing_appointments": missing_appointments,
        "acknowledged_sessions": len(started),
        "missing_sessions": sorted(started - sessions_present),
        "sessions": len(sessions),
        "sessions_without_audit": sessions_without_audit,
        "entry_rows": entry_rows,
        "entry_audits": entry_audits,
        "orphan_entries": orphans,
        "integrity_check": integrity,
        "audit_verify_ok": chains.ok,
        "audit_verify": audit_report,
    }


def main(argv: list[str]) -> int:
    setup()
    command, out = argv[0], Path(argv[-1])
    if command == "prepare":
        answer = prepare(int(argv[1]))
    elif command == "verify":
        answer = verify(Path(argv[1]))
    elif command == "upgrade":
        answer = upgrade()
    else:
        raise SystemExit(f"unknown step {command}")
    out.write_text(json.dumps(answer, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
