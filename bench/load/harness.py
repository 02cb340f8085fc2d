"""Shared machinery of the load and fault benchmarks: databases, the production server, clients.

The benchmarks run Taut the production way (production settings, gunicorn with two workers, the
task worker) against a database of their own, and talk to it over loopback as a TLS-terminating
proxy would: every request carries `X-Forwarded-Proto: https` and an `Origin` of the https site,
and the client sends Taut's Secure cookies back over the plain-http loopback hop. Nothing in the
app's settings is relaxed.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
# The code under test; BENCH_SRC points the servers at another copy (e.g. a candidate fix).
SRC = Path(os.environ.get("BENCH_SRC", str(ROOT / "src")))
BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PASSWORD = os.environ.get("TAUT_DEMO_PASSWORD", "taut-demo-2026")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def say(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        return False


def fresh_postgres(name: str) -> str:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def drop_postgres(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def terminate_postgres_backends(name: str) -> int:
    """pg_terminate_backend every connection to database `name` (the app's and the worker's)."""
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return sum(1 for (done,) in rows if done)


@dataclass
class Target:
    """One engine's database and the environment that points Taut at it."""

    engine: str  # "sqlite" or "postgres"
    var_dir: Path
    database_url: str = ""
    pg_name: str = ""
    src: Path = SRC  # the code the servers and the database steps run

    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"TAUT_DEV", "TAUT_TESTING", "DATABASE_URL"}
        }
        env.update(
            SECRET_KEY="bench-" + "k" * 50,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            TAUT_VAR_DIR=str(self.var_dir),
            DJANGO_SETTINGS_MODULE="taut.clinic.settings",
            PYTHONPATH=str(self.src),
            BENCH_SRC=str(self.src),
            TAUT_LOG_LEVEL="ERROR",
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    @property
    def sqlite_path(self) -> Path:
        return self.var_dir / "taut.sqlite3"


def make_target(engine: str, pg_name: str, src: Path = SRC) -> Target:
    var_dir = Path(tempfile.mkdtemp(prefix=f"taut-bench-{engine}-"))
    if engine == "postgres":
        return Target(engine, var_dir, fresh_postgres(pg_name), pg_name, src)
    return Target(engine, var_dir, src=src)


def django_side(target: Target, *args: str, **env: str) -> dict[str, Any]:
    """Run bench/load/djangoside.py in a child process against the target; its JSON answer."""
    out = target.var_dir / f"answer-{args[0]}.json"
    command = [sys.executable, str(ROOT / "bench" / "load" / "djangoside.py"), *args, str(out)]
    environment = {**target.env(), **env}
    subprocess.run(command, env=environment, check=True, cwd=target.var_dir)  # noqa: S603
    answer: dict[str, Any] = json.loads(out.read_text())
    return answer


def postgres_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        return bool(
            admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        )


def clone_target(seed: Target, engine: str, pg_name: str, src: Path) -> Target:
    """A copy of a prepared database (PostgreSQL: CREATE DATABASE ... TEMPLATE; SQLite: the
    file), so that several runs start from the same data without seeding it again."""
    var_dir = Path(tempfile.mkdtemp(prefix=f"taut-bench-{engine}-"))
    if engine == "postgres":
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{pg_name}" TEMPLATE "{seed.pg_name}"')
        return Target(engine, var_dir, f"{PG_SERVER}/{pg_name}", pg_name, src)
    shutil.copyfile(seed.sqlite_path, var_dir / "taut.sqlite3")
    return Target(engine, var_dir, src=src)


@dataclass
class Server:
    """gunicorn (two workers) and `taut worker`, as scripts/serve-production starts them."""

    target: Target
    port: int = field(default_factory=free_port)
    workers: int = 2
    # Threads per worker (BENCH_THREADS): 1 is gunicorn's sync worker, more its gthread worker,
    # which overlaps one request's database round trips with another's work.
    threads: int = field(default_factory=lambda: int(os.environ.get("BENCH_THREADS", "1")))
    gunicorn: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout: float = 120) -> None:
        log = (self.target.var_dir / "server.log").open("ab")
        env = self.target.env()
        self.worker = subprocess.Popen(  # noqa: S603
            [str(BIN / "taut"), "worker"], env=env, stdout=log, stderr=log, cwd=self.target.var_dir
        )
        self.gunicorn = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "taut.clinic.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--forwarded-allow-ips",
                "127.0.0.1",
                "--timeout",
                "60",
            ],
            env=env,
            stdout=log,
            stderr=log,
            cwd=self.target.var_dir,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.gunicorn.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.target.var_dir / 'server.log'}")
            try:
                if requests.get(self.base + "/healthz", headers=PROXY, timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the server did not answer in {timeout} s")

    def pids(self) -> list[int]:
        """The gunicorn master and its workers (children read from /proc)."""
        if self.gunicorn is None:
            return []
        master = self.gunicorn.pid
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                children.append(int(entry.name))
        return [master, *children]

    def kill_hard(self) -> list[int]:
        """kill -9 the gunicorn master and every worker at once (the task worker too)."""
        pids = self.pids()
        if self.worker is not None:
            pids.append(self.worker.pid)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for process in (self.gunicorn, self.worker):
            if process is not None:
                process.wait()
        return pids

    def stop(self) -> None:
        for process in (self.gunicorn, self.worker):
            if process is not None and process.poll() is None:
                process.terminate()
        for process in (self.gunicorn, self.worker):
            if process is None:
                continue
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (0 if it is gone)."""
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_backends(name: str) -> list[int]:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return [pid for (pid,) in rows]


@dataclass
class CpuMeter:
    """CPU seconds used by the server's processes and by the database's backends between
    `start` and `stop`: work per request, which a busy shared machine does not distort the way
    it distorts latency. (SQLite's work is inside the server's processes.)"""

    server: Server
    started: dict[str, dict[int, float]] = field(default_factory=dict)
    used: dict[str, float] = field(default_factory=dict)

    def _snapshot(self) -> dict[str, dict[int, float]]:
        app = self.server.pids() + ([self.server.worker.pid] if self.server.worker else [])
        database = (
            postgres_backends(self.server.target.pg_name) if self.server.target.pg_name else []
        )
        return {
            "app": {pid: process_cpu_seconds(pid) for pid in app},
            "database": {pid: process_cpu_seconds(pid) for pid in database},
        }

    def start(self) -> None:
        self.started = self._snapshot()

    def stop(self) -> None:
        ended = self._snapshot()
        for part, now in ended.items():
            before = self.started.get(part, {})
            self.used[part] = sum(cpu - before.get(pid, 0.0) for pid, cpu in now.items())


PROXY = {"X-Forwarded-Proto": "https"}


def _send_secure_cookies_over_loopback(
    self: http.cookiejar.DefaultCookiePolicy, cookie: http.cookiejar.Cookie, request: Any
) -> bool:
    """The client stands where the TLS proxy would: Taut's Secure cookies go back over the plain
    loopback hop. (requests copies cookies into a fresh jar for every request, so a per-session
    policy would be lost; this changes the policy of the benchmark's client process only.)"""
    return True


http.cookiejar.DefaultCookiePolicy.return_ok_secure = _send_secure_cookies_over_loopback  # type: ignore[method-assign]


def proxy_headers(base: str) -> dict[str, str]:
    host = urllib.parse.urlsplit(base).netloc
    return {**PROXY, "Origin": f"https://{host}", "Referer": f"https://{host}/"}


def signed_in_session(base: str, username: str = "clinician") -> requests.Session:
    """A requests session signed in through the real login form."""
    session = requests.Session()
    session.headers.update(proxy_headers(base))
    sign_in(session, base, username)
    return session


def sign_in(client: Any, base: str, username: str, *, name: str | None = None) -> None:
    extra = {"name": name} if name else {}
    page = client.get(base + "/accounts/login/", **extra)
    token = CSRF_INPUT.search(page.text)
    if token is None:
        raise RuntimeError(f"no CSRF token on the login page (HTTP {page.status_code})")
    answer = client.post(
        base + "/accounts/login/",
        data={"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD},
        allow_redirects=False,
        **extra,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"signing in as {username} failed (HTTP {answer.status_code})")


def csrf_token(client: Any) -> str:
    token = client.cookies.get("csrftoken")
    if not token:
        raise RuntimeError("no csrftoken cookie")
    return str(token)


def entry_form(*, lot: int, muscle: str, key: int) -> dict[str, str]:
    """A needling entry whose (insertions, depth) pair is unique per key, to find it afterwards."""
    insertions, depth = entry_key(key)
    return {
        "muscle": muscle,
        "side": "lr"[key % 2],
        "technique": "deep",
        "lot_id": str(lot),
        "needles_in": "1",
        "depth_mm": depth,
        "insertions": str(insertions),
        "twitch": "none",
        "minutes_in": "",
    }


def entry_key(key: int) -> tuple[int, str]:
    """key -> (insertions 1..200, depth 1.0..149.9 mm): 298,000 distinct pairs."""
    insertions = 1 + key % 200
    tenths = 10 + (key // 200) % 1490
    return insertions, f"{tenths // 10}.{tenths % 10}"


def machine() -> str:
    cpus = os.cpu_count()
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()
    return f"{cpus} CPU ({model}), load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
