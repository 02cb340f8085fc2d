"""`taut backup` / `taut restore`: a demo clinic round-trips table by table, and restore refuses a
corrupted file, another schema or engine, and an occupied database without --force."""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from taut.demo.seed import seed_demo
from taut.interop import backup
from taut.patients.models import Patient
from tests.conftest import make_patient

Snapshot = dict[str, list[tuple[Any, ...]]]


def _rows(cursor: Any, tables: list[str], quote: Any) -> Snapshot:
    snapshot: Snapshot = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - table names from the schema
        rows = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in cursor]
        snapshot[table] = sorted(rows, key=repr)
    return snapshot


def live_snapshot() -> Snapshot:
    """The configured database's rows as stored, read through a plain DB-API connection (the
    Django connection converts types, which the fresh database's reader does not)."""
    if connection.vendor == "sqlite":
        return sqlite_snapshot(str(connection.settings_dict["NAME"]))
    return postgresql_snapshot(connection.settings_dict)


def sqlite_snapshot(path: Path | str) -> Snapshot:
    with sqlite3.connect(path, uri=str(path).startswith("file:")) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        snapshot = _rows(db.cursor(), tables, lambda t: f'"{t}"')
    db.close()
    return snapshot


def postgresql_snapshot(settings: dict[str, Any]) -> Snapshot:
    with (
        psycopg.connect(
            dbname=settings["NAME"],
            user=settings.get("USER") or None,
            host=settings.get("HOST") or None,
            port=settings.get("PORT") or None,
            password=settings.get("PASSWORD") or None,
        ) as db,
        db.cursor() as cursor,
    ):
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        tables = [name for (name,) in cursor.fetchall()]
        return _rows(cursor, tables, lambda t: f'"{t}"')


def _restore_into_a_fresh_database(archive: Path, scratch: Path) -> Snapshot:
    manifest, payload = backup.backup_read(archive, scratch)
    if manifest.engine == "sqlite":
        fresh = scratch / "fresh.sqlite3"
        target = sqlite3.connect(fresh)
        backup.load_sqlite(target, payload)
        target.close()
        return sqlite_snapshot(fresh)
    settings = {**connection.settings_dict, "NAME": connection.settings_dict["NAME"] + "_fresh"}
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')
        cursor.execute(f'CREATE DATABASE "{settings["NAME"]}"')
    try:
        backup.load_postgresql(settings, payload)
        return postgresql_snapshot(settings)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')


@pytest.fixture
def seeded(transactional_db: None) -> Snapshot:
    """The demo clinic, committed (pg_dump reads from its own session)."""
    seed_demo(password="x-demo-password")
    return live_snapshot()


def test_a_demo_clinic_round_trips_through_backup_table_by_table(
    seeded: Snapshot, tmp_path: Path
) -> None:
    archive = tmp_path / "taut.tar.gz"
    manifest = backup.backup_create(archive)
    assert manifest.engine == connection.vendor
    assert manifest.schema == backup.code_schema()
    restored = _restore_into_a_fresh_database(archive, tmp_path)
    assert sorted(restored) == sorted(seeded)
    for table, rows in seeded.items():
        assert restored[table] == rows, f"table {table} differs after restore"
    assert len(restored["patients_patient"]) == 40


