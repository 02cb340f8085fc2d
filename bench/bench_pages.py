"""Page cost by clinic size: queries and database blocks per page, and time, at 1k and 1M sessions.

    .venv/bin/python bench/bench_pages.py --postgres postgres://postgres@127.0.0.1:5432
    .venv/bin/python bench/bench_pages.py --postgres ... --sizes 1000,1000000 --audit-per-session 10

Each size gets a PostgreSQL database <prefix>_pages_<n> (BENCH_DB_PREFIX, default taut_bench),
kept for the next run: migrated, seeded with the demo clinic, `taut demo --sessions <n>` (the
bulk seeder) and <n> x --audit-per-session audit entries of staff reading patient records over
the three years of the history. The audit entries are generated inside PostgreSQL
(generate_series, with each entry's content hash computed by SQL exactly as Taut computes it),
then sealed into the clinic's chain by this script and written with COPY, so that
`taut audit verify` holds on the seeded log. Ten million entries take minutes, not hours.

Per page (a whole request through Django's test client, signed in as the demo owner, or an API
token of the owner): the number of queries, the database blocks they touch (shared hit + read of
EXPLAIN (ANALYZE, BUFFERS) of each SELECT, run after the request), and the median time of
--rounds requests after a warm-up. Queries and blocks do not drift on a busy machine; times do.
The last column compares each size's blocks with the smallest size's (goal: within 1.5x).

`make bench` runs it at 1k only. With BENCH_BIG=1 (or --grow) the sizes default to 1k and 1M
and every size above 1k is grown inside PostgreSQL instead of by the bulk seeder (minutes, not
an hour): the database <prefix>_big gets the demo and 1,000 bulk sessions, then bench/_amplify.py
copies its per-patient rows until it holds the size (INSERT ... SELECT over generate_series), and
the audit entries are generated as above. Each page's costliest query (by blocks) and its plan
are written to var/bench/pages-<size>-plans.txt, to read why a page is not flat.
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
sys.path.insert(0, os.environ.get("BENCH_SRC", str(ROOT / "src")))

from _databases import (  # noqa: E402 - bench/ is on the path
    database_url,
    ensure_postgres_database,
    postgres_name,
)

ROUNDS = 5
BIG = os.environ.get("BENCH_BIG", "") == "1"
GROW_FROM = 1000  # sessions bulk-seeded before a grown database is copied up to its size
GOAL = 1.5
SKIP = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK", "INSERT", "UPDATE", "DELETE")


def seed(size: int, audit_per_session: int, grow: bool = False) -> str:
    from django.core.management import call_command
    from django.db import connection

    from taut.audit.models import AuditEntry
    from taut.charting.models import TreatmentSession
    from taut.clinics.models import Clinic
    from taut.demo.seed import DEMO_SLUG, demo_exists

    call_command("migrate", verbosity=0)
    if not demo_exists():
        call_command("demo", verbosity=0)
    clinic = Clinic.objects.get(slug=DEMO_SLUG)
    done = []
    have = TreatmentSession.objects.for_clinic(clinic).count()
    if have < size and grow:
        if have < GROW_FROM:
            call_command("demo", sessions=GROW_FROM - have, verbosity=0)
            have = TreatmentSession.objects.for_clinic(clinic).count()
        began = time.perf_counter()
        from _amplify import amplify

        amplify(os.environ["DATABASE_URL"], -(-size // have))
        grown = TreatmentSession.objects.for_clinic(clinic).count()
        done.append(f"grown by SQL to {grown:,} sessions in {time.perf_counter() - began:.0f} s")
    elif have < size:
        began = time.perf_counter()
        call_command("demo", sessions=size - have, verbosity=0)
        done.append(f"{size - have:,} sessions in {time.perf_counter() - began:.0f} s")
    wanted = size * audit_per_session
    entries = AuditEntry.objects.filter(clinic=clinic).count()
    if entries < wanted:
        began = time.perf_counter()
        seed_audit(clinic, wanted - entries)
        done.append(f"{wanted - entries:,} audit entries in {time.perf_counter() - began:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return "seeded " + ", ".join(done) if done else "reused"


AUDIT_SQL = """
WITH patients AS (  -- uuid[]: fixed-width elements, so ids[i] is a lookup, not a walk
  SELECT array_agg(public_id ORDER BY id) AS ids
    FROM patients_patient WHERE clinic_id = %(clinic)s
), staff AS (
  SELECT array_agg(u.id ORDER BY u.id) AS ids, array_agg(u.username ORDER BY u.id) AS names
    FROM accounts_user u JOIN clinics_membership m ON m.user_id = u.id
   WHERE m.clinic_id = %(clinic)s
)
INSERT INTO audit_auditentry (clinic_id, actor_id, actor_label, action, object_type, object_id,
                              at, ip_address, detail, content_hash)
