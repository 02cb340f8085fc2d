from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from taut.interop.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a `taut backup` archive into the configured database. Refuses a corrupted file, "
        "another engine or schema version, and a database that holds data unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The archive written by `taut backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds clinics, users or patients.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["path"])
        if not source.is_file():
            raise CommandError(f"{source} does not exist.")
        try:
            manifest = backup_restore(source, force=options["force"])
        except BackupError as refused:
            raise CommandError(f"Not restored: {refused}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest.created_at} (Taut {manifest.taut_version})."
            )
        )
