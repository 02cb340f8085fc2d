"""Load benchmark: Taut under gunicorn (2 workers) on SQLite and PostgreSQL, driven by locust.

    .venv/bin/python bench/bench_load.py                       # 20 users for 60 s, both engines
    LOAD_USERS=20,50 LOAD_SECONDS=60 .venv/bin/python bench/bench_load.py
    LOAD_SECONDS=15 LOAD_ENGINES=sqlite .venv/bin/python bench/bench_load.py   # a quick check
    LOAD_BASELINE_SRC=../taut-main/src LOAD_HISTORIES=1000,100000 LOAD_WAIT=0 \
        LOAD_ENGINES=postgres .venv/bin/python bench/bench_load.py   # before/after, no think time
    LOAD_BASELINE_SRC=... LOAD_ROUNDS=3 LOAD_FIRST=after ...   # alternated pairs, this tree first

For each engine and history size: a seed database (SQLite under var/bench/; PostgreSQL
<prefix>_load_<N>_seed on BENCH_POSTGRES, default postgres://postgres@127.0.0.1:5432; the prefix
is BENCH_DB_PREFIX, default taut_bench), migrated, seeded with `taut demo` plus N bulk signed
sessions (LOAD_HISTORIES, default 0), static files collected and one open treatment session per
user started through the charting service. The seed is kept and reused while its code and size
match (LOAD_REUSE=0 seeds afresh). Each run works on a copy of it, migrated to the code under test.

With LOAD_BASELINE_SRC (the src/ folder of another checkout, e.g. the main branch), the seed is
made with that older code and every size is measured twice in the same run, "before" (the
baseline's code) and then "after" (this tree's code, its migrations applied to a copy of the same
seed), and a table sets them side by side.

Per run: the production server (gunicorn with 2 workers and `taut worker`, production settings)
and locust headless on loopback with mixed traffic (bench/load/locustfile.py): patient search,
patient record, open chart, add a needling entry, find free times + book, and /healthz (the
framework floor) in the same mix. LOAD_WAIT is the think time ("0.5-1.5" s by default, "0" for
none, which measures throughput).

Printed per page: requests, errors, p50/p95/p99 in ms and p95 as a multiple of the floor's p95;
beside them the page's median for one user alone (ten requests before the run: the service time
without queueing) and that as a multiple of the floor alone.
Goal: p95 of each key page <= 3x the floor at 20 users; 0 errors; 0 lost writes. Afterwards every
write the server acknowledged is looked up in the database. Exits non-zero on errors or lost
writes (the latency goal is reported, not enforced: the machine is shared and noisy).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent / "load"))
import harness  # noqa: E402
from _databases import ROOT, postgres_name  # noqa: E402 - bench/ is on the path

SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
USERS = [int(u) for u in os.environ.get("LOAD_USERS", "20").split(",")]
ENGINES = os.environ.get("LOAD_ENGINES", "sqlite,postgres").split(",")
FLOOR = "floor /healthz"
KEY_PAGES = [
    "search patients",
    "patient record",
    "open chart",
    "add needling entry",
    "find free times",
    "book appointment",
]
GOAL_RATIO = 3.0
HISTORIES = [
    int(h) for h in os.environ.get("LOAD_HISTORIES", os.environ.get("LOAD_HISTORY", "0")).split(",")
]
BASELINE = os.environ.get("LOAD_BASELINE_SRC", "")
# With a baseline: how many before/after pairs, alternated (before, after, before, after...), so
# a shared machine's drift falls on both sides alike.
ROUNDS = int(os.environ.get("LOAD_ROUNDS", "1"))
FIRST = os.environ.get("LOAD_FIRST", "before")
REUSE = os.environ.get("LOAD_REUSE", "1") != "0"


def run_locust(
    server: harness.Server, users: int, fixture: Path, run_dir: Path
) -> tuple[Path, dict[str, float]]:
    prefix = run_dir / f"locust-{users}"
    acks = run_dir / f"acks-{users}.jsonl"
    env = {
        **os.environ,
        "LOAD_FIXTURE": str(fixture),
        "LOAD_ACKS": str(acks),
        "LOAD_KEY_OFFSET": str(USERS.index(users) * 100_000),
    }
    command = [
        str(harness.BIN / "locust"),
        "-f",
        str(harness.ROOT / "bench" / "load" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{SECONDS}s",
        "--host",
        server.base,
        "--csv",
        str(prefix),
        "--only-summary",
        "--stop-timeout",
        "10",
        "--loglevel",
        "WARNING",
    ]
    log = (run_dir / f"locust-{users}.log").open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log)  # noqa: S603
    meter = harness.CpuMeter(server)
    meter.start()
    client_began = client = harness.process_cpu_seconds(process.pid)
    began = time.monotonic()
    while process.poll() is None:
        time.sleep(1)
        client = max(client, harness.process_cpu_seconds(process.pid))  # 0 once it has exited
        if round(time.monotonic() - began) % 5 == 0:
            done = _aggregated(Path(f"{prefix}_stats_history.csv"))
            harness.say(f"    {time.monotonic() - began:4.0f} s  {done}")
    meter.stop()
    meter.used["load client"] = client - client_began
    if process.returncode not in (0, 1):  # locust exits 1 when any request failed
        raise RuntimeError(f"locust exited {process.returncode}: see {run_dir}")
    return prefix, meter.used


def sign_in_users(server: harness.Server, users: int) -> list[dict[str, str]]:
    """One signed-in browser session per user: its cookies, for the locust users to carry."""
    logins = []
    for _ in range(users):
        http = harness.signed_in_session(server.base)
        logins.append({c.name: c.value or "" for c in http.cookies})
    return logins


def measure_solo(
    server: harness.Server, fixture: dict[str, Any], acks: Path, key_offset: int
) -> dict[str, float]:
    """Median ms of each page for one user alone, ten requests each: the service time without
    queueing, to set beside the loaded figures."""
    http = harness.signed_in_session(server.base)
    s = fixture["sessions"][0]
    pages = {
        "search patients": lambda i: http.get(
            f"{server.base}/patients/?q={fixture['search'][i % len(fixture['search'])]}"
        ),
        "patient record": lambda i: http.get(
            f"{server.base}/patients/{fixture['patients'][i % len(fixture['patients'])]}/"
        ),
        "open chart": lambda i: http.get(
            f"{server.base}/chart/{s['patient']}/sessions/{s['session']}/"
        ),
        "find free times": lambda i: http.get(
            f"{server.base}/schedule/book/{fixture['patients'][i]}/?appointment_type="
            f"{fixture['appointment_types'][0]}&practitioner=&day={fixture['today']}"
        ),
        FLOOR: lambda i: http.get(f"{server.base}/healthz"),
    }
    solo: dict[str, float] = {}
    for name, fetch in pages.items():
        times = []
        for i in range(11):
            began = time.perf_counter()
            answer = fetch(i)
            if answer.status_code != 200:
                raise RuntimeError(f"{name}: HTTP {answer.status_code}")
            times.append(time.perf_counter() - began)
        solo[name] = statistics.median(times[1:]) * 1000
    times = []
    with acks.open("a") as log:
        for i in range(11):
            key = key_offset + i
            data = harness.entry_form(lot=fixture["lots"][0], muscle="upper_trapezius", key=key)
            data["csrfmiddlewaretoken"] = harness.csrf_token(http)
            began = time.perf_counter()
            answer = http.post(
                f"{server.base}/chart/{s['patient']}/sessions/{s['session']}/entries/",
                data=data,
                headers={"HX-Request": "true"},
            )
            times.append(time.perf_counter() - began)
            insertions, depth = harness.entry_key(key)
            if answer.status_code == 200 and f"{depth} mm, {insertions} ×" in answer.text:
                record = {"session": s["session"], "insertions": insertions, "depth": depth}
                log.write(json.dumps({"kind": "entry", **record}) + "\n")
    solo["add needling entry"] = statistics.median(times[1:]) * 1000
    return solo


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _aggregated(history: Path) -> str:
    try:
        rows = list(csv.DictReader(history.open()))
    except OSError:
        return "starting"
    last = [r for r in rows if r["Name"] == "Aggregated"]
    if not last:
        return "starting"
    row = last[-1]
    return (
        f"{row['Total Request Count']} requests, {row['Total Failure Count']} errors, "
        f"{float(row['Requests/s']):.1f} req/s, {row['User Count']} users"
    )


def read_stats(prefix: Path) -> dict[str, dict[str, float]]:
    stats: dict[str, dict[str, float]] = {}
    with Path(f"{prefix}_stats.csv").open() as handle:
        for row in csv.DictReader(handle):
            stats[row["Name"]] = {
                "requests": float(row["Request Count"]),
                "errors": float(row["Failure Count"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
                "rps": float(row["Requests/s"] or 0),
            }
    return stats


def read_acks(path: Path) -> dict[str, list[Any]]:
    acks: dict[str, list[Any]] = {"entries": [], "appointments": []}
    if path.exists():
        for line in path.read_text().splitlines():
            record = json.loads(line)
            if record["kind"] == "entry":
                acks["entries"].append(record)
            else:
                acks["appointments"].append(record["id"])
    return acks


def report(
    engine: str, users: int, stats: dict[str, dict[str, float]], solo: dict[str, float]
) -> list[str]:
    floor = stats.get(FLOOR, {}).get("p95", 0) or 1.0
    solo_floor = solo.get(FLOOR, 0) or 1.0
    lines = [
        f"  {engine}, {users} users, {SECONDS} s, "
        f"{stats.get('Aggregated', {}).get('rps', 0):.1f} requests/s",
        f"  {'page':<22}{'requests':>9}{'errors':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
        f"{'p95/floor':>10}   {'alone ms':>8}{'/floor':>7}",
    ]
    problems = []
    for name in [*KEY_PAGES, FLOOR, "Aggregated"]:
        row = stats.get(name)
        if row is None:
            continue
        ratio = row["p95"] / floor
        mark = ""
        if name in KEY_PAGES and users == USERS[0]:
            mark = " ok" if ratio <= GOAL_RATIO else " over"
            if ratio > GOAL_RATIO:
                problems.append(name)
        alone = f"{solo[name]:>8.0f}{solo[name] / solo_floor:>6.1f}x" if name in solo else ""
        lines.append(
            f"  {name:<22}{row['requests']:>9.0f}{row['errors']:>7.0f}{row['p50']:>8.0f}"
            f"{row['p95']:>8.0f}{row['p99']:>8.0f}{ratio:>9.1f}x{mark:<5}{alone}"
        )
    if users == USERS[0]:
        verdict = "met" if not problems else "not met for " + ", ".join(problems)
        lines.append(f"  latency goal (p95 <= {GOAL_RATIO:g}x floor at {users} users): {verdict}")
    return lines


def variants() -> list[tuple[str, Path]]:
    """(label, src) of each code to measure: the baseline first, then this tree, ROUNDS times."""
    if BASELINE:
        pair = [("before", Path(BASELINE).resolve()), ("after", harness.SRC)]
        if FIRST == "after":  # each pair starts with this tree: a drifting load favours neither
            pair.reverse()
        return [
            (f"{label}{n}" if ROUNDS > 1 else label, src)
            for n in range(1, ROUNDS + 1)
            for label, src in pair
        ]
    return [("", harness.SRC)]


def seed(engine: str, history: int, src: Path) -> tuple[harness.Target, dict[str, Any]]:
    """The prepared database for this engine and size, made with `src`; reused when it exists."""
    name = postgres_name("load", history) + "_seed"
    folder = ROOT / "var" / "bench" / f"load-{engine}-{history}"
    record = folder / "fixture.json"
    if engine == "postgres":
        target = harness.Target(engine, folder, f"{harness.PG_SERVER}/{name}", name, src)
    else:
        target = harness.Target(engine, folder, src=src)
    if REUSE and record.exists():
        kept = json.loads(record.read_text())
        present = (
            harness.postgres_exists(name) if engine == "postgres" else target.sqlite_path.exists()
        )
        if kept["src"] == str(src) and present:
            harness.say(f"    reusing the seed {name if engine == 'postgres' else folder}")
            return target, kept["fixture"]
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    if engine == "postgres":
        harness.fresh_postgres(name)
    began = time.monotonic()
    fixture = harness.django_side(target, "prepare", str(max(USERS)), LOAD_HISTORY=str(history))
    record.write_text(json.dumps({"src": str(src), "fixture": fixture}))
    harness.say(
        f"    seeded in {time.monotonic() - began:.0f} s: {history} bulk sessions, "
        f"{len(fixture['sessions'])} open sessions, {len(fixture['patients'])} patients"
    )
    return target, fixture


def bench_run(
    engine: str,
    history: int,
    label: str,
    src: Path,
    seeded: harness.Target,
    fixture: dict[str, Any],
) -> tuple[bool, dict[int, dict[str, dict[str, float]]]]:
    """One code on a fresh copy of the seed, for each user count: healthy?, stats per count."""
    name = postgres_name("load", history) + (f"_{label}" if label else "_run")
    target = harness.clone_target(seeded, engine, name, src)
    healthy = True
    results: dict[int, dict[str, dict[str, float]]] = {}
    try:
        upgraded = harness.django_side(target, "upgrade")
        harness.say(f"    copied the seed and migrated it in {upgraded['migrate_seconds']} s")
        fixture_path = target.var_dir / "fixture.json"
        fixture_data = dict(fixture)
        for users in USERS:
            server = harness.Server(target)
            harness.say(
                f"==> {engine}, {history} sessions{', ' + label if label else ''}: "
                f"gunicorn (2 workers) on {server.base}; {users} users"
            )
            server.start()
            try:
                signing_in = time.monotonic()
                fixture_data["logins"] = sign_in_users(server, users)
                fixture_path.write_text(json.dumps(fixture_data))
                harness.say(
                    f"    {users} users signed in through the login form in "
                    f"{time.monotonic() - signing_in:.1f} s (before the measured run)"
                )
                solo = measure_solo(
                    server,
                    fixture_data,
                    target.var_dir / f"acks-{users}.jsonl",
                    USERS.index(users) * 100_000 + 90_000,
                )
                harness.say(f"    load average before the run: {_load()}")
                prefix, cpu = run_locust(server, users, fixture_path, target.var_dir)
                harness.say(f"    load average after the run: {_load()}")
            finally:
                server.stop()
            stats = read_stats(prefix)
            requests = stats.get("Aggregated", {}).get("requests", 0) or 1
            for part, seconds in cpu.items():
                stats.setdefault("cpu", {})[part] = seconds * 1000 / requests
            harness.say(
                "  CPU per request: "
                + ", ".join(f"{part} {ms:.1f} ms" for part, ms in stats.get("cpu", {}).items())
            )
            results[users] = stats
            healthy = check_writes(engine, users, target, stats, solo) and healthy
    finally:
        if target.pg_name:
            harness.drop_postgres(target.pg_name)
    return healthy, results


def check_writes(
    engine: str,
    users: int,
    target: harness.Target,
    stats: dict[str, dict[str, float]],
    solo: dict[str, float],
) -> bool:
    outcomes_path = target.var_dir / f"acks-{users}.jsonl.outcomes"
    outcomes = json.loads(outcomes_path.read_text()) if outcomes_path.exists() else {}
    acks = read_acks(target.var_dir / f"acks-{users}.jsonl")
    acks_file = target.var_dir / f"acks-{users}.json"
    acks_file.write_text(json.dumps(acks))
    check = harness.django_side(target, "verify", str(acks_file))
    for line in report(engine, users, stats, solo):
        harness.say(line)
    lost = len(check["missing_entries"]) + len(check["missing_appointments"])
    harness.say(
        f"  writes: {check['acknowledged_entries']} needling entries acknowledged "
        f"({outcomes.get('entries_refused', 0)} refused by the safety rules), "
        f"{check['acknowledged_appointments']} bookings acknowledged, "
        f"{outcomes.get('refused', 0)} bookings refused (slot taken); "
        f"lost: {lost}; audit log: {check['audit_verify']}"
    )
    errors = stats.get("Aggregated", {}).get("errors", 0)
    if errors or lost or not check["audit_verify_ok"]:
        harness.say(f"  FAILED: {errors:.0f} errors, {lost} lost writes; logs in {target.var_dir}")
        return False
    return True


def side_by_side(
    title: str, before: dict[str, dict[str, float]], after: dict[str, dict[str, float]]
) -> list[str]:
    def rps(stats: dict[str, dict[str, float]]) -> float:
        return stats.get("Aggregated", {}).get("rps", 0.0)

    def cpu(stats: dict[str, dict[str, float]]) -> float:
        return sum(ms for part, ms in stats.get("cpu", {}).items() if part != "load client")

    gain = rps(after) / rps(before) if rps(before) else 0.0
    lines = [
        f"  {title}: {rps(before):.1f} -> {rps(after):.1f} requests/s ({gain:.1f}x)",
        f"  CPU per request (server and database): {cpu(before):.1f} -> {cpu(after):.1f} ms "
        f"({cpu(before) / cpu(after) if cpu(after) else 0:.1f}x less)",
        f"  {'page':<22}{'before p50/p95 ms':>20}{'after p50/p95 ms':>20}",
    ]
    for name in [*KEY_PAGES, FLOOR, "Aggregated"]:
        old, new = before.get(name), after.get(name)
        if old is None or new is None:
            continue
        was, now = f"{old['p50']:.0f} / {old['p95']:.0f}", f"{new['p50']:.0f} / {new['p95']:.0f}"
        lines.append(f"  {name:<22}{was:>20}{now:>20}")
    return lines


def overall(
    engine: str, history: int, users: int, measured: dict[str, dict[int, dict[str, Any]]]
) -> list[str]:
    """The rounds together: each side's requests/s per round, their means and the ratio."""
    sides: dict[str, list[float]] = {"before": [], "after": []}
    for label, stats in measured.items():
        side = label.rstrip("0123456789")
        sides[side].append(stats[users].get("Aggregated", {}).get("rps", 0.0))
    before, after = statistics.mean(sides["before"]), statistics.mean(sides["after"])
    return [
        f"  {engine}, {history} bulk sessions, {users} users, {ROUNDS} alternated rounds:",
        "    before (requests/s): "
        + ", ".join(f"{r:.1f}" for r in sides["before"])
        + f"; mean {before:.1f}",
        "    after (requests/s):  "
        + ", ".join(f"{r:.1f}" for r in sides["after"])
        + f"; mean {after:.1f}",
        f"    throughput ratio after/before: {after / before if before else 0:.2f}x",
    ]