SELECT %(clinic)s, actor, label, 'view', 'patient', patient, moment, '203.0.113.7',
       jsonb_build_object('patient', patient),
       encode(sha256(convert_to(format(
         '{"action":"view","actor":%%s,"actor_label":"%%s","at":"%%s","clinic":%%s,'
         '"detail":{"patient":"%%s"},"id":"%%s","ip":"203.0.113.7","type":"patient"}',
         actor, label, to_char(moment AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
         %(clinic)s, patient, patient), 'UTF8')), 'hex')
  FROM generate_series(%(first)s, %(last)s) AS g, patients, staff,
       LATERAL (SELECT date_trunc('second', now()) - interval '1095 days'
                       + (interval '1095 days' / %(total)s) * g AS moment,
                       patients.ids[1 + (g::bigint * 7919) %% cardinality(patients.ids)]::text
                         AS patient,
                       staff.ids[1 + g %% cardinality(staff.ids)] AS actor,
                       staff.names[1 + g %% cardinality(staff.ids)] AS label) AS row
"""
UNSEALED_SQL = """
SELECT e.id, e.content_hash FROM audit_auditentry e
 WHERE e.clinic_id = %s AND NOT EXISTS (SELECT 1 FROM audit_auditseal s WHERE s.entry_id = e.id)
 ORDER BY e.id
"""


def seed_audit(clinic: Any, count: int) -> None:
    """`count` entries made by SQL (their content hashes included), then sealed in id order and
    the seals written with COPY. The database's triggers (append-only guard, sealer queue) are
    off for these sessions only, as for any bulk load by the database's owner."""
    import psycopg
    from django.db import connection, transaction

    from taut.audit.chain import seal_hash
    from taut.audit.models import AuditChain
    from taut.audit.sealing import audit_seal_pending, chain_key_for

    audit_seal_pending()  # what the demo wrote, through the real sealer
    step = 1_000_000
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        for first in range(1, count + 1, step):
            last = min(first + step - 1, count)
            with transaction.atomic():
                cursor.execute(
                    AUDIT_SQL, {"clinic": clinic.pk, "first": first, "last": last, "total": count}
                )
            print(f"    {last:,} of {count:,} audit entries written", flush=True)
        cursor.execute("SET session_replication_role = origin")
    head, _ = AuditChain.objects.get_or_create(key=chain_key_for(clinic.pk))
    prev, sequence = head.last_hash, head.length
    now = time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime())
    url = os.environ["DATABASE_URL"]
    with psycopg.connect(url) as reader, psycopg.connect(url) as writer:
        writer.execute("SET session_replication_role = replica")
        unsealed = reader.cursor(name="unsealed")
        unsealed.itersize = 50_000
        unsealed.execute(UNSEALED_SQL, [clinic.pk])
        with writer.cursor().copy(
            "COPY audit_auditseal (chain_id, sequence, entry_id, hash, sealed_at) FROM STDIN"
        ) as copy:
            for entry_id, entry_hash in unsealed:
                sequence += 1
                prev = seal_hash(
                    prev_hash=prev, sequence=sequence, entry_id=entry_id, entry_hash=entry_hash
                )
                copy.write_row((head.pk, sequence, entry_id, prev, now))
        writer.execute(
            "UPDATE audit_auditchain SET length = %s, last_hash = %s WHERE id = %s",
            [sequence, prev, head.pk],
        )
    print(f"    sealed: the chain now holds {sequence:,} seals", flush=True)


