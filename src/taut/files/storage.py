"""Where a patient file's bytes are kept: under VAR_DIR/patient-files/<clinic>/<file id>, outside
the static and media roots, so the web server never serves them by path."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings


def files_root() -> Path:
    return Path(
        getattr(settings, "TAUT_PATIENT_FILES_DIR", Path(settings.VAR_DIR) / "patient-files")
    )


def path_of(stored_name: str) -> Path:
    return files_root() / stored_name


def store(stored_name: str, data: bytes) -> Path:
    """Write the bytes whole or not at all (a temporary name, then an atomic rename)."""
    target = path_of(stored_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with open(partial, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    partial.replace(target)
    return target


def discard(stored_name: str) -> None:
    path_of(stored_name).unlink(missing_ok=True)


def read(stored_name: str) -> bytes:
    return path_of(stored_name).read_bytes()
