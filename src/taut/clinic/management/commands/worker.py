from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run the background worker: sends queued emails and text messages (confirmations, "
        "reminders, diary prompts) and runs exports. Keep one running beside the web server."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="run what is due now, then exit (for cron)"
        )
        parser.add_argument(
            "--interval", type=float, default=2.0, help="seconds between polls (default 2)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_options: dict[str, Any] = {"interval": options["interval"]}
        if options["batch"]:
            worker_options["batch"] = True
        call_command("db_worker", **worker_options)
