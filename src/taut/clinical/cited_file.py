"""Read one cited knowledge file beside knowledge.py's own, with the same precise errors.

    tables = read_cited_file("timed_codes.toml", {"service": (Service, "code")}, knowledge)
    tables["service"]          # a tuple of frozen Service records, in data order

Each table is a list of records; ids must be unique, an unknown top-level key is a typo, and every
source key (of a record or of anything nested in it) must exist in sources.toml. The files that
knowledge.py loads itself are not read this way; this serves the files added beside them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from taut.clinical.datafile import DataFile
from taut.clinical.integrity import check_cited_records
from taut.clinical.knowledge import Knowledge

TableSpec = Mapping[str, tuple[type[BaseModel], str]]  # table -> (model, id field)


def read_cited_file(
    name: str, tables: TableSpec, knowledge: Knowledge, *, optional: frozenset[str] = frozenset()
) -> dict[str, tuple[Any, ...]]:
    """The records of each table of `name`; tables in `optional` may be absent."""
    return dict(_read(knowledge.directory / name, name, _frozen(tables), optional, knowledge))


def _frozen(tables: TableSpec) -> tuple[tuple[str, type[BaseModel], str], ...]:
    return tuple((table, model, key) for table, (model, key) in tables.items())


@functools.cache
def _read(
    path: Path,
    name: str,
    tables: tuple[tuple[str, type[BaseModel], str], ...],
    optional: frozenset[str],
    knowledge: Knowledge,
) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    file = DataFile(path.parent, name)
    read: list[tuple[str, tuple[Any, ...]]] = []
    for table, model, key in tables:
        records = (
            file.optional_records(table, model, key)
            if table in optional
            else file.records(table, model, key)
        )
        read.append((table, records))
    file.refuse_unread()
    known = [source.key for source in knowledge.sources]
    for (table, records), (_, _, key) in zip(read, tables, strict=True):
        check_cited_records(name, table, records, key, known)
    return tuple(read)
