from __future__ import annotations

import atexit
import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from taut.clinics.models import Clinic


class Command(BaseCommand):
    help = (
        "Set up and serve Taut: apply migrations, seed the demo clinic when the database is "
        "empty, and serve on 127.0.0.1:8000 (the development server; see docs/deployment.md "
        "for production)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-demo", action="store_true", help="do not seed the demo clinic")
        parser.add_argument("--noreload", action="store_true", help="no auto-reload on changes")
        parser.add_argument(
            "--no-worker", action="store_true", help="do not start the background worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if os.environ.get("RUN_MAIN") != "true":  # the reloader's child skips the setup
            self._set_up(seed=not options["no_demo"])
            if not options["no_worker"]:
                self._start_worker()
        call_command("runserver", options["addrport"], use_reloader=not options["noreload"])

    def _start_worker(self) -> None:
        """The background worker beside the development server, so that confirmations and
        reminders go out (to this console, with the development email backend)."""
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "taut.cli", "worker"], env=os.environ.copy()
        )
        atexit.register(worker.terminate)
        self.stdout.write(f"Background worker started (process {worker.pid}).")

    def _set_up(self, *, seed: bool) -> None:
        self.stdout.write("Applying migrations…")
        call_command("migrate", interactive=False, verbosity=0)
        if seed and not Clinic.objects.exists():
            self.stdout.write("Seeding the demo clinic…")
            call_command("demo")
        else:
            self.stdout.write(
                f"Database has {Clinic.objects.count()} clinic(s); demo logins use the password "
                f"{settings.TAUT_DEMO_PASSWORD!r} (usernames: owner, clinician, clinician2, "
                "frontdesk, patient)."
            )