def measure(
    size: int, rounds: int, audit_per_session: int, grow: bool = False
) -> list[dict[str, Any]]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taut.clinic.settings")
    django.setup()
    from django.conf import settings

    seeded = seed(size, audit_per_session, grow)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # production settings
    settings.TAUT_API_RATE_LIMIT = 10**9  # the benchmark's own token calls as fast as it can
    pages = _pages()
    print(f"  {size:,} sessions ({seeded})", flush=True)
    results = []
    plans = ROOT / "var" / "bench" / f"pages-{size}-plans.txt"
    plans.write_text("")
    from django.db import connection

    session_writes = []

    def count_session_writes(execute: Any, sql: str, *rest: Any) -> Any:
        if "django_session" in sql and sql.lstrip().upper().startswith(("UPDATE", "INSERT")):
            session_writes.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(count_session_writes):
        for label, fetch in pages:
            results.append(_page(label, fetch, rounds, plans))
    requests = len(pages) * (rounds + 2)
    print(f"    session row written {len(session_writes)} times in {requests} requests", flush=True)
    return results


def _page(label: str, fetch: Any, rounds: int, plans: Path) -> dict[str, Any]:
    fetch()
    queries, blocks = _explained(fetch, label, plans)
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        fetch()
        times.append((time.perf_counter() - began) * 1000)
    row = {"page": label, "queries": queries, "blocks": blocks, "ms": statistics.median(times)}
    print(
        f"    {label:<42}{queries:>4} queries {blocks:>7} blocks {row['ms']:>8.1f} ms", flush=True
    )
    return row


