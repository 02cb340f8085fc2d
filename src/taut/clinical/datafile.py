"""One TOML data file of the knowledge base, read into typed records with precise errors.

Every loader of the core (knowledge.py's files, billing, education, the diary) reads through it,
so a bad file fails the same way everywhere: `KnowledgeError` naming the file, the record and
the reason; a top-level key nobody reads is refused as a typo.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from taut.clinical.records import KnowledgeError, record_label

M = TypeVar("M", bound=BaseModel)


class DataFile:
    """One TOML document and the way to turn its tables into models with precise errors."""

    def __init__(self, directory: Path, name: str) -> None:
        self.name = name
        self.read: set[str] = set()
        path = directory / name
        try:
            with path.open("rb") as handle:
                self.document: dict[str, Any] = tomllib.load(handle)
        except FileNotFoundError:
            raise KnowledgeError(name, "file", f"not found in {directory}") from None
        except tomllib.TOMLDecodeError as error:
            raise KnowledgeError(name, "file", f"invalid TOML: {error}") from None

    @classmethod
    def at(cls, path: Path) -> DataFile:
        """The file at `path` (a loader given one file rather than the knowledge directory)."""
        return cls(path.parent, path.name)

    def records(self, table: str, model: type[M], key: str = "id") -> tuple[M, ...]:
        self.read.add(table)
        raw = self.document.get(table)
        if not isinstance(raw, list) or not raw:
            raise KnowledgeError(self.name, f"[[{table}]]", "missing or empty table")
        parsed = tuple(
            self._parse(table, index, item, model, key) for index, item in enumerate(raw)
        )
        self._refuse_duplicates(table, [getattr(record, key) for record in parsed], key)
        return parsed

    def optional_records(self, table: str, model: type[M], key: str = "id") -> tuple[M, ...]:
        return self.records(table, model, key) if table in self.document else ()

    def table(self, table: str, model: type[M]) -> M:
        self.read.add(table)
        raw = self.document.get(table)
        if not isinstance(raw, dict):
            raise KnowledgeError(self.name, f"[{table}]", "missing table")
        return self._parse(table, None, raw, model, "")

    def string(self, key: str) -> str:
        self.read.add(key)
        value = self.document.get(key)
        if not isinstance(value, str) or not value.strip():
            raise KnowledgeError(self.name, key, "missing or empty text")
        return value

    def refuse_unread(self) -> None:
        """A top-level key nobody reads is a typo (``[[muscel]]``), not extra data to ignore."""
        for key in self.document:
            if key not in self.read:
                raise KnowledgeError(self.name, key, "unknown top-level key")

    def _parse(self, table: str, index: int | None, raw: Any, model: type[M], key: str) -> M:
        label = record_label(table, index, raw.get(key) if isinstance(raw, dict) else None)
        if not isinstance(raw, dict):
            raise KnowledgeError(self.name, label, "expected a table")
        try:
            return model.model_validate(raw)
        except ValidationError as error:
            raise KnowledgeError(self.name, label, _reasons(error)) from None

    def _refuse_duplicates(self, table: str, ids: list[str], key: str) -> None:
        seen: set[str] = set()
        for index, record_id in enumerate(ids):
            if record_id in seen:
                label = record_label(table, index, record_id)
                raise KnowledgeError(self.name, label, f"duplicate {key} '{record_id}'")
            seen.add(record_id)


def _reasons(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        where = ".".join(str(step) for step in problem["loc"])
        message = problem["msg"]
        if problem["type"] in {"enum", "literal_error"} or "pattern" in problem["type"]:
            message += f" (got {problem.get('input')!r})"
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)
