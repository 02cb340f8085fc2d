from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from taut import clock
from taut.demo.seed import DEMO_SLUG, demo_exists, seed_demo


class Command(BaseCommand):
    help = "Seed the demo clinic (deterministic): staff of every role and 40 patients."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument(
            "--sessions",
            type=int,
            default=0,
            help="also add this many synthetic signed sessions (bulk history for benchmarks; "
            "written in batches without per-row audit entries, see taut/demo/bulk/)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_exists():
            if options["sessions"]:
                self._bulk(options["sessions"], options["seed"])
                return
            self.stdout.write("The demo clinic is already there; nothing to do.")
            return
        password = settings.TAUT_DEMO_PASSWORD
        logins = seed_demo(
            password=password,
            seed=options["seed"],
            progress=lambda step: self.stdout.write(f"  seeded {step}"),
        )
        self.stdout.write(self.style.SUCCESS("Demo clinic ready. Sign in as:"))
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.role:<11} password: {password}")
        if options["sessions"]:
            self._bulk(options["sessions"], options["seed"])

    def _bulk(self, sessions: int, seed: int) -> None:
        import time

        from taut.clinics.models import Clinic
        from taut.demo.bulk import seed_bulk_history

        clinic = Clinic.objects.get(slug=DEMO_SLUG)
        self.stdout.write(f"Adding {sessions:,} synthetic sessions to the demo clinic…")
        began = time.perf_counter()
        result = seed_bulk_history(
            clinic=clinic,
            sessions=sessions,
            today=clock.today_in(clinic.zone),
            seed=seed,
            progress=lambda step: self.stdout.write(f"  {step}"),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {result.sessions:,} sessions of {result.patients:,} synthetic patients "
                f"in {time.perf_counter() - began:.0f} s (one audit entry for the whole import)."
            )
        )
