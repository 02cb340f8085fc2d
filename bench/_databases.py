"""The benchmarks' databases: one per script and size, kept under var/bench/ (SQLite) or as
<prefix>_<name>_<size> on a PostgreSQL server, so a later run can reuse the seeded data.

The prefix is `taut_bench` unless BENCH_DB_PREFIX names another (e.g. one per person or branch
when several people benchmark against the same server)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PREFIX = os.environ.get("BENCH_DB_PREFIX", "taut_bench")


def postgres_name(name: str, size: int | None = None) -> str:
    return f"{PREFIX}_{name}" if size is None else f"{PREFIX}_{name}_{size}"


def database_url(name: str, size: int, postgres: str | None) -> str:
    if postgres:
        return f"{postgres.rstrip('/')}/{postgres_name(name, size)}"
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / f'{name}-{size}.sqlite3'}"


def ensure_postgres_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            connection.execute(f'CREATE DATABASE "{name}"')
