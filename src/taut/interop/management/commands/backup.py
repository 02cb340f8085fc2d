from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from taut import clock
from taut.interop.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the whole database into one archive with a checksum and the schema version "
        "(SQLite online backup, or pg_dump for PostgreSQL)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            help="Where to write the archive (default: VAR_DIR/backups/taut-<time>.tar.gz).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = clock.now().strftime("%Y%m%dT%H%M%SZ")
        target = Path(
            options["path"] or Path(settings.VAR_DIR) / "backups" / f"taut-{stamp}.tar.gz"
        )
        try:
            manifest = backup_create(target)
        except BackupError as failed:
            raise CommandError(str(failed)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {manifest.engine} database to {target} "
                f"({manifest.size:,} bytes, SHA-256 {manifest.sha256[:16]}…)."
            )
        )
