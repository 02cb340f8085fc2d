"""Fault benchmark: kill -9 the server mid-burst (SQLite); drop the PostgreSQL connections.

    .venv/bin/python bench/bench_faults.py                 # both faults
    FAULT_ENGINES=sqlite .venv/bin/python bench/bench_faults.py

(a) SQLite: the production server (gunicorn, 2 workers, `taut worker`) takes a burst of writes
    from FAULT_CLIENTS signed-in clients (start a treatment session; add needling entries to it);
    mid-burst the gunicorn master, its workers and the task worker get SIGKILL together. The
    server is started again on the same database and serves writes again. Then: PRAGMA
    integrity_check, no foreign-key violations, every session row has its audit entry and every
    needling entry its audit entry (nothing half-written), every acknowledged write is present,
    the audit hash chains verify.
(b) PostgreSQL: the same burst; mid-burst every connection of the app's database is terminated
    (pg_terminate_backend), twice. Requests that were using a dropped connection must get Taut's
    own error page (not a traceback, not gunicorn's bare error), later requests must succeed
    without restarting anything, and the same consistency checks must hold.

Exits non-zero when a check fails.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent / "load"))
import harness  # noqa: E402
from _databases import postgres_name  # noqa: E402 - bench/ is on the path

CLIENTS = int(os.environ.get("FAULT_CLIENTS", "8"))
ENGINES = os.environ.get("FAULT_ENGINES", "sqlite,postgres").split(",")
PG_NAME = postgres_name("faults")
FRIENDLY = "Something went wrong"
REFUSED = "refused by the safety rules"
CORRECT = {"ok", REFUSED}
ALERT = re.compile(r'role="alert"[^>]*>(.*?)</(?:div|p|ul)>', re.S)
SESSION_URL = re.compile(r"/chart/([0-9a-f-]{36})/sessions/([0-9a-f-]{36})/$")


@dataclass
class Burst:
    """Signed-in clients writing as fast as the server lets them; what was acknowledged."""

    base: str
    fixture: dict[str, Any]
    key_offset: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    sessions: list[str] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[tuple[float, str]] = field(default_factory=list)  # (time, what happened)
    error_pages: list[str] = field(default_factory=list)
    counter: int = 0

    def next_key(self) -> int:
        with self.lock:
            self.counter += 1
            return self.key_offset + self.counter

    def note(self, what: str) -> None:
        with self.lock:
            self.outcomes.append((time.monotonic(), what))

    def client(self, index: int) -> None:
        http = harness.signed_in_session(self.base)
        patients = [s["patient"] for s in self.fixture["sessions"]]
        patient = patients[index % len(patients)]
        current: tuple[str, str] | None = None
        while not self.stop.is_set():
            try:
                if current is None:
                    current = self._start(http, patient)
                else:
                    self._entry(http, *current)
            except requests.RequestException:
                self.note("connection error")
                time.sleep(0.05)

    def _start(self, http: requests.Session, patient: str) -> tuple[str, str] | None:
        answer = http.post(
            f"{self.base}/chart/{patient}/sessions/start/",
            data={"csrfmiddlewaretoken": harness.csrf_token(http)},
            allow_redirects=False,
            timeout=30,
        )
        found = SESSION_URL.search(answer.headers.get("Location", ""))
        if answer.status_code == 302 and found:
            with self.lock:
                self.sessions.append(found.group(2))
            self.note("ok")
            return found.group(1), found.group(2)
        self._failed(answer)
        return None

    def _entry(self, http: requests.Session, patient: str, session: str) -> None:
        key = self.next_key()
        data = harness.entry_form(
            lot=self.fixture["lots"][key % len(self.fixture["lots"])],
            muscle=self.fixture["muscles"][key % len(self.fixture["muscles"])],
            key=key,
        )
        data["csrfmiddlewaretoken"] = harness.csrf_token(http)
        answer = http.post(
            f"{self.base}/chart/{patient}/sessions/{session}/entries/",
            data=data,
            headers={"HX-Request": "true"},
            timeout=30,
        )
        insertions, depth = harness.entry_key(key)
        if answer.status_code == 200 and f"{depth} mm, {insertions} ×" in answer.text:
            with self.lock:
                self.entries.append({"session": session, "insertions": insertions, "depth": depth})
            self.note("ok")
        elif answer.status_code == 200 and "Refused:" in answer.text:
            self.note(REFUSED)  # the screening limits this patient's needling: a correct answer
        else:
            self._failed(answer)

    def _failed(self, answer: requests.Response) -> None:
        if answer.status_code >= 500:
            kind = "friendly error page" if FRIENDLY in answer.text else "bare error page"
            with self.lock:
                self.error_pages.append(answer.text[:300])
        else:
            kind = f"HTTP {answer.status_code}"
            alert = ALERT.search(answer.text)
            if alert:
                kind += ": " + re.sub(r"<[^>]+>|\s+", " ", alert.group(1)).strip()[:160]
        self.note(kind)
        time.sleep(0.05)

    def run(self) -> list[threading.Thread]:
        threads = [
            threading.Thread(target=self.client, args=(i,), daemon=True) for i in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        return threads

    def acknowledged(self) -> int:
        with self.lock:
            return len(self.sessions) + len(self.entries)

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.acknowledged() < count and time.monotonic() < deadline:
            time.sleep(0.05)

    def finish(self, threads: list[threading.Thread]) -> None:
        self.stop.set()
        for thread in threads:
            thread.join(timeout=40)

    def tally(self, since: float = 0.0, until: float = float("inf")) -> dict[str, int]:
        counts: dict[str, int] = {}
        with self.lock:
            for at, what in self.outcomes:
                if since <= at < until:
                    counts[what] = counts.get(what, 0) + 1
        return counts

    def acks_file(self, folder: Path, name: str) -> Path:
        path = folder / name
        with self.lock:
            path.write_text(
                json.dumps(
                    {
                        "sessions": self.sessions,
                        "entries": self.entries,
                        "appointments": [],
                        "baseline": self.fixture["baseline"],
                    }
                )
            )
        return path


def consistency(target: harness.Target, burst: Burst, name: str) -> tuple[bool, list[str]]:
    check = harness.django_side(target, "verify", str(burst.acks_file(target.var_dir, name)))
    lost = len(check["missing_entries"]) + len(check["missing_sessions"])
    half = len(check["sessions_without_audit"]) + abs(check["entry_rows"] - check["entry_audits"])
    ok = (
        lost == 0
        and half == 0
        and check["orphan_entries"] == 0
        and check["audit_verify_ok"]
        and check["integrity_check"] in ("ok", "n/a")
    )
    ok = ok and check["unacknowledged_sessions"] >= 0 and check["unacknowledged_entries"] >= 0
    lines = [
        f"  acknowledged: {check['acknowledged_sessions']} sessions started, "
        f"{check['acknowledged_entries']} needling entries; lost: {lost}; committed but not "
        f"acknowledged (in flight): {check['unacknowledged_sessions']} sessions, "
        f"{check['unacknowledged_entries']} entries",
        f"  rows: {check['sessions']} sessions (without their audit entry: "
        f"{len(check['sessions_without_audit'])}), {check['entry_rows']} needling entries / "
        f"{check['entry_audits']} audit entries for them, orphans: {check['orphan_entries']}",
        f"  integrity_check: {check['integrity_check']}; audit chains: {check['audit_verify']}",
    ]
    return ok, lines


def fault_sqlite() -> bool:
    harness.say("==> (a) SQLite: kill -9 the server during a burst of writes")
    target = harness.make_target("sqlite", PG_NAME)
    fixture = harness.django_side(target, "prepare", "1")
    server = harness.Server(target)
    server.start()
    burst = Burst(server.base, fixture)
    threads = burst.run()
    burst.wait_for(40)
    before = burst.acknowledged()
    killed = server.kill_hard()
    killed_at = time.monotonic()
    harness.say(f"  kill -9 of {len(killed)} processes after {before} acknowledged writes")
    time.sleep(1.0)
    burst.finish(threads)
    during = burst.tally(since=killed_at)
    harness.say(f"  while the server was down the clients saw: {during}")
    check_ok, lines = consistency(target, burst, "acks-killed.json")
    for line in lines:
        harness.say(line)

    harness.say("  restarting the server on the same database")
    restarted = harness.Server(target)
    restarted.start()
    again = Burst(restarted.base, fixture, key_offset=200_000)
    threads = again.run()
    again.wait_for(20, timeout=60)
    again.finish(threads)
    restarted.stop()
    served = again.tally()
    harness.say(f"  after the restart: {served}")
    merged = Burst(restarted.base, fixture)
    merged.sessions = burst.sessions + again.sessions
    merged.entries = burst.entries + again.entries
    after_ok, lines = consistency(target, merged, "acks-after.json")
    for line in lines:
        harness.say(line)
    recovered = served.get("ok", 0) >= 20 and not set(served) - CORRECT
    ok = check_ok and after_ok and recovered
    harness.say(f"  (a) {'PASSED' if ok else 'FAILED'}; files in {target.var_dir}")
    return ok


def fault_postgres() -> bool:
    harness.say("==> (b) PostgreSQL: drop the app's database connections during a burst of writes")
    target = harness.make_target("postgres", PG_NAME)
    try:
        fixture = harness.django_side(target, "prepare", "1")
        server = harness.Server(target)
        server.start()
        burst = Burst(server.base, fixture)
        threads = burst.run()
        burst.wait_for(40)
        drops = []
        for _ in range(2):
            drops.append((time.monotonic(), harness.terminate_postgres_backends(PG_NAME)))
            time.sleep(1.5)
        dropped_at = drops[0][0]
        burst.wait_for(burst.acknowledged() + 30, timeout=30)
        burst.finish(threads)
        worker_alive = server.worker is not None and server.worker.poll() is None
        gunicorn_alive = server.gunicorn is not None and server.gunicorn.poll() is None
        server.stop()
        harness.say(f"  terminated {' + '.join(str(n) for _, n in drops)} backends, 1.5 s apart")
        harness.say(f"  before the drops: {burst.tally(until=dropped_at)}")
        harness.say(f"  from the first drop on: {burst.tally(since=dropped_at)}")
        last_failure = max(
            (at for at, what in burst.outcomes if what not in CORRECT and at >= dropped_at),
            default=dropped_at,
        )
        after = burst.tally(since=last_failure + 1e-6)
        bare = [page for page in burst.error_pages if FRIENDLY not in page]
        harness.say(
            f"  after the last failed request: {after}; the server was never restarted "
            f"(gunicorn alive: {gunicorn_alive}, task worker alive: {worker_alive})"
        )
        if bare:
            harness.say(f"  bare error pages ({len(bare)}), first: {bare[0][:200]!r}")
        other = {k: n for k, n in burst.tally().items() if k.startswith("HTTP 4")}
        if other:
            # Seen: 400 when the drop hits the session save at the end of a request whose write
            # had already committed (Django's SessionInterrupted): not a traceback, but not a
            # page that says what happened either. Reported, not failed (see benchmarks.md).
            harness.say(f"  NOTE other answers during the drops: {other}")
        check_ok, lines = consistency(target, burst, "acks-dropped.json")
        for line in lines:
            harness.say(line)
        recovered = after.get("ok", 0) >= 10 and gunicorn_alive
        ok = check_ok and recovered and not bare and "connection error" not in burst.tally()
        harness.say(f"  (b) {'PASSED' if ok else 'FAILED'}")
        return ok
    finally:
        harness.drop_postgres(PG_NAME)


def main() -> int:
    harness.say(f"machine: {harness.machine()}")
    results = []
    if "sqlite" in ENGINES:
        results.append(fault_sqlite())
    if "postgres" in ENGINES:
        if harness.postgres_reachable():
            results.append(fault_postgres())
        else:
            harness.say(f"PostgreSQL is not reachable at {harness.PG_SERVER}; skipping (b)")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