def _explained(fetch: Any, label: str, plans: Path) -> tuple[int, int]:
    from django.db import connection

    seen: list[tuple[str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = fetch()
    assert response.status_code == 200, response.status_code
    blocks = 0
    costliest: tuple[int, str, Any] = (-1, "", None)
    with connection.cursor() as cursor:
        for sql, params in seen:
            if sql.lstrip().upper().startswith(SKIP):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            top = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
            touched = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
            blocks += touched
            if touched > costliest[0]:
                costliest = (touched, sql, params)
        if costliest[1]:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + costliest[1], costliest[2])
            plan_text = "\n".join(row[0] for row in cursor.fetchall())
            with plans.open("a") as out:
                out.write(f"== {label}: {costliest[0]} blocks\n{costliest[1]}\n{plan_text}\n\n")
    return len(seen), blocks


def _open_session(clinic: Any) -> Any:
    """An open treatment session of a demo patient (started once, through the charting service)."""
    from django.utils import timezone

    from taut.charting.models import TreatmentSession
    from taut.charting.services import SessionRefused, session_start
    from taut.clinics.models import Membership
    from taut.patients.models import Patient

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
    return None


def _pages() -> list[tuple[str, Any]]:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from taut.api.services import token_create
    from taut.audit.models import AuditEntry
    from taut.charting.models import TreatmentSession
    from taut.clinics.models import Clinic, Membership
    from taut.demo.seed import DEMO_SLUG
    from taut.keyset import encode
    from taut.patients.models import Patient

    clinic = Clinic.objects.get(slug=DEMO_SLUG)
    owner = get_user_model().objects.get(username="owner")
    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(owner)
    _, secret = token_create(
        request=None,
        membership=Membership.objects.get(user=owner, clinic=clinic),
        name="bench",
        scope="read",
        lifetime_days=None,
    )
    api = {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_X_FORWARDED_PROTO": "https"}
    # A demo patient (the same at every size) and an entry half-way down the audit log.
    patient = Patient.objects.for_clinic(clinic).order_by("pk").first()
    assert patient is not None
    entries = AuditEntry.objects.filter(clinic=clinic)
    middle = entries.order_by("at", "pk")[entries.count() // 2]
    open_session = _open_session(clinic)
    sessions = TreatmentSession.objects.for_clinic(clinic).order_by("-started_at", "-pk")
    deep_session = sessions[sessions.count() // 2]
    today = timezone.localdate(timezone=clinic.zone)

    def get(url: str, **query: Any) -> Any:
        return lambda: client.get(url, query, secure=True)

    def api_get(url: str, **query: Any) -> Any:
        return lambda: client.get(url, query, secure=True, **api)

    pages = [
        ("audit log, newest page", get(reverse("audit:log"))),
        (
            "audit log, a page half-way back",
            get(reverse("audit:log"), older=encode([middle.at, middle.pk])),
        ),
        ("patient search, one family name", get(reverse("patients:list"), q=patient.family_name)),
        ("patient search, 3-letter prefix", get(reverse("patients:list"), q="mar")),
        ("patient search, phone ends with", get(reverse("patients:list"), q=patient.phone[-4:])),
        ("patient record", get(reverse("patients:detail", args=[patient.public_id]))),
        ("dashboard, last 12 months", get(reverse("outcomes:dashboard"))),
        (
            "dashboard, all 3 years",
            get(
                reverse("outcomes:dashboard"),
                start=f"{today.year - 4}-01-01",
                end=today.isoformat(),
            ),
        ),
        ("API patients, first page", api_get("/api/v1/patients")),
        ("API sessions, first page", api_get("/api/v1/sessions")),
        (
            "API sessions, a page half-way back",
            api_get(
                "/api/v1/sessions",
                cursor=encode([0, encode([deep_session.started_at, deep_session.pk])]),
            ),
        ),
        ("API appointments, first page", api_get("/api/v1/appointments")),
        ("API measures, first page", api_get("/api/v1/measures")),
        ("API adverse events, first page", api_get("/api/v1/adverse-events")),
        ("API consents, first page", api_get("/api/v1/consents")),
    ]
    if open_session is not None:
        chart = reverse(
            "charting:session", args=[open_session.patient.public_id, open_session.public_id]
        )
        pages.append(("charting page", get(chart)))
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,1000000" if BIG else "1000",
        help="comma-separated session counts (default 1000; 1000,1000000 with BENCH_BIG=1)",
    )
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--grow",
        action="store_true",
        default=BIG,
        help="grow sizes above 1k by SQL copies (bench/_amplify.py) in the <prefix>_big database",
    )
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--audit-per-session", type=int, default=10)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        rows = measure(args.one, args.rounds, args.audit_per_session, args.grow)
        Path(args.out).write_text(json.dumps(rows))
        return 0
    sizes = [int(size) for size in args.sizes.split(",")]
    if not _reachable(args.postgres):
        print(f"page cost: PostgreSQL is not reachable at {args.postgres}; skipped", flush=True)
        return 0
    print(f"page cost by clinic size (PostgreSQL), load average {_load()}", flush=True)
    measured: dict[int, list[dict[str, Any]]] = {}
    for size in sizes:
        url = database_url("pages", size, args.postgres)
        if args.grow and size > GROW_FROM:
            url = f"{args.postgres.rstrip('/')}/{postgres_name('big')}"
        ensure_postgres_database(url)
        out = ROOT / "var" / "bench" / f"pages-{size}.json"
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-" + "k" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "TAUT_LOG_LEVEL": "ERROR",
            "TAUT_VAR_DIR": str(ROOT / "var" / "bench" / "pages"),
        }
        command = [sys.executable, __file__, "--one", str(size), "--out", str(out)]
        command += ["--grow"] if args.grow else []
        command += [
            "--rounds",
            str(args.rounds),
            "--audit-per-session",
            str(args.audit_per_session),
        ]
        if subprocess.run(command, env=env, check=False).returncode:  # noqa: S603
            return 1
        measured[size] = json.loads(out.read_text())
        out.unlink()
    _table(sizes, measured)
    print(f"  load average at the end: {_load()}", flush=True)
    return 0


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _reachable(server: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(f"{server.rstrip('/')}/postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        return False


def _table(sizes: list[int], measured: dict[int, list[dict[str, Any]]]) -> None:
    smallest, rest = sizes[0], sizes[1:]
    print(f"\n  {'page':<42}" + "".join(f"{f'{s:,}':>24}" for s in sizes) + "   blocks vs smallest")
    for i, row in enumerate(measured[smallest]):
        cells = []
        for size in sizes:
            other = measured[size][i]
            cells.append(f"{other['queries']:>4} q {other['blocks']:>6} b {other['ms']:>6.0f} ms")
        growth = [measured[s][i]["blocks"] / max(row["blocks"], 1) for s in rest]
        ratios = ", ".join(f"{g:.2f}x" for g in growth)
        verdict = ("  flat" if all(g <= GOAL for g in growth) else "  NOT flat") if rest else ""
        print(f"  {row['page']:<42}" + "".join(f"{c:>24}" for c in cells) + f"   {ratios}{verdict}")


if __name__ == "__main__":
    sys.exit(main())
