"""FHIR bulk export throughput: resources written per second over the demo clinic at 1k-1M sessions.

    .venv/bin/python bench/bench_fhir_export.py                     # SQLite, 1k and 100k sessions
    .venv/bin/python bench/bench_fhir_export.py --sizes 1000000
    .venv/bin/python bench/bench_fhir_export.py --postgres postgres://postgres@127.0.0.1:5432
    .venv/bin/python bench/bench_fhir_export.py --sizes 1000000 --sample-seconds 300

Each size gets its own database (SQLite: var/bench/fhir-<n>.sqlite3; PostgreSQL: database
taut_bench_fhir_<n>), migrated, seeded with the demo clinic and `taut demo --sessions <n>` (the bulk
seeder), and kept for the next run. The measured work is exactly the background task's: an
ExportJob run by `export_run` (bulk queries, mapping to FHIR, JSON, NDJSON files with checksums)
in one process, so one core. It prints wall and CPU time and resources per second of each; the
goal is at least 5,000 resources/s per core. Every 500th resource is validated with fhir.resources
afterwards as a spot check (validation is not part of the export's own work).

`--sample-seconds S` measures the same pipeline (clinic_resources into the NDJSON writer) over the
whole clinic but stops after S seconds of wall time: the throughput of the first part of a large
export, for when the full run would take longer than one has.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from _databases import database_url, ensure_postgres_database  # noqa: E402 - bench/ is on the path

GOAL_PER_SECOND = 5_000
SPOT_CHECK_EVERY = 500


def measure_sample(clinic: object, seconds: float) -> None:
    from taut.interop.fhir.bulk import NdjsonWriter
    from taut.interop.fhir.collect import clinic_resources

    with tempfile.TemporaryDirectory() as scratch:
        writer = NdjsonWriter(Path(scratch))
        began_wall, began_cpu = time.perf_counter(), time.process_time()
        written = 0
        for resource in clinic_resources(clinic):  # type: ignore[arg-type]
            writer.write(resource)
            written += 1
            if written % 1000 == 0 and time.perf_counter() - began_wall > seconds:
                break
        files = writer.close()
        wall, cpu = time.perf_counter() - began_wall, time.process_time() - began_cpu
    counts = ", ".join(f"{e['type']} {e['count']:,}" for e in files)
    print(f"    sample of {seconds:.0f} s: {written:,} resources ({counts})")
    print(
        f"    wall {wall:.1f} s = {written / wall:,.0f} resources/s; CPU {cpu:.1f} s = "
        f"{written / cpu:,.0f} resources/s per core"
    )


def measure_one(size: int, sample_seconds: float | None = None) -> None:
    """Runs in a child process whose DATABASE_URL names this size's database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taut.clinic.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from fhir.resources.R4B import get_fhir_model_class

    from taut.charting.models import TreatmentSession
    from taut.clinics.models import Clinic, Membership
    from taut.demo.seed import DEMO_SLUG, demo_exists
    from taut.interop.fhir.bulk import export_directory, export_request, export_run

    call_command("migrate", verbosity=0)
    if not demo_exists():
        call_command("demo", verbosity=0)
    clinic = Clinic.objects.get(slug=DEMO_SLUG)
    have = TreatmentSession.objects.for_clinic(clinic).count()
    if have < size:
        began = time.perf_counter()
        call_command("demo", sessions=size - have)
        seeded = f"seeded {size - have:,} sessions in {time.perf_counter() - began:.0f} s"
    else:
        seeded = "reused"
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = TreatmentSession.objects.for_clinic(clinic).count()
    if sample_seconds:
        print(f"  {connection.vendor}, {total:,} sessions ({seeded})")
        measure_sample(clinic, sample_seconds)
        return
    owner = Membership.objects.get(clinic=clinic, user__username="owner")
    job = export_request(request=None, membership=owner, request_url="bench", types=[])
    began_wall, began_cpu = time.perf_counter(), time.process_time()
    export_run(job)
    wall, cpu = time.perf_counter() - began_wall, time.process_time() - began_cpu
    size_bytes = sum(path.stat().st_size for path in export_directory(job).iterdir())
    checked = 0
    for entry in job.files:
        with (export_directory(job) / entry["file"]).open() as handle:
            for number, line in enumerate(handle):
                if number % SPOT_CHECK_EVERY == 0:
                    resource = json.loads(line)
                    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
                    checked += 1
    per_wall, per_cpu = job.resource_count / wall, job.resource_count / cpu
    verdict = "meets" if per_cpu >= GOAL_PER_SECOND else "misses"
    print(f"  {connection.vendor}, {total:,} sessions ({seeded})")
    counts = ", ".join(f"{e['type']} {e['count']:,}" for e in job.files)
    print(f"    resources {job.resource_count:,}: {counts}")
    print(f"    NDJSON {size_bytes / 1e6:,.1f} MB; {checked:,} spot-checked resources validate")
    print(
        f"    wall {wall:.1f} s = {per_wall:,.0f} resources/s; CPU {cpu:.1f} s = {per_cpu:,.0f}"
        f" resources/s per core ({verdict} the {GOAL_PER_SECOND:,}/s goal)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="comma-separated session counts")
    parser.add_argument("--postgres", help="a PostgreSQL server URL, e.g. postgres://u@host:5432")
    parser.add_argument("--sample-seconds", type=float, help="stop each export after this long")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        measure_one(args.one, args.sample_seconds)
        return 0
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"FHIR bulk export by clinic size ({'PostgreSQL' if args.postgres else 'SQLite'})")
    for size in sizes:
        url = database_url("fhir", size, args.postgres)
        if args.postgres:
            ensure_postgres_database(url)
        with tempfile.TemporaryDirectory() as scratch:
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "TAUT_DEV": "1",
                "TAUT_VAR_DIR": scratch,
                "TAUT_DEMO_PASSWORD": "bench-password-1",
            }
            command = [sys.executable, __file__, "--one", str(size)]
            if args.sample_seconds:
                command += ["--sample-seconds", str(args.sample_seconds)]
            done = subprocess.run(command, env=env, check=False)
        if done.returncode:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
