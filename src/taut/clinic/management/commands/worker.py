from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from taut.audit.sealing import audit_seal_pending, seal_every


class Command(BaseCommand):
    help = (
        "Run the background worker: sends queued emails and text messages (confirmations, "
        "reminders, diary prompts), runs exports and seals the audit log every few seconds. "
        "Keep one running beside the web server."
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
            audit_seal_pending()
            call_command("db_worker", batch=True, **worker_options)
            audit_seal_pending()  # what the tasks themselves recorded
            return
        stop = threading.Event()
        sealer = threading.Thread(
            target=seal_every,
            args=(settings.TAUT_AUDIT_SEAL_SECONDS, stop),
            name="audit-sealer",
            daemon=True,  # a stopped worker stops sealing; the queue waits for the next one
        )
        sealer.start()
        try:
            call_command("db_worker", **worker_options)
        finally:
            stop.set()