def bench_engine(engine: str) -> bool:
    healthy = True
    for history in HISTORIES:
        harness.say(f"==> {engine}, {history} bulk sessions: the seed database")
        measured: dict[str, dict[int, dict[str, dict[str, float]]]] = {}
        runs = variants()
        oldest = Path(BASELINE).resolve() if BASELINE else harness.SRC  # the seed's schema
        seeded, fixture = seed(engine, history, oldest)
        for label, src in runs:
            ok, measured[label] = bench_run(engine, history, label, src, seeded, fixture)
            healthy = healthy and ok
        if not REUSE and seeded.pg_name:
            harness.drop_postgres(seeded.pg_name)
        for n in range(1, ROUNDS + 1) if BASELINE else ():
            suffix = str(n) if ROUNDS > 1 else ""
            for users in USERS:
                title = (
                    f"{engine}, {history} bulk sessions, {users} users, round {n}, before -> after"
                )
                for line in side_by_side(
                    title, measured["before" + suffix][users], measured["after" + suffix][users]
                ):
                    harness.say(line)
        if BASELINE and ROUNDS > 1:
            for users in USERS:
                for line in overall(engine, history, users, measured):
                    harness.say(line)
    return healthy


def main() -> int:
    harness.say(f"machine: {harness.machine()}")
    engines = [e for e in ENGINES if e]
    if "postgres" in engines and not harness.postgres_reachable():
        harness.say(f"PostgreSQL is not reachable at {harness.PG_SERVER}; skipping it")
        engines.remove("postgres")
    healthy = []
    for engine in engines:
        try:
            healthy.append(bench_engine(engine))
        except (RuntimeError, subprocess.CalledProcessError) as failure:
            harness.say(f"  FAILED on {engine}: {failure}")
            healthy.append(False)
    harness.say(f"machine after the run: {harness.machine()}")
    return 0 if all(healthy) else 1


if __name__ == "__main__":
    sys.exit(main())