def test_restore_replaces_the_configured_database_only_with_force(
    seeded: Snapshot, tmp_path: Path
) -> None:
    archive = tmp_path / "taut.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    from taut.clinics.models import Clinic

    make_patient(Clinic.objects.get(slug="demo"), "After", "Backup")
    with pytest.raises(CommandError, match="already holds clinics, users or patients"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Patient.objects.filter(family_name="Backup").exists()
    out = io.StringIO()
    call_command("restore", str(archive), "--force", stdout=out)
    assert "Restored the backup" in out.getvalue()
    assert not Patient.objects.filter(family_name="Backup").exists()
    assert live_snapshot() == seeded


def _archive_with(tmp_path: Path, manifest: dict[str, Any], payload: bytes) -> Path:
    path = tmp_path / "forged.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name, data in (
            ("manifest.json", json.dumps(manifest).encode()),
            (manifest["payload"], payload),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _manifest_of(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive, "r:gz") as opened:
        raw = opened.extractfile("manifest.json")
        assert raw is not None
        return dict(json.loads(raw.read()))


def _payload_of(archive: Path, name: str) -> bytes:
    with tarfile.open(archive, "r:gz") as opened:
        raw = opened.extractfile(name)
        assert raw is not None
        return raw.read()


@pytest.fixture
def good_archive(transactional_db: None, tmp_path: Path) -> Path:
    archive = tmp_path / "good.tar.gz"
    backup.backup_create(archive)
    return archive


def test_a_corrupted_payload_is_refused(good_archive: Path, tmp_path: Path) -> None:
    manifest = _manifest_of(good_archive)
    payload = bytearray(_payload_of(good_archive, manifest["payload"]))
    payload[len(payload) // 2] ^= 0xFF
    forged = _archive_with(tmp_path, manifest, bytes(payload))
    with pytest.raises(CommandError, match="corrupted: the database file's SHA-256 does not"):
        call_command("restore", str(forged), "--force")


def test_a_truncated_archive_is_refused(good_archive: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(good_archive.read_bytes()[:200])
    with pytest.raises(CommandError, match="corrupted or not a Taut backup"):
        call_command("restore", str(cut), "--force")


def test_another_schema_version_is_refused(good_archive: Path, tmp_path: Path) -> None:
    manifest = _manifest_of(good_archive)
    payload = _payload_of(good_archive, manifest["payload"])
    manifest["schema"]["patients"] = [*manifest["schema"]["patients"], "0099_from_the_future"]
    forged = _archive_with(tmp_path, manifest, payload)
    with pytest.raises(CommandError, match="another schema version.*0099_from_the_future"):
        call_command("restore", str(forged), "--force")


def test_a_backup_of_another_engine_is_refused(good_archive: Path, tmp_path: Path) -> None:
    manifest = _manifest_of(good_archive)
    payload = _payload_of(good_archive, manifest["payload"])
    other = "postgresql" if manifest["engine"] == "sqlite" else "sqlite"
    forged = _archive_with(
        tmp_path, {**manifest, "engine": other, "payload": backup.PAYLOADS[other]}, payload
    )
    with pytest.raises(CommandError, match=f"is a {other} backup"):
        call_command("restore", str(forged), "--force")


def test_a_file_that_is_not_a_backup_is_refused(transactional_db: None, tmp_path: Path) -> None:
    stray = tmp_path / "notes.tar.gz"
    with tarfile.open(stray, "w:gz") as archive:
        info = tarfile.TarInfo("notes.txt")
        archive.addfile(info, io.BytesIO(b""))
    with pytest.raises(CommandError, match="has no manifest.json"):
        call_command("restore", str(stray))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))


def test_patients_files_travel_with_the_backup_and_come_back_checked(
    transactional_db: None, tmp_path: Path, settings: Any
) -> None:
    from taut.files import storage

    settings.TAUT_PATIENT_FILES_DIR = tmp_path / "files"
    name = "7/0b8f4e2a-3c1d-4e5f-8a9b-0c1d2e3f4a5b"
    storage.store(name, b"%PDF-1.4 a letter")
    storage.store(name.replace("0b8f", "1b8f"), b"an image")
    (tmp_path / "files" / "7" / "left-by-a-crash.partial").write_bytes(b"half")
    archive = tmp_path / "with-files.tar.gz"
    manifest = backup.backup_create(archive)
    assert [kept["name"] for kept in manifest.files] == [name, name.replace("0b8f", "1b8f")]
    storage.discard(name)
    call_command("restore", str(archive), "--force", stdout=io.StringIO())
    assert storage.read(name) == b"%PDF-1.4 a letter"


def test_a_backup_whose_patient_file_was_altered_is_refused(
    transactional_db: None, tmp_path: Path, settings: Any
) -> None:
    from taut.files import storage

    settings.TAUT_PATIENT_FILES_DIR = tmp_path / "files"
    name = "7/0b8f4e2a-3c1d-4e5f-8a9b-0c1d2e3f4a5b"
    storage.store(name, b"original")
    good = tmp_path / "good.tar.gz"
    manifest = backup.backup_create(good)
    forged = tmp_path / "forged.tar.gz"
    with tarfile.open(forged, "w:gz") as archive:
        for member, data in (
            ("manifest.json", json.dumps(manifest.__dict__).encode()),
            (manifest.payload, _payload_of(good, manifest.payload)),
            ("patient-files/" + name, b"altered"),
        ):
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    with pytest.raises(backup.BackupError, match="does not match its SHA-256"):
        backup.backup_read(forged, tmp_path)
