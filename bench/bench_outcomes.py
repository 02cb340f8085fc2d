"""Outcomes benchmark: the clinic dashboard and one patient's outcomes page at 1k-1M sessions.

    .venv/bin/python bench/bench_outcomes.py                      # SQLite, 1k and 100k sessions
    .venv/bin/python bench/bench_outcomes.py --sizes 1000,100000,1000000
    .venv/bin/python bench/bench_outcomes.py --postgres postgres://postgres@127.0.0.1:5432

Each size gets its own database (SQLite: var/bench/outcomes-<n>.sqlite3; PostgreSQL: database
taut_bench_outcomes_<n>), migrated, seeded with the demo clinic and `taut demo --sessions <n>`
(the bulk seeder), and kept for the next run (a database with the right count is reused).
Timings are whole requests through Django's test client (middleware, view, queries, template),
signed in as the demo owner: the median of 5 (--rounds) after one warm-up. Goals: the dashboard
over 1M sessions within 1 s on PostgreSQL; the patient page no slower at 1M than at 1k.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from _databases import database_url, ensure_postgres_database  # noqa: E402 - bench/ is on the path

ROUNDS = 5
GOAL_DASHBOARD_SECONDS = 1.0


def measure_one(size: int, rounds: int = ROUNDS) -> None:
    """Runs in a child process whose DATABASE_URL names this size's database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taut.clinic.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from taut.charting.models import TreatmentSession
    from taut.clinics.models import Clinic
    from taut.demo.seed import DEMO_SLUG, demo_exists

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
        cursor.execute("ANALYZE")  # fresh statistics after the bulk load, as autovacuum would
    total = TreatmentSession.objects.for_clinic(clinic).count()
    client = Client()
    client.force_login(get_user_model().objects.get(username="owner"))
    # The demo's own patient with a six-session course; its page must not grow with the clinic.
    patient = (
        TreatmentSession.objects.for_clinic(clinic)
        .filter(subjective__startswith="Session 6")
        .values_list("patient__public_id", flat=True)
        .first()
    )
    today = timezone.localdate(timezone=clinic.zone)
    pages = {
        "dashboard, last 12 months": (reverse("outcomes:dashboard"), {}),
        "dashboard, all 3 years": (
            reverse("outcomes:dashboard"),
            {"start": f"{today.year - 4}-01-01", "end": today.isoformat()},
        ),
        "dashboard CSV (outcomes by condition)": (
            reverse("outcomes:dashboard_csv", kwargs={"table": "conditions"}),
            {},
        ),
        "patient outcomes page": (
            reverse("outcomes:patient", kwargs={"patient_id": patient}),
            {},
        ),
    }
    print(f"  {connection.vendor}, {total:,} sessions ({seeded})")
    for label, (url, query) in pages.items():
        times = []
        for round_ in range(rounds + 1):
            began = time.perf_counter()
            response = client.get(url, query)
            elapsed = time.perf_counter() - began
            assert response.status_code == 200, (url, response.status_code)
            if round_:
                times.append(elapsed)
        median = statistics.median(times)
        verdict = ""
        if (
            label.startswith("dashboard, all")
            and connection.vendor == "postgresql"
            and size >= 10**6
        ):
            ok = median <= GOAL_DASHBOARD_SECONDS
            verdict = f"  ({'meets' if ok else 'misses'} the {GOAL_DASHBOARD_SECONDS:.0f} s goal)"
        fastest = min(times) * 1000
        print(f"    {label:<40} median {median * 1000:8.1f} ms  (min {fastest:.1f}){verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="comma-separated session counts")
    parser.add_argument("--postgres", help="a PostgreSQL server URL, e.g. postgres://u@host:5432")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="timed requests per page")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        measure_one(args.one, args.rounds)
        return 0
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"outcomes pages by clinic size ({'PostgreSQL' if args.postgres else 'SQLite'})")
    for size in sizes:
        url = database_url("outcomes", size, args.postgres)
        if args.postgres:
            ensure_postgres_database(url)
        env = {**os.environ, "DATABASE_URL": url, "TAUT_DEV": "1"}
        result = subprocess.run(  # noqa: S603 - this script, with a number
            [sys.executable, __file__, "--one", str(size), "--rounds", str(args.rounds)],
            env=env,
            check=False,
        )
        if result.returncode:
            return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
