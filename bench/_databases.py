"""The benchmarks' databases: one per script and size, kept under var/bench/ (SQLite) or as
taut_bench_<name>_<size> on a PostgreSQL server, so a later run can reuse the seeded data."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def database_url(name: str, size: int, postgres: str | None) -> str:
    if postgres:
        return f"{postgres.rstrip('/')}/taut_bench_{name}_{size}"
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
