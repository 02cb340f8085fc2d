"""Plain INSERTs (SQLite) or COPY (PostgreSQL) of the synthetic history's ready-made rows."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django.db import connection

BATCH = 5_000


class Writer:
    """Plain INSERTs (SQLite: executemany) or COPY (PostgreSQL) of ready-made tuples, with ids
    assigned here so that child rows can point at their parents without a round trip."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.next_ids: dict[str, int] = {}

    def ids(self, table: str, count: int) -> range:
        if table not in self.next_ids:
            with connection.cursor() as cursor:
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608
                self.next_ids[table] = int(cursor.fetchone()[0]) + 1
        start = self.next_ids[table]
        self.next_ids[table] = start + count
        return range(start, start + count)

    def uuid(self, value: uuid.UUID) -> Any:
        return value if self.postgres else value.hex

    def when(self, value: datetime) -> Any:
        return value if self.postgres else value.strftime("%Y-%m-%d %H:%M:%S.%f")

    def day(self, value: date) -> Any:
        return value if self.postgres else value.isoformat()

    def insert(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        names = ", ".join(f'"{c}"' for c in columns)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            marks = ", ".join("%s" for _ in columns)
            for start in range(0, len(rows), BATCH):
                cursor.executemany(
                    f'INSERT INTO "{table}" ({names}) VALUES ({marks})',  # noqa: S608
                    rows[start : start + BATCH],
                )

    def reset_sequences(self) -> None:
        """PostgreSQL identity columns continue after the ids assigned here."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for table in (
                "charting_needlingentry",
                "charting_measure",
                "charting_sessionadverseevent",
                *self.next_ids,
            ):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                    f'(SELECT MAX(id) FROM "{table}"))'
                )
