"""Production settings fail closed and pass Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PRODUCTION_ENV = {
    "PATH": os.environ.get("PATH", ""),
    "DJANGO_SETTINGS_MODULE": "taut.clinic.settings",
    "SECRET_KEY": "a-long-random-production-secret-" + "x7Q2" * 12,
    "ALLOWED_HOSTS": "clinic.example.org",
    "DATABASE_URL": "sqlite:////tmp/taut-deploy-check.sqlite3",
}


def _taut(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "taut.cli", *args],
        env={**env, "TAUT_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_reports_no_warnings_under_production_settings(tmp_path: Path) -> None:
    result = _taut(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _taut(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "ALLOWED_HOSTS"}
    result = _taut(["check"], env, tmp_path)
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_hashes_passwords_with_argon2(tmp_path: Path) -> None:
    code = (
        "import django; django.setup(); from django.contrib.auth.hashers import make_password;"
        "print(make_password('x'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**PRODUCTION_ENV, "TAUT_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.startswith("argon2$"), result.stderr


def test_debug_is_only_on_in_development(tmp_path: Path) -> None:
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    prod = subprocess.run(
        [sys.executable, "-c", code],
        env={**PRODUCTION_ENV, "TAUT_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    dev = subprocess.run(
        [sys.executable, "-c", code],
        env={**PRODUCTION_ENV, "TAUT_DEV": "1", "TAUT_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert prod.stdout.strip() == "False" and dev.stdout.strip() == "True"


def test_pages_carry_security_headers(client: object, db: None) -> None:
    from django.test import Client

    response = Client().get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
