"""The charting page for one user: median render time of an open session's page (goal < 40 ms).

    .venv/bin/python bench/bench_chart.py                          # this tree, SQLite
    .venv/bin/python bench/bench_chart.py --postgres postgres://postgres@127.0.0.1:5432
    CHART_BASELINE_SRC=../base/src .venv/bin/python bench/bench_chart.py --postgres ... --rounds 3

Each code gets its own database (<prefix>_chart_<label> on PostgreSQL, or var/bench/ for SQLite),
migrated by that code and seeded with the demo clinic, kept for the next run. The demo
clinician opens one treatment session through the charting service (the page then shows the
body chart, the muscle list and the session's entries). Per measurement: a fresh process signs in
with Django's test client (production settings, https as behind the proxy), fetches the page
--warm times, then --requests times, and reports the median and p90 of those, and the share of
the median spent outside the database (template rendering and Python). With CHART_BASELINE_SRC
(another checkout's src/) the baseline and this tree are measured alternately --rounds times.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
if "--one" in sys.argv:
    sys.path.insert(0, os.environ["BENCH_SRC"])

from _databases import database_url, ensure_postgres_database  # noqa: E402 - bench/ is on the path

GOAL_MS = 40.0


def one(requests: int, warm: int) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taut.clinic.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from taut.demo.seed import demo_exists

    call_command("migrate", verbosity=0)
    if not demo_exists():
        call_command("demo", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    session = _open_session()
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(get_user_model().objects.get(username="clinician"))
    url = reverse("charting:session", args=[session.patient.public_id, session.public_id])
    database_ms: list[float] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            database_ms[-1] += (time.perf_counter() - began) * 1000

    times = []
    with connection.execute_wrapper(timed):
        for n in range(warm + requests):
            database_ms.append(0.0)
            began = time.perf_counter()
            answer = client.get(url, secure=True)
            elapsed = (time.perf_counter() - began) * 1000
            if answer.status_code != 200:
                raise SystemExit(f"charting page: HTTP {answer.status_code}")
            if n >= warm:
                times.append(elapsed)
    database = statistics.median(database_ms[warm:])
    times.sort()
    return {
        "median": statistics.median(times),
        "p90": times[int(len(times) * 0.9) - 1],
        "database": database,
        "bytes": len(answer.content),
    }


def _open_session() -> Any:
    from django.utils import timezone

    from taut.charting.models import TreatmentSession
    from taut.charting.services import SessionRefused, session_start
    from taut.clinics.models import Clinic, Membership
    from taut.demo.seed import DEMO_SLUG
    from taut.patients.models import Patient

    clinic = Clinic.objects.get(slug=DEMO_SLUG)
    found = TreatmentSession.objects.for_clinic(clinic).filter(status="open").first()
    if found is not None:
        return found
    membership = Membership.objects.get(clinic=clinic, user__username="clinician")
    today = timezone.localdate(timezone=clinic.zone)
    for patient in Patient.objects.for_clinic(clinic).order_by("pk")[:40]:
        try:
            return session_start(request=None, membership=membership, patient=patient, today=today)
        except SessionRefused:
            continue
    raise SystemExit("no demo patient passes the gate")


def run(label: str, src: Path, args: argparse.Namespace) -> dict[str, Any]:
    url = database_url(f"chart_{label}", 0, args.postgres)
    if args.postgres:
        ensure_postgres_database(url)
    out = ROOT / "var" / "bench" / f"chart-{label}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "BENCH_SRC": str(src),
        "PYTHONPATH": str(src),
        "SECRET_KEY": "bench-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "TAUT_LOG_LEVEL": "ERROR",
        "TAUT_VAR_DIR": str(ROOT / "var" / "bench" / f"chart-{label}"),
    }
    env.pop("TAUT_TESTING", None)
    env.pop("TAUT_DEV", None)
    command = [sys.executable, __file__, "--one", "--out", str(out)]
    command += ["--requests", str(args.requests), "--warm", str(args.warm)]
    subprocess.run(command, env=env, check=True)  # noqa: S603
    result: dict[str, Any] = json.loads(out.read_text())
    out.unlink()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", default="", help="server URL; SQLite when empty")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        Path(args.out).write_text(json.dumps(one(args.requests, args.warm)))
        return 0
    baseline = os.environ.get("CHART_BASELINE_SRC", "")
    codes = [("base", Path(baseline).resolve())] if baseline else []
    codes.append(("tree", Path(os.environ.get("BENCH_SRC", str(ROOT / "src")))))
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"charting page, one user, {engine}; load average {_load()}", flush=True)
    medians: dict[str, list[float]] = {label: [] for label, _ in codes}
    for n in range(1, args.rounds + 1):
        for label, src in codes:
            r = run(label, src, args)
            medians[label].append(r["median"])
            outside = 1 - r["database"] / r["median"] if r["median"] else 0
            print(
                f"  round {n}, {label:<5} median {r['median']:6.1f} ms, p90 {r['p90']:6.1f} ms, "
                f"database {r['database']:5.1f} ms ({outside:.0%} outside it), "
                f"{r['bytes']:,} bytes; load average {_load()}",
                flush=True,
            )
    for label, values in medians.items():
        middle = statistics.median(values)
        verdict = "met" if middle < GOAL_MS else "NOT met"
        print(f"  {label}: median of the medians {middle:.1f} ms ({verdict}: < {GOAL_MS:g} ms)")
    if baseline:
        before, after = statistics.median(medians["base"]), statistics.median(medians["tree"])
        print(f"  base -> tree: {before:.1f} -> {after:.1f} ms ({before / after:.1f}x faster)")
    return 0


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
