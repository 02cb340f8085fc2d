from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from taut.demo.seed import demo_exists, seed_demo


class Command(BaseCommand):
    help = "Seed the demo clinic (deterministic): staff of every role and 40 patients."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_exists():
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
