"""Django's `flush`, made to work beside the SQLite triggers that keep signed notes final.

`flush` empties every table. On PostgreSQL it does so with TRUNCATE, which row triggers never see.
On SQLite it runs `DELETE FROM` each table, which the DELETE triggers refuse while a signed note is
in the database. So on SQLite the triggers are lifted for the length of the flush and put back as
they were, in the same transaction: if anything fails, the triggers stay. The test suite flushes
after every transactional test, which is why this matters.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction


def _triggers(connection: Any) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        return list(cursor.fetchall())


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            super().handle(**options)
            return
        with transaction.atomic(using=options["database"]):
            saved = _triggers(connection)
            with connection.cursor() as cursor:
                for name, _ in saved:
                    cursor.execute(f'DROP TRIGGER "{name}"')
            super().handle(**options)
            with connection.cursor() as cursor:
                for _, statement in saved:
                    cursor.execute(statement)
