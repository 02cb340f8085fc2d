"""Whole-database backup and restore with a manifest: checksum, schema version, engine.

A backup is a gzip'd tar holding `manifest.json` and one payload:
  SQLite      `database.sqlite3`, a consistent copy made with SQLite's online backup API
              (readers and writers may keep working while it runs);
  PostgreSQL  `database.pgdump`, from `pg_dump --format=custom`.
The manifest records the format version, the engine, the Taut version, when it was made, the
SHA-256 of the payload and the schema version: every app's applied migrations. `restore` checks
all of these before it touches the database, and refuses a database that already holds data
unless told `force`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from taut import clock
from taut.clinical.wording import with_article
from taut.files import storage as patient_files

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PAYLOADS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
FILES_PREFIX = "patient-files/"
_FILE_NAME = re.compile(r"^\d+/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# Tables whose rows mean "this database is in use": restoring over them needs --force.
OCCUPIED_TABLES = ("clinics_clinic", "accounts_user", "patients_patient")


class BackupError(Exception):
    """A backup that cannot be made, or a file that must not be restored; the message says why."""


@dataclass(frozen=True)
class Manifest:
    format_version: int
    engine: str
    taut_version: str
    created_at: str
    payload: str
    sha256: str
    size: int
    schema: dict[str, list[str]]
    # Patients' files kept beside the database (name under patient-files/, size, SHA-256);
    # absent from backups made before Taut kept files.
    files: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode()


def _engine(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in PAYLOADS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _taut_version() -> str:
    try:
        return metadata.version("taut")
    except metadata.PackageNotFoundError:
        return "unknown"


def applied_schema(using: str = "default") -> dict[str, list[str]]:
    """Applied migrations per app, as recorded in the database."""
    schema: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        schema.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(schema.items())}


def code_schema() -> dict[str, list[str]]:
    """The migrations this installation of Taut ships, per app."""
    schema: dict[str, list[str]] = {}
    for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations:
        schema.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(schema.items())}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise BackupError(f"{name} was not found; install the PostgreSQL client tools.")


def _pg_env(settings: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    if settings.get("HOST"):
        args += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", str(settings["USER"])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return args, env


def _dump(using: str, engine: str, target: Path) -> None:
    connection = connections[using]
    if engine == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)  # type: ignore[union-attr]
        copy.close()
        return
    settings = connection.settings_dict
    args, env = _pg_env(settings)
    command = [
        _pg_tool("pg_dump"),
        "--format=custom",
        "--no-owner",
        *args,
        "--file",
        str(target),
        str(settings["NAME"]),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")


def backup_create(target: Path, *, using: str = "default") -> Manifest:
    """Write a backup archive of the configured database to `target`."""
    engine = _engine(using)
    with tempfile.TemporaryDirectory() as scratch:
        payload = Path(scratch) / PAYLOADS[engine]
        _dump(using, engine, payload)
        manifest = Manifest(
            format_version=FORMAT_VERSION,
            engine=engine,
            taut_version=_taut_version(),
            created_at=clock.now().isoformat(),
            payload=payload.name,
            sha256=_sha256(payload),
            size=payload.stat().st_size,
            schema=applied_schema(using),
            files=_kept_files(),
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            info = tarfile.TarInfo(MANIFEST)
            data = manifest.as_json()
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(payload, arcname=payload.name)
            for kept in manifest.files:
                archive.add(
                    patient_files.path_of(kept["name"]), arcname=FILES_PREFIX + kept["name"]
                )
        partial.replace(target)
    return manifest


def _kept_files() -> list[dict[str, Any]]:
    root = patient_files.files_root()
    if not root.is_dir():
        return []
    kept = []
    for path in sorted(root.glob("*/*")):
        name = path.relative_to(root).as_posix()
        if path.is_file() and _FILE_NAME.match(name):  # not a .partial left by a crash
            kept.append({"name": name, "size": path.stat().st_size, "sha256": _sha256(path)})
    return kept


def _read_files(archive: tarfile.TarFile, manifest: Manifest, scratch: Path) -> None:
    """Extract the patients' files the manifest lists, each checked by name and hash."""
    for kept in manifest.files:
        name = str(kept.get("name", ""))
        if not _FILE_NAME.match(name):
            raise BackupError(f"The backup lists a file with an unexpected name: {name!r}.")
        member = archive.extractfile(FILES_PREFIX + name)
        if member is None:
            raise BackupError(f"The backup is incomplete: the patient file {name} is missing.")
        target = scratch / "patient-files" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            shutil.copyfileobj(member, out)
        if _sha256(target) != kept.get("sha256"):
            raise BackupError(
                f"The backup is corrupted: the patient file {name} does not match its SHA-256."
            )


