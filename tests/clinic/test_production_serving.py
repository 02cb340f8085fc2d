"""Production, as `make serve` runs it: production settings, PostgreSQL, gunicorn with two
workers, whitenoise static files and the task worker. The test serves a page and runs a task."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
PG = "postgresql://postgres@127.0.0.1:5432/"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# It starts real processes for a minute, so it runs once: in the PostgreSQL pass of `.ci/run`.
pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the production serving test runs in the PostgreSQL pass (DATABASE_URL=postgres://...)",
)


@pytest.fixture
def production_database() -> Iterator[str]:
    name = f"taut_production_{os.getpid()}"
    try:
        admin = psycopg.connect(PG + "postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable on 127.0.0.1:5432 ({error})")
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG + name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _get(url: str) -> tuple[int, bytes]:
    assert url.startswith("http://127.0.0.1:")  # noqa: S101 - loopback only
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        return response.status, response.read()


# Migrating a fresh PostgreSQL database and collecting static files comes first.
def _wait_for(
    url: str, process: subprocess.Popen[bytes], *, log_file: Path, seconds: float = 300
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log_file.read_text(errors="replace")[-3000:]
            raise AssertionError(f"the server exited with {process.returncode}:\n{output}")
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.5)
    output = log_file.read_text(errors="replace")[-3000:]
    raise AssertionError(f"{url} did not answer within {seconds} s:\n{output}")


def test_make_serve_serves_pages_static_files_and_runs_tasks(
    production_database: str, tmp_path: Path
) -> None:
    port = _free_port()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "SECRET_KEY": "production-test-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": production_database,
        "TAUT_VAR_DIR": str(tmp_path / "var"),
        "TAUT_BIND": f"127.0.0.1:{port}",
        "TAUT_BIN": str(ROOT / ".venv" / "bin"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(  # noqa: S603 - our own script
        ["bash", str(ROOT / "scripts" / "serve-production")],
        env=env,
        cwd=tmp_path,
        start_new_session=True,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/healthz", server, log_file=tmp_path / "serve.log")
        status, body = _get(base + "/accounts/login/")
        assert status == 200 and b"Sign in" in body
        status, css = _get(base + "/static/taut/taut.css")
        assert status == 200 and len(css) > 1000

        queue = (
            "from taut.clinics.models import Clinic; "
            "from taut.messaging.services import message_queue; "
            "c = Clinic.objects.create(name='P', slug='p', jurisdiction='US-CO'); "
            "message_queue(clinic=c, kind='reminder', channel='email', "
            "recipient='pat@example.com', subject='Served by the worker', body='hello')"
        )
        subprocess.run(  # noqa: S603
            [str(ROOT / ".venv" / "bin" / "taut"), "shell", "-c", queue],
            env=env,
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )
        deadline = time.monotonic() + 30
        sent: list[Path] = []
        while time.monotonic() < deadline and not sent:
            sent = list((tmp_path / "mail").glob("*.log")) if (tmp_path / "mail").exists() else []
            time.sleep(0.5)
        assert sent, "the worker did not send the queued email"
        assert "Served by the worker" in sent[0].read_text()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