def _restore_files(scratch: Path) -> None:
    extracted = scratch / "patient-files"
    if not extracted.is_dir():
        return
    for path in sorted(extracted.glob("*/*")):
        name = path.relative_to(extracted).as_posix()
        patient_files.store(name, path.read_bytes())


def backup_read(source: Path, scratch: Path) -> tuple[Manifest, Path]:
    """Open an archive, check its manifest and checksum; the payload is extracted to `scratch`."""
    try:
        with tarfile.open(source, "r:gz") as archive:
            names = archive.getnames()
            if MANIFEST not in names:
                raise BackupError(f"{source} is not a Taut backup: it has no {MANIFEST}.")
            raw = archive.extractfile(MANIFEST)
            assert raw is not None  # noqa: S101 - a regular member
            manifest = Manifest(**json.loads(raw.read()))
            if manifest.payload not in PAYLOADS.values() or manifest.payload not in names:
                raise BackupError(f"{source} is incomplete: the database file is missing.")
            member = archive.extractfile(manifest.payload)
            assert member is not None  # noqa: S101
            payload = scratch / manifest.payload
            with payload.open("wb") as out:
                shutil.copyfileobj(member, out)
            _read_files(archive, manifest, scratch)
    except KeyError:
        raise BackupError(f"{source} is incomplete: a patient file is missing.") from None
    except (tarfile.TarError, EOFError, OSError, json.JSONDecodeError, TypeError) as broken:
        raise BackupError(f"{source} is corrupted or not a Taut backup ({broken}).") from None
    if manifest.format_version != FORMAT_VERSION:
        raise BackupError(
            f"{source} uses backup format {manifest.format_version}; this Taut reads format "
            f"{FORMAT_VERSION}."
        )
    if _sha256(payload) != manifest.sha256:
        raise BackupError(
            f"{source} is corrupted: the database file's SHA-256 does not match the manifest. "
            "Do not restore it; use another copy."
        )
    return manifest, payload


def _schema_difference(theirs: dict[str, list[str]], ours: dict[str, list[str]]) -> str:
    problems = []
    for app in sorted(set(theirs) | set(ours)):
        extra = sorted(set(theirs.get(app, [])) - set(ours.get(app, [])))
        missing = sorted(set(ours.get(app, [])) - set(theirs.get(app, [])))
        if extra:
            problems.append(f"{app}: the backup has {', '.join(extra)}, unknown to this Taut")
        if missing:
            problems.append(f"{app}: the backup lacks {', '.join(missing)}")
    return "; ".join(problems)


def _occupied(using: str) -> bool:
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in OCCUPIED_TABLES:
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
                if cursor.fetchone():
                    return True
    return False


def load_sqlite(target: sqlite3.Connection, payload: Path) -> None:
    """Copy a verified SQLite payload over the whole target database (online backup API)."""
    with sqlite3.connect(payload) as source:
        source.backup(target)
    source.close()


def load_postgresql(settings: dict[str, Any], payload: Path) -> None:
    """pg_restore a verified dump into the database `settings` name, replacing its objects."""
    args, env = _pg_env(settings)
    command = [
        _pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        *args,
        "--dbname",
        str(settings["NAME"]),
        str(payload),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()}")


def backup_restore(source: Path, *, using: str = "default", force: bool = False) -> Manifest:
    """Replace the configured database with the backup, after every check has passed."""
    engine = _engine(using)
    with tempfile.TemporaryDirectory() as scratch:
        manifest, payload = backup_read(source, Path(scratch))
        if manifest.engine != engine:
            raise BackupError(
                f"{source} is {with_article(manifest.engine)} backup; the configured database is "
                f"{engine}. "
                "Restore it into a database of the same engine."
            )
        difference = _schema_difference(manifest.schema, code_schema())
        if difference:
            raise BackupError(
                f"{source} was made with another schema version (Taut {manifest.taut_version}): "
                f"{difference}. Restore it with the Taut version that made it."
            )
        if not force and _occupied(using):
            raise BackupError(
                "The configured database already holds clinics, users or patients. Restoring "
                "replaces all of it; run again with --force if that is what you want."
            )
        connection = connections[using]
        if engine == "sqlite":
            connection.ensure_connection()
            load_sqlite(connection.connection, payload)  # type: ignore[arg-type]
        else:
            connection.close()
            load_postgresql(connection.settings_dict, payload)
        _restore_files(Path(scratch))
    return manifest
